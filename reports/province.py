"""The province at a glance for the board: where every bloc's year stands.

The overview reads every bloc of a council in a fixed number of queries, whatever the number of
blocs or agencies, and the page shows one page of them. It reads each bloc's year from small rows
(memberships, signatures, scorecards without their lines, meetings, dossiers, publications): the
deadlines are those of the progress page
(``Period.deadline_for`` an agency's extensions for the self-score, the period's review deadline
for agreeing), and nothing is overdue once the period is agreed (``campaigns.progress``).
"""

import functools
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from awards.models import Dossier, ReviewMeeting
from blocs.models import Bloc, BlocTerm, Membership
from blocs.vnsort import fold, vietnamese_sort_key
from campaigns.models import (
    DeadlineExtension,
    Period,
    Pledge,
    PledgeSignature,
    Scorecard,
)
from reports.models import ResultsPublication

NO_DOSSIER = "none"
NO_DOSSIER_LABEL = _lazy("Chưa lập hồ sơ")

# The states a bloc's year may be filtered by, each with its test on a ``BlocYear``.
STATES = {
    "not_opened": (_lazy("Chưa mở năm"), lambda r: r.term is None),
    "pledge_missing": (_lazy("Chưa ký đủ giao ước"), lambda r: r.term and not r.pledge_done),
    "scores_missing": (_lazy("Chưa nộp đủ phiếu"), lambda r: r.term and not r.scores_done),
    "not_agreed": (_lazy("Chưa thống nhất điểm"), lambda r: r.term and not r.agreed),
    "no_meeting": (_lazy("Chưa họp bình xét"), lambda r: r.term and not r.meeting_held),
    "unpublished": (_lazy("Chưa công khai kết quả"), lambda r: r.term and not r.published),
    "overdue": (_lazy("Có việc quá hạn"), lambda r: r.overdue),
}


@dataclass(slots=True)
class BlocYear:
    """Where one bloc's year stands (``term`` None: the year is not opened)."""

    bloc: Bloc
    term: BlocTerm | None = None
    leader: str = ""
    members: int = 0
    pledge_status: str = ""  # "" when there is no pledge
    pledge_id: int | None = None
    # Filled for a page of rows by ``fill_signatures``.
    signed: int = 0
    to_sign: int = 0
    period: Period | None = None
    submitted: int = 0
    # Members past their self-score deadline (extensions included) without a submitted card.
    late: int = 0
    # The period is not agreed and its review deadline has passed.
    agree_late: bool = False
    meeting: ReviewMeeting | None = None
    dossier_state: str = NO_DOSSIER
    published: bool = False

    @property
    def pledge_open(self) -> bool:
        return self.pledge_status not in ("", Pledge.Status.DRAFT)

    @property
    def pledge_done(self) -> bool:
        return self.pledge_status == Pledge.Status.SIGNED

    @property
    def scores_done(self) -> bool:
        return self.period is not None and self.members > 0 and self.submitted >= self.members

    @property
    def agreed(self) -> bool:
        return self.period is not None and self.period.status == Period.Status.AGREED

    @property
    def meeting_held(self) -> bool:
        return self.meeting is not None and self.meeting.status == ReviewMeeting.Status.CLOSED

    @property
    def overdue(self) -> bool:
        return bool(self.late or self.agree_late)

    @property
    def dossier_label(self) -> str:
        if self.dossier_state == NO_DOSSIER:
            return str(NO_DOSSIER_LABEL)
        return str(Dossier.State(self.dossier_state).label)


@dataclass
class Overview:
    council: object
    year: int
    kind: str
    rows: list  # [BlocYear] of every bloc, in Vietnamese order
    summary: dict  # state → number of blocs in it, over every bloc of the council


# A bloc's name changes seldom and its key costs some 0.1 ms: each process keeps the keys of the
# names it has sorted, so the overview of 1,000 blocs does not spend 100 ms ordering them.
_name_key = functools.lru_cache(maxsize=10_000)(vietnamese_sort_key)


