"""The province at a glance for the board: where every bloc's year stands.

The overview reads every bloc of a council in a fixed number of queries, whatever the number of
blocs or agencies, and the page shows one page of them. It reads each bloc's year from small rows
(memberships, signatures, scorecards without their lines, meetings, dossiers, publications): the
deadlines are those of the progress page
(``Period.deadline_for`` an agency's extensions for the self-score, the period's review deadline
for agreeing), and nothing is overdue once the period is agreed (``campaigns.progress``).
"""

from dataclasses import dataclass

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
        return self.pledge_open and self.signed >= self.to_sign

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


def dossier_choices() -> list[tuple[str, str]]:
    return [(NO_DOSSIER, str(NO_DOSSIER_LABEL)), *Dossier.State.choices]


def overview(council, *, year, kind=Period.Kind.ANNUAL, now=None) -> Overview:
    """Every bloc of ``council`` with the state of its ``year`` for the ``kind`` period.

    Eleven queries whatever the number of blocs.
    """
    now = now or timezone.now()
    blocs = sorted(
        Bloc.objects.filter(council=council), key=lambda b: (vietnamese_sort_key(b.name), b.pk)
    )
    rows = {b.pk: BlocYear(bloc=b) for b in blocs}
    terms = {t.pk: t for t in BlocTerm.objects.filter(bloc__council=council, year=year).order_by()}
    by_term = {}
    for term in terms.values():
        term.bloc = rows[term.bloc_id].bloc
        rows[term.bloc_id].term = term
        by_term[term.pk] = rows[term.bloc_id]

    members = {}
    for term_id, agency_id, role, name in (
        Membership.objects.filter(term_id__in=list(terms), left_on__isnull=True)
        .order_by()
        .values_list("term_id", "agency_id", "role", "agency__name")
    ):
        members.setdefault(term_id, set()).add(agency_id)
        if role == Membership.Role.LEADER:
            by_term[term_id].leader = name
    for term_id, ids in members.items():
        by_term[term_id].members = len(ids)

    pledges = {
        p.pk: p
        for p in Pledge.objects.current()
        .filter(term_id__in=list(terms))
        .only("term_id", "status", "members")
        .order_by()
    }
    signed = {}
    for pledge_id, agency_id in (
        PledgeSignature.objects.filter(pledge_id__in=list(pledges))
        .order_by()
        .values_list("pledge_id", "agency_id")
    ):
        signed.setdefault(pledge_id, set()).add(agency_id)
    for pledge in pledges.values():
        row = by_term[pledge.term_id]
        current = members.get(pledge.term_id, set())
        # Those who must sign: frozen into the pledge and still members (services.pledges).
        required = {a for a in pledge.member_ids if a in current}
        row.pledge_status = pledge.status
        row.to_sign = len(required)
        row.signed = len(required & signed.get(pledge.pk, set()))

    periods = {
        p.pk: p for p in Period.objects.filter(term_id__in=list(terms), kind=kind).order_by()
    }
    for period in periods.values():
        period.term = terms[period.term_id]
        by_term[period.term_id].period = period
    submitted = {}
    for period_id, agency_id in (
        Scorecard.objects.filter(period_id__in=list(periods))
        .exclude(status=Scorecard.Status.DRAFT)
        .order_by()
        .values_list("period_id", "agency_id")
    ):
        submitted.setdefault(period_id, set()).add(agency_id)
    extensions = {}
    for extension in DeadlineExtension.objects.filter(period_id__in=list(periods)).order_by():
        extensions.setdefault((extension.period_id, extension.agency_id), []).append(extension)
    for period in periods.values():
        row = by_term[period.term_id]
        current = members.get(period.term_id, set())
        done = submitted.get(period.pk, set()) & current
        row.submitted = len(done)
        if period.status == Period.Status.AGREED:
            continue
        row.late = sum(
            1
            for agency_id in current - done
            if now > period.deadline_for(extensions.get((period.pk, agency_id), []))
        )
        row.agree_late = now > period.review_deadline

    meetings = ReviewMeeting.objects.filter(term_id__in=list(terms), period_kind=kind)
    for meeting in meetings.only("term_id", "status", "held_at").order_by("held_at", "pk"):
        by_term[meeting.term_id].meeting = meeting
    for term_id, state in (
        Dossier.objects.filter(term_id__in=list(terms)).order_by().values_list("term_id", "state")
    ):
        by_term[term_id].dossier_state = state
    for term_id in (
        ResultsPublication.objects.filter(term_id__in=list(terms), withdrawn_at__isnull=True)
        .order_by()
        .values_list("term_id", flat=True)
    ):
        by_term[term_id].published = True

    out = list(rows.values())
    summary = {key: sum(1 for r in out if test(r)) for key, (_label, test) in STATES.items()}
    summary["blocs"] = len(out)
    summary["opened"] = len(out) - summary["not_opened"]
    summary["dossiers"] = {
        state: sum(1 for r in out if r.term and r.dossier_state == state)
        for state, _label in dossier_choices()
    }
    return Overview(council=council, year=year, kind=kind, rows=out, summary=summary)


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
