"""Who the awards app tells what, through the one notifications service (``blocs``).

Each function takes the rows an event changed and calls ``notify``/``notify_all`` with the
people concerned; the texts live in ``awards.notices``.
"""

from django.urls import reverse

from awards import notices
from awards.models import Appeal, RankingPublication
from awards.selectors import agency_names, member_ids, present_agency_ids
from blocs.services.notifications import notify, people_of


def _term_params(term, **more) -> dict:
    return {"bloc": term.bloc.name, "year": term.year, **more}


def _period_params(period, **more) -> dict:
    return _term_params(period.term, period_kind=period.kind, **more)


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
            # Written as "chấp nhận" or "không chấp nhận" in the reader's language.
            status=appeal.status,
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


def _ballot_params(ballot, **more) -> dict:
    return _term_params(
        ballot.meeting.term,
        period_kind=ballot.meeting.period_kind,
        award=ballot.award_type.name,
        round=ballot.round,
        **more,
    )


def _ballot_url(ballot, name="awards:ballot_detail") -> str:
    term = ballot.meeting.term
    return reverse(name, args=[term.bloc.code, term.year, ballot.meeting.period_kind, ballot.pk])


def ballot_opened(*, ballot, by=None) -> int:
    """Tell the present agencies' people that an online round is open, with its vote page."""
    return notify(
        recipients=people_of(present_agency_ids(ballot.meeting)),
        kind=notices.BALLOT_OPENED,
        params=_ballot_params(ballot),
        url=_ballot_url(ballot, "awards:ballot_vote"),
        key=f"awards.ballot_opened:{ballot.pk}",
        by=by,
    )


def ballot_results(*, ballot, elected_ids, by=None) -> int:
    """Tell every member's people who a closed round elected (nobody is written as such)."""
    names = agency_names(elected_ids)
    return notify(
        recipients=people_of(member_ids(ballot.meeting.term)),
        kind=notices.BALLOT_RESULTS,
        params=_ballot_params(ballot, elected=", ".join(names[i] for i in elected_ids)),
        url=_ballot_url(ballot),
        key=f"awards.ballot_results:{ballot.pk}",
        by=by,
    )


def nominations_confirmed(*, nomination_list, agency_ids, by=None) -> int:
    """Tell every member's people the agencies a confirmed list proposes."""
    term = nomination_list.term
    names = agency_names(agency_ids)
    return notify(
        recipients=people_of(member_ids(term)),
        kind=notices.NOMINATIONS_CONFIRMED,
        params=_term_params(
            term,
            award=nomination_list.award_type.name,
            agencies=", ".join(names[i] for i in agency_ids),
        ),
        url=reverse("awards:nominations", args=[term.bloc.code, term.year]),
        by=by,
    )
