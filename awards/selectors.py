"""Reads shared by the awards pages: the ranking's state, holds, meeting votes, candidates."""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import rules as award_rules
from awards.models import (
    Attendance,
    AwardRule,
    BallotCandidate,
    BallotReceipt,
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


def _counted_votes(period: Period):
    """The candidates whose votes break the period's ties: those of the first round, closed, of
    the leading-unit award at the period's meeting."""
    return Q(
        ballot__meeting__term_id=period.term_id,
        ballot__meeting__period_kind=period.kind,
        ballot__round=1,
        ballot__status="closed",
    ) & Exists(
        AwardRule.objects.filter(
            term_id=period.term_id, award_type_id=OuterRef("ballot__award_type_id"), leading=True
        )
    )


def meeting_votes(period: Period) -> dict:
    """First-round votes of the leading-unit award at the period's meeting, by agency (1 query)."""
    return dict(
        BallotCandidate.objects.filter(_counted_votes(period)).values_list("agency_id", "votes")
    )


def candidates_and_meeting_votes(ballot, period: Period | None) -> tuple[list, dict | None]:
    """A round's candidates in their order, with their agencies, and the ``meeting_votes`` of
    ``period`` when it is agreed (None otherwise, as the ranking reads none then), in one query.
    """
    in_order = ("position", "id")
    if period is None or period.status != Period.Status.AGREED:
        return list(ballot.candidates.select_related("agency").order_by(*in_order)), None
    counted = _counted_votes(period)
    rows = list(
        BallotCandidate.objects.filter(Q(ballot=ballot) | counted)
        .annotate(counted=ExpressionWrapper(counted, output_field=BooleanField()))
        .select_related("agency")
        .order_by(*in_order)
    )
    votes = {r.agency_id: r.votes for r in rows if r.counted}
    return [r for r in rows if r.ballot_id == ballot.pk], votes


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


def ranking_state(
    period: Period, *, meeting: ReviewMeeting | None = None, meeting_votes=None
) -> RankingState:
    """Load ``period``'s ranking, publication and holds (load_period plus two queries).

    ``meeting_votes``: the votes of the period's meeting already read (as
    ``candidates_and_meeting_votes`` gives them), which the ranking then does not read again.
    """
    data = campaign_selectors.load_period(period, meeting_votes=meeting_votes)
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


def present_and_voted(meeting: ReviewMeeting, ballot) -> tuple[set, list]:
    """The meeting's present agencies (``present_agency_ids``) and the names of the agencies
    that have voted in ``ballot``, in agency order, in one query."""
    rows = (
        Agency.objects.annotate(
            is_present=Exists(
                Attendance.objects.filter(meeting=meeting, present=True, agency=OuterRef("pk"))
            ),
            voted=Exists(BallotReceipt.objects.filter(ballot=ballot, agency=OuterRef("pk"))),
        )
        .filter(Q(is_present=True) | Q(voted=True))
        .order_by("sort_key", "pk")
        .values_list("pk", "name", "is_present", "voted")
    )
    present, voted = set(), []
    for pk, name, is_present, has_voted in rows:
        if is_present:
            present.add(pk)
        if has_voted:
            voted.append(name)
    return present, voted


def nominee_ids(term, award_type_id) -> set:
    """The agencies on the term's nomination list for an award (confirmed or not)."""
    return set(
        Nomination.objects.filter(
            nomination_list__term=term, nomination_list__award_type_id=award_type_id
        ).values_list("agency_id", flat=True)
    )


def agency_names(ids) -> dict:
    return dict(Agency.objects.filter(pk__in=list(ids)).values_list("pk", "name"))