def dossier_choices() -> list[tuple[str, str]]:
    return [(NO_DOSSIER, str(NO_DOSSIER_LABEL)), *Dossier.State.choices]


def overview(council, *, year, kind=Period.Kind.ANNUAL, now=None) -> Overview:
    """Every bloc of ``council`` with the state of its ``year`` for the ``kind`` period.

    A fixed number of queries, each returning at most a row per bloc (counts are made by the
    database), whatever the number of blocs or agencies.
    """
    now = now or timezone.now()
    blocs = sorted(
        Bloc.objects.filter(council=council).only("id", "code", "name", "active").order_by(),
        key=lambda b: (_name_key(b.name), b.pk),
    )
    rows = {b.pk: BlocYear(bloc=b) for b in blocs}
    this_year = {"term__bloc__council": council, "term__year": year}
    by_term = {}
    # What is one row (or a count) per term is read beside the term, as correlated subqueries
    # on indexed term ids, so the page runs as few queries at 1,000 blocs as at 10.
    mine = {"term": OuterRef("pk")}
    current = Membership.objects.filter(left_on__isnull=True, **mine).order_by()
    pledge = Pledge.objects.current().filter(**mine).order_by("-pk")
    meeting = ReviewMeeting.objects.filter(period_kind=kind, **mine).order_by("-held_at", "-pk")
    terms = (
        BlocTerm.objects.filter(bloc__council=council, year=year)
        .only("id", "bloc_id", "year", "status")
        .order_by()
        .annotate(
            o_members=Subquery(
                current.values("term").annotate(n=Count("pk")).values("n"), IntegerField()
            ),
            o_leader=Subquery(
                current.filter(role=Membership.Role.LEADER).values("agency__name")[:1]
            ),
            o_pledge_id=Subquery(pledge.values("pk")[:1]),
            o_pledge_status=Subquery(pledge.values("status")[:1]),
            o_meeting_id=Subquery(meeting.values("pk")[:1]),
            o_meeting_status=Subquery(meeting.values("status")[:1]),
            o_meeting_held_at=Subquery(meeting.values("held_at")[:1]),
            o_dossier=Subquery(Dossier.objects.filter(**mine).values("state")[:1]),
            o_published=Exists(
                ResultsPublication.objects.filter(withdrawn_at__isnull=True, **mine)
            ),
        )
    )
    for term in terms:
        row = rows[term.bloc_id]
        term.bloc = row.bloc
        row.term = term
        by_term[term.pk] = row
        row.members = term.o_members or 0
        row.leader = term.o_leader or ""
        # A pledge is marked signed once every member still required has signed
        # (services.pledges.refresh_pledge_status); the counts are read for a page of rows.
        row.pledge_id = term.o_pledge_id
        row.pledge_status = term.o_pledge_status or ""
        if term.o_meeting_id:
            row.meeting = ReviewMeeting(
                pk=term.o_meeting_id,
                term_id=term.pk,
                status=term.o_meeting_status,
                held_at=term.o_meeting_held_at,
            )
        row.dossier_state = term.o_dossier or NO_DOSSIER
        row.published = term.o_published

    # Submitted cards of current members (an agency has one membership in a term), counted
    # beside each period.
    submitted = (
        Scorecard.objects.filter(period=OuterRef("pk"))
        .exclude(status=Scorecard.Status.DRAFT)
        .filter(
            Exists(
                Membership.objects.filter(
                    term_id=OuterRef("period__term_id"),
                    agency_id=OuterRef("agency_id"),
                    left_on__isnull=True,
                )
            )
        )
        .order_by()
        .values("period")
        .annotate(n=Count("pk"))
        .values("n")
    )
    periods = {
        p.pk: p
        for p in Period.objects.filter(kind=kind, **this_year)
        .only("id", "term_id", "kind", "status", "self_deadline", "review_deadline")
        .annotate(o_submitted=Subquery(submitted, IntegerField()))
        .order_by()
    }
    for period in periods.values():
        row = by_term[period.term_id]
        period.term = row.term
        row.period = period
        row.submitted = period.o_submitted or 0
    still_open = _extended(periods, now)
    for period in periods.values():
        row = by_term[period.term_id]
        # Nothing is overdue once the period is agreed (campaigns.progress).
        if period.status == Period.Status.AGREED:
            continue
        # A member's deadline is the period's, or a later one granted (Period.deadline_for).
        if now > period.self_deadline:
            row.late = max(row.members - row.submitted - still_open.get(period.pk, 0), 0)
        row.agree_late = now > period.review_deadline

    out = list(rows.values())
    summary = {key: sum(1 for r in out if test(r)) for key, (_label, test) in STATES.items()}
    summary["blocs"] = len(out)
    summary["opened"] = len(out) - summary["not_opened"]
    summary["dossiers"] = {
        state: sum(1 for r in out if r.term and r.dossier_state == state)
        for state, _label in dossier_choices()
    }
    return Overview(council=council, year=year, kind=kind, rows=out, summary=summary)


