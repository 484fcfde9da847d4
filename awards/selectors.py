"""Reads shared by the awards pages: the ranking's state, holds, meeting votes, candidates."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import rules as award_rules
from awards.models import (
    Attendance,
    BallotCandidate,
    EligibilityHold,
    Nomination,
    RankingPublication,
    ReviewMeeting,
)
from blocs.models import Agency, Membership
from campaigns import selectors as campaign_selectors
from campaigns.models import Period

PROVISIONAL = "provisional"
FINAL = "final"
AGREED = "agreed"
NOT_AGREED = "not_agreed"


def meeting_votes(period: Period) -> dict:
    """First-round votes of the leading-unit award at the period's meeting, by agency (1 query)."""
    return dict(
        BallotCandidate.objects.filter(
            ballot__meeting__term_id=period.term_id,
            ballot__meeting__period_kind=period.kind,
            ballot__round=1,
            ballot__status="closed",
            ballot__award_type__rules__term_id=period.term_id,
            ballot__award_type__rules__leading=True,
        ).values_list("agency_id", "votes")
    )


def meeting_votes_by_period(periods) -> dict:
    """``meeting_votes`` of each of ``periods``, by period id, in one query."""
    periods = list(periods)
    wanted = {(p.term_id, p.kind): p.id for p in periods}
    found = {p.id: {} for p in periods}
    for term_id, kind, agency_id, votes in BallotCandidate.objects.filter(
        ballot__meeting__term_id__in={p.term_id for p in periods},
        ballot__round=1,
        ballot__status="closed",
        ballot__award_type__rules__term_id=F("ballot__meeting__term_id"),
        ballot__award_type__rules__leading=True,
    ).values_list("ballot__meeting__term_id", "ballot__meeting__period_kind", "agency_id", "votes"):
        if (term_id, kind) in wanted:
            found[wanted[term_id, kind]][agency_id] = votes
    return found


def member_ids(term) -> list[int]:
    """The term's current members (those that have not left)."""
    return list(
        Membership.objects.filter(term=term, left_on__isnull=True)
        .order_by("agency__sort_key", "agency_id")
        .values_list("agency_id", flat=True)
    )


def member_count(term):
    """The number of ``member_ids`` of ``term`` (an ``OuterRef``), for a query to read with its
    rows."""
    return Subquery(
        Membership.objects.filter(term=term, left_on__isnull=True)
        .order_by()
        .values("term")
        .annotate(count=Count("pk"))
        .values("count")
    )


def holds_on(agency_ids, day) -> dict:
    """The hold in force on ``day`` for each of these agencies that has one (1 query)."""
    found = {}
    for hold in (
        EligibilityHold.objects.active_on(day)
        .filter(agency_id__in=list(agency_ids))
        .order_by("starts_on", "id")
    ):
        found.setdefault(hold.agency_id, hold)
    return found


def eligibility_day(meeting: ReviewMeeting | None):
    """Holds are judged on the meeting's day, or today before a meeting is planned."""
    if meeting is not None and meeting.held_at:
        return timezone.localdate(meeting.held_at)
    return timezone.localdate()


@dataclass
class RankingState:
    """A period's ranking with its publication state and the holds on its agencies."""

    period: Period
    data: object
    publication: RankingPublication | None
    holds: dict = field(default_factory=dict)

    @property
    def state(self) -> str:
        if self.period.status != Period.Status.AGREED:
            return NOT_AGREED
        if self.publication is None:
            return AGREED
        return FINAL if self.publication.is_final else PROVISIONAL

    @property
    def is_final(self) -> bool:
        return self.state == FINAL

    @property
    def rows(self):
        return self.data.ranked

    def ranked_members(self) -> list[award_rules.RankedMember]:
        """The ranking as the candidate rules see it: rank, band, hold."""
        return [
            award_rules.RankedMember(
                agency_id=r.agency_id,
                rank=r.rank,
                band=r.band.code if r.band else "",
                held=r.agency_id in self.holds,
            )
            for r in self.data.ranked
        ]


def ranking_state(period: Period, *, meeting: ReviewMeeting | None = None) -> RankingState:
    """Load ``period``'s ranking, publication and holds (load_period plus two queries)."""
    data = campaign_selectors.load_period(period)
    if Period.publication.is_cached(period):
        publication = getattr(period, "publication", None)
    else:
        publication = RankingPublication.objects.filter(period=period).first()
    ids = [r.agency_id for r in data.ranked] + [a.id for a in data.unsubmitted]
    return RankingState(
        period=period,
        data=data,
        publication=publication,
        holds=holds_on(ids, eligibility_day(meeting)),
    )


def hold_marks(period: Period, agency_ids) -> dict:
    """ "Chưa xét khen thưởng" and why, for the held agencies of a period's ranking (1 query).

    A hold counts on the day of the period's meeting, or today before one is planned.
    """
    meeting_at = ReviewMeeting.objects.filter(
        term_id=period.term_id, period_kind=period.kind
    ).values("held_at")[:1]
    marks = {}
    for hold in (
        EligibilityHold.objects.filter(agency_id__in=list(agency_ids))
        .annotate(meeting_at=Subquery(meeting_at))
        .order_by("starts_on", "id")
    ):
        day = timezone.localdate(hold.meeting_at) if hold.meeting_at else timezone.localdate()
        if hold.is_active_on(day) and hold.agency_id not in marks:
            marks[hold.agency_id] = _("Chưa xét khen thưởng: %(reason)s") % {"reason": hold.summary}
    return marks


def present_agency_ids(meeting: ReviewMeeting) -> set:
    return set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("agency_id", flat=True)
    )


def nominee_ids(term, award_type_id) -> set:
    """The agencies on the term's nomination list for an award (confirmed or not)."""
    return set(
        Nomination.objects.filter(
            nomination_list__term=term, nomination_list__award_type_id=award_type_id
        ).values_list("agency_id", flat=True)
    )


def agency_names(ids) -> dict:
    return dict(Agency.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
