"""Who the awards app tells what, through the one notifications service (``blocs``).

Each function takes the rows an event changed and calls ``notify``/``notify_all`` with the
people concerned; the texts live in ``awards.notices``.
"""

from django.urls import reverse

from awards import notices
from awards.models import Appeal, RankingPublication
from awards.selectors import member_ids
from blocs.services.notifications import notify, people_of


def _period_params(period, **more) -> dict:
    term = period.term
    return {"bloc": term.bloc.name, "year": term.year, "period_kind": period.kind, **more}


def appeals_url(period) -> str:
    term = period.term
    return reverse("awards:appeals", args=[term.bloc.code, term.year, period.kind])


def ranking_provisional(*, publication: RankingPublication, by=None) -> int:
    """Tell every member's people that the ranking is provisional, and until when to appeal."""
    period = publication.period
    return notify(
        recipients=people_of(member_ids(period.term)),
        kind=notices.RANKING_PROVISIONAL,
        params=_period_params(period, deadline=publication.closes_at.isoformat()),
        url=appeals_url(period),
        key=f"ranking-provisional:{publication.pk}",
        by=by,
    )


def appeal_received(*, appeal: Appeal, by=None) -> int:
    """Tell the secretariat (the leader agency's people) that an appeal came in."""
    period = appeal.publication.period
    leader = period.term.leader
    return notify(
        recipients=people_of([leader.pk] if leader else []),
        kind=notices.APPEAL_RECEIVED,
        params=_period_params(
            period, agency=appeal.agency.name, number=appeal.number, reason=appeal.reason
        ),
        url=appeals_url(period),
        key=f"appeal-received:{appeal.pk}",
        by=by,
    )


def appeal_answered(*, appeal: Appeal, by=None) -> int:
    """Tell the appellant agency's people how its appeal was answered."""
    period = appeal.publication.period
    return notify(
        recipients=people_of([appeal.agency_id]),
        kind=notices.APPEAL_ANSWERED,
        params=_period_params(
            period,
            agency=appeal.agency.name,
            number=appeal.number,
            outcome=str(appeal.get_status_display()),
            answer=appeal.answer,
        ),
        url=appeals_url(period),
        key=f"appeal-answered:{appeal.pk}",
        by=by,
    )


def ranking_final(*, publication: RankingPublication) -> int:
    """Tell every member's people that the ranking is final."""
    period = publication.period
    return notify(
        recipients=people_of(member_ids(period.term)),
        kind=notices.RANKING_FINAL,
        params=_period_params(period),
        url=appeals_url(period),
        key=f"ranking-final:{publication.pk}",
    )