def _extended(periods, now) -> dict:
    """Per period, the current members without a submitted card whose own deadline, extended,
    is still ahead (two queries, over the agencies granted an extension only)."""
    extensions = {}
    for extension in DeadlineExtension.objects.filter(period_id__in=list(periods)).order_by():
        extensions.setdefault((extension.period_id, extension.agency_id), []).append(extension)
    running = {
        key for key, granted in extensions.items() if now <= periods[key[0]].deadline_for(granted)
    }
    if not running:
        return {}
    agencies = {agency_id for _period_id, agency_id in running}
    terms = {periods[period_id].term_id: period_id for period_id, _a in running}
    current = {
        (terms[term_id], agency_id)
        for term_id, agency_id in Membership.objects.filter(
            term_id__in=list(terms), agency_id__in=agencies, left_on__isnull=True
        ).values_list("term_id", "agency_id")
    }
    submitted = set(
        Scorecard.objects.filter(period_id__in=list(periods), agency_id__in=agencies)
        .exclude(status=Scorecard.Status.DRAFT)
        .values_list("period_id", "agency_id")
    )
    out = {}
    for key in running & current - submitted:
        out[key[0]] = out.get(key[0], 0) + 1
    return out


def fill_signatures(rows) -> None:
    """Count, for ``rows`` (a page), the members that signed the pledge and those that must:
    frozen into the pledge and still members (``services.pledges.required_agency_ids``)."""
    pledges = {r.pledge_id: r for r in rows if r.pledge_id}
    if not pledges:
        return
    members = {}
    for term_id, agency_id in Membership.objects.filter(
        term_id__in=[r.term.pk for r in pledges.values()], left_on__isnull=True
    ).values_list("term_id", "agency_id"):
        members.setdefault(term_id, set()).add(agency_id)
    signed = {}
    for pledge_id, agency_id in PledgeSignature.objects.filter(
        pledge_id__in=list(pledges)
    ).values_list("pledge_id", "agency_id"):
        signed.setdefault(pledge_id, set()).add(agency_id)
    for pledge_id, frozen in Pledge.objects.filter(pk__in=list(pledges)).values_list(
        "pk", "members"
    ):
        row = pledges[pledge_id]
        required = {m["id"] for m in frozen} & members.get(row.term.pk, set())
        row.to_sign = len(required)
        row.signed = len(required & signed.get(pledge_id, set()))


def filter_rows(rows, *, state="", dossier="", query="") -> list:
    """The blocs in ``state`` (a key of ``STATES``), with the ``dossier`` state, named like
    ``query`` (with or without tone marks)."""
    if state in STATES:
        test = STATES[state][1]
        rows = [r for r in rows if test(r)]
    if dossier:
        rows = [r for r in rows if r.term is not None and r.dossier_state == dossier]
    if query:
        needle = fold(query)
        rows = [r for r in rows if needle in fold(r.bloc.name) or needle in fold(r.bloc.code)]
    return rows
