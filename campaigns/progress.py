"""Where every member of a bloc-year stands: pledge, titles, self-score, cross-checks and
explanations, as plain values.

The one read behind the secretariat's progress page and its workbook, the board overview and its
workbook, the reminders and the secretariat's to-do. ``load_progress`` reads any number of terms
in a fixed number of queries (eight at most), whatever the number of blocs, agencies or periods.

The rules are those of the rest of the app: a card not submitted is a draft or no card at all
for a current member (``selectors.pending_members``), an agency's self-score deadline is
``Period.deadline_for`` its extensions, the agencies that must sign are the pledge's frozen
members that are still current (``services.pledges.required_agency_ids``), and an explanation is
asked on a line whose cross-check points differ from the self points (``services.review``).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from blocs.models import Bloc, BlocTerm, Membership
from blocs.services.members import member_count_warning
from blocs.vnsort import fold, vietnamese_sort_key
from campaigns.models import (
    DEADLINE_ZONE,
    CrossCheck,
    DeadlineExtension,
    Period,
    Pledge,
    PledgeSignature,
    Scorecard,
    TitleRegistration,
)
from campaigns.selectors import AgencyRow, PendingMember

PLEDGE, TITLES, SELFSCORE, CROSSCHECK, EXPLANATION = (
    "pledge",
    "titles",
    "selfscore",
    "crosscheck",
    "explanation",
)
COLUMNS = (PLEDGE, TITLES, SELFSCORE, CROSSCHECK, EXPLANATION)
COLUMN_LABELS = {
    PLEDGE: _lazy("Ký giao ước"),
    TITLES: _lazy("Đăng ký danh hiệu"),
    SELFSCORE: _lazy("Nộp phiếu tự chấm"),
    CROSSCHECK: _lazy("Chấm chéo"),
    EXPLANATION: _lazy("Giải trình"),
}
# Columns that read a scoring period.
PERIOD_COLUMNS = (SELFSCORE, CROSSCHECK, EXPLANATION)
# A term's periods in the order of the year: the semi-annual one, then the year-end one.
KIND_ORDER = {kind: index for index, kind in enumerate(Period.Kind.values)}

# What a cell says about an agency: done; not done yet (reminders go to these); waiting for
# someone else (a cross-check whose card is not submitted yet); nothing asked of it.
DONE, NOT_DONE, WAIT, NONE = "done", "todo", "wait", "none"


def _day(moment) -> str:
    return timezone.localtime(moment, DEADLINE_ZONE).strftime("%d/%m/%Y") if moment else ""


@dataclass(frozen=True, slots=True)
class Cell:
    """One agency's state in one column."""

    state: str
    text: str
    overdue: bool = False
    deadline: datetime | None = None

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def todo(self) -> bool:
        return self.state == NOT_DONE

    @property
    def waiting(self) -> bool:
        return self.state == WAIT

    @property
    def asked(self) -> bool:
        return self.state != NONE


@dataclass(slots=True)
class AgencyProgress:
    agency: AgencyRow
    role: str
    cells: dict  # column → Cell

    @property
    def overdue_count(self) -> int:
        return sum(1 for c in self.cells.values() if c.overdue)

    def row_cells(self) -> list:
        """(column, cell) in column order, for templates."""
        return [(column, self.cells[column]) for column in COLUMNS]


@dataclass(frozen=True, slots=True)
class ColumnSummary:
    key: str
    label: str
    done: int
    asked: int
    todo: int
    overdue: int

    @property
    def applies(self) -> bool:
        return self.asked > 0


@dataclass
class TermProgress:
    """A term's members and where each stands, for the pledge and one scoring period."""

    term: object
    pledge: Pledge | None
    periods: list  # the term's periods, semi-annual first
    period: Period | None  # the period the scoring columns read
    rows: list = field(default_factory=list)  # [AgencyProgress] in Vietnamese order

    def column(self, key) -> ColumnSummary:
        cells = [r.cells[key] for r in self.rows]
        return ColumnSummary(
            key=key,
            label=str(COLUMN_LABELS[key]),
            done=sum(1 for c in cells if c.done),
            asked=sum(1 for c in cells if c.asked),
            todo=sum(1 for c in cells if c.todo),
            overdue=sum(1 for c in cells if c.overdue),
        )

    @property
    def summary(self) -> dict[str, ColumnSummary]:
        """Column key → its summary, for templates that name a column (``summary.pledge``)."""
        return {key: self.column(key) for key in COLUMNS}

    @property
    def columns(self) -> list[ColumnSummary]:
        return list(self.summary.values())

    def not_done(self, key) -> list[AgencyRow]:
        """The agencies with something still to do in the column, in Vietnamese order."""
        return [r.agency for r in self.rows if r.cells[key].todo]

    @property
    def overdue_count(self) -> int:
        return sum(r.overdue_count for r in self.rows)

    @property
    def leader(self) -> AgencyRow | None:
        return next((r.agency for r in self.rows if r.role == Membership.Role.LEADER), None)

    @property
    def member_count(self) -> int:
        return len(self.rows)

    @property
    def member_count_warning(self) -> str:
        """What the board is told when the bloc falls outside the usual 4–14 members."""
        return member_count_warning(self.member_count)

    @property
    def agreed_periods(self) -> list[tuple]:
        """(period, agreed?) for each period of the term."""
        return [(p, p.status == Period.Status.AGREED) for p in self.periods]


def _running(period) -> bool:
    """Whether the period still has work in it: nothing is overdue once its scores are agreed."""
    return period.status != Period.Status.AGREED


def current_period(periods, kind=None) -> Period | None:
    """The period the progress reads: ``kind`` when given, else the earliest one not agreed,
    else the latest one."""
    if kind:
        return next((p for p in periods if p.kind == kind), None)
    open_ = [p for p in periods if _running(p)]
    if open_:
        return min(open_, key=lambda p: (p.self_deadline, p.pk))
    return max(periods, key=lambda p: (p.self_deadline, p.pk), default=None)


# --- The cells ---------------------------------------------------------------------------------


def _pledge_cell(pledge, agency_id, signed) -> Cell:
    if pledge is None or pledge.status == Pledge.Status.DRAFT:
        return Cell(NONE, _("Chưa mở ký"))
    if agency_id not in pledge.member_ids:
        return Cell(NONE, _("Không thuộc danh sách ký"))
    if agency_id in signed:
        return Cell(DONE, _("Đã ký %(day)s") % {"day": _day(signed[agency_id])})
    return Cell(NOT_DONE, _("Chưa ký"))


def _titles_cell(titles) -> Cell:
    if titles:
        return Cell(DONE, "; ".join(str(TitleRegistration.Title(t).label) for t in sorted(titles)))
    return Cell(NOT_DONE, _("Chưa đăng ký"))


def _submitted(card) -> bool:
    """A card counts once submitted: a draft is still its member's own working copy."""
    return card is not None and card["status"] != Scorecard.Status.DRAFT


def _review_cell(period, text, now) -> Cell:
    """Cross-checks and explanations not done: due by the period's review deadline."""
    late = _running(period) and now > period.review_deadline
    return Cell(NOT_DONE, text, overdue=late, deadline=period.review_deadline)


def _selfscore_cell(period, card, extensions, agency, now) -> Cell:
    if period is None:
        return Cell(NONE, _("Chưa mở kỳ"))
    if _submitted(card):
        return Cell(DONE, _("Đã nộp %(day)s") % {"day": _day(card["submitted_at"])})
    pending = PendingMember(
        agency=agency,
        card_id=card["pk"] if card else None,
        deadline=period.deadline_for(extensions),
    )
    text = _("Đang soạn") if card is not None else _("Chưa lập phiếu")
    overdue = _running(period) and not pending.is_open(now)
    return Cell(NOT_DONE, text, overdue=overdue, deadline=pending.deadline)


def _complete(card) -> bool:
    return card is not None and card["n_lines"] > 0 and card["n_reviewed"] == card["n_lines"]


def _crosscheck_cell(period, reviewed_ids, cards, now) -> Cell:
    if period is None:
        return Cell(NONE, _("Chưa mở kỳ"))
    if not reviewed_ids:
        return Cell(NONE, _("Không được phân công"))
    done = sum(1 for a in reviewed_ids if _complete(cards.get(a)))
    ready = sum(1 for a in reviewed_ids if _submitted(cards.get(a)))
    text = f"{done}/{len(reviewed_ids)}"
    if done == len(reviewed_ids):
        return Cell(DONE, text)
    if done >= ready:
        waiting = len(reviewed_ids) - ready
        return Cell(WAIT, _("%(text)s (%(n)s phiếu chưa nộp)") % {"text": text, "n": waiting})
    return _review_cell(period, text, now)


def _explanation_cell(period, card, now) -> Cell:
    if period is None:
        return Cell(NONE, _("Chưa mở kỳ"))
    if card is None or not card["n_asked"]:
        return Cell(NONE, _("Không có dòng cần giải trình"))
    text = f"{card['n_explained']}/{card['n_asked']}"
    if card["n_explained"] >= card["n_asked"]:
        return Cell(DONE, text)
    return _review_cell(period, text, now)


# --- The read ----------------------------------------------------------------------------------


def load_progress(terms, *, period_kind=None, now=None) -> dict:
    """Where every current member of each term stands, by term id (``TermProgress``).

    ``period_kind`` picks the scoring period of every term (else ``current_period``). Eight
    queries at most, whatever the number of terms, agencies or periods.
    """
    terms = {t.pk: t for t in terms}
    if not terms:
        return {}
    now = now or timezone.now()
    members = {}
    for term_id, agency_id, name, abbr, sort_key, role in (
        Membership.objects.filter(term_id__in=list(terms), left_on__isnull=True)
        .order_by("agency__sort_key", "agency_id")
        .values_list(
            "term_id",
            "agency_id",
            "agency__name",
            "agency__abbreviation",
            "agency__sort_key",
            "role",
        )
    ):
        members.setdefault(term_id, []).append((AgencyRow(agency_id, name, abbr, sort_key), role))

    pledges = {
        p.term_id: p
        for p in Pledge.objects.current().filter(term_id__in=list(terms)).order_by("version")
    }
    signed = {}
    frozen = [p.pk for p in pledges.values() if p.status != Pledge.Status.DRAFT]
    if frozen:
        for pledge_id, agency_id, signed_at in PledgeSignature.objects.filter(
            pledge_id__in=frozen
        ).values_list("pledge_id", "agency_id", "signed_at"):
            signed.setdefault(pledge_id, {})[agency_id] = signed_at

    titles = {}
    for term_id, agency_id, title in TitleRegistration.objects.filter(
        term_id__in=list(terms)
    ).values_list("term_id", "agency_id", "title"):
        titles.setdefault((term_id, agency_id), set()).add(title)

    periods = {}
    for period in sorted(
        Period.objects.filter(term_id__in=list(terms)), key=lambda p: KIND_ORDER[p.kind]
    ):
        period.term = terms[period.term_id]
        periods.setdefault(period.term_id, []).append(period)
    chosen = {term_id: current_period(periods.get(term_id, []), period_kind) for term_id in terms}
    period_ids = [p.pk for p in chosen.values() if p is not None]

    cards, extensions, reviews = {}, {}, {}
    if period_ids:
        differs = Q(lines__review_points__isnull=False) & (
            Q(lines__self_points__isnull=True) | ~Q(lines__review_points=F("lines__self_points"))
        )
        for card in (
            Scorecard.objects.filter(period_id__in=period_ids)
            .order_by()
            .values("pk", "period_id", "agency_id", "status", "submitted_at")
            .annotate(
                n_lines=Count("lines"),
                n_reviewed=Count("lines", filter=Q(lines__review_points__isnull=False)),
                n_asked=Count("lines", filter=differs),
                n_explained=Count("lines", filter=differs & ~Q(lines__explanation="")),
            )
        ):
            cards.setdefault(card["period_id"], {})[card["agency_id"]] = card
        for extension in DeadlineExtension.objects.filter(period_id__in=period_ids):
            extensions.setdefault((extension.period_id, extension.agency_id), []).append(extension)
        for period_id, reviewer_id, reviewed_id in (
            CrossCheck.objects.filter(period_id__in=period_ids)
            .order_by("pk")
            .values_list("period_id", "reviewer_id", "reviewed_id")
        ):
            reviews.setdefault((period_id, reviewer_id), []).append(reviewed_id)

    out = {}
    for term_id, term in terms.items():
        pledge = pledges.get(term_id)
        period = chosen[term_id]
        period_cards = cards.get(period.pk, {}) if period else {}
        progress = TermProgress(
            term=term, pledge=pledge, periods=periods.get(term_id, []), period=period
        )
        for agency, role in members.get(term_id, []):
            card = period_cards.get(agency.id)
            key = (period.pk, agency.id) if period else None
            progress.rows.append(
                AgencyProgress(
                    agency=agency,
                    role=role,
                    cells={
                        PLEDGE: _pledge_cell(
                            pledge, agency.id, signed.get(pledge.pk, {}) if pledge else {}
                        ),
                        TITLES: _titles_cell(titles.get((term_id, agency.id))),
                        SELFSCORE: _selfscore_cell(
                            period, card, extensions.get(key, []), agency, now
                        ),
                        CROSSCHECK: _crosscheck_cell(
                            period, reviews.get(key, []), period_cards, now
                        ),
                        EXPLANATION: _explanation_cell(period, card, now),
                    },
                )
            )
        out[term_id] = progress
    return out


def term_progress(term, *, period_kind=None, now=None) -> TermProgress:
    """Where the members of one term stand (``load_progress`` for one term)."""
    return load_progress([term], period_kind=period_kind, now=now)[term.pk]


# --- The board overview ------------------------------------------------------------------------


@dataclass
class BoardRow:
    """A bloc of the board's councils and where its year stands (``None``: no such year)."""

    bloc: Bloc
    year: int
    progress: TermProgress | None


def board_years(councils) -> list[int]:
    """The years of the councils' blocs, latest first."""
    return sorted(
        set(BlocTerm.objects.filter(bloc__council__in=councils).values_list("year", flat=True)),
        reverse=True,
    )


def default_year(years, today=None) -> int:
    """This year when a bloc has it, else the latest year before it, else the latest."""
    this_year = (today or timezone.localdate()).year
    earlier = [y for y in years if y <= this_year]
    return max(earlier) if earlier else (max(years) if years else this_year)


def board_blocs(councils, *, year, council_id=None, query="") -> list:
    """Every bloc of ``councils`` (or of one of them) in Vietnamese order, whose name or code
    matches ``query`` with or without tone marks, each with ``year_status``: the state of its
    ``year`` (None before it is opened). One query."""
    blocs = (
        Bloc.objects.filter(council__in=councils)
        .select_related("council")
        .annotate(
            year_status=Subquery(
                BlocTerm.objects.filter(bloc=OuterRef("pk"), year=year).values("status")[:1]
            )
        )
    )
    if council_id:
        blocs = blocs.filter(council_id=council_id)
    blocs = list(blocs)
    if query:
        needle = fold(query)
        blocs = [b for b in blocs if needle in fold(b.name) or needle in fold(b.code)]
    blocs.sort(
        key=lambda b: (
            vietnamese_sort_key(b.council.name),
            b.council_id,
            vietnamese_sort_key(b.name),
            b.pk,
        )
    )
    return blocs


def board_progress(blocs, *, year, now=None) -> list[BoardRow]:
    """One row per bloc of ``blocs`` with its ``year``'s progress (None before the year is
    opened). A fixed number of queries, whatever the number of blocs."""
    terms = list(
        BlocTerm.objects.filter(bloc_id__in=[b.pk for b in blocs], year=year).select_related(
            "bloc__council"
        )
    )
    progress = load_progress(terms, now=now)
    by_bloc = {t.bloc_id: progress[t.pk] for t in terms}
    return [BoardRow(bloc=b, year=year, progress=by_bloc.get(b.pk)) for b in blocs]


def board_states(blocs) -> dict:
    """How many of ``blocs`` (from ``board_blocs``) are at each state of their year, as
    ``{status: count}`` in the order of ``BlocTerm.Status``, ``None`` last for the blocs whose
    year is not opened. No query."""
    counts = Counter(b.year_status for b in blocs)
    states = {status: counts[status] for status in BlocTerm.Status.values if counts[status]}
    if counts[None]:
        states[None] = counts[None]
    return states


def board_rows(
    councils, *, year, council_id=None, query="", overdue_only=False, now=None
) -> list[BoardRow]:
    """Every bloc of ``councils`` in Vietnamese order with its ``year``'s progress, filtered.

    ``query`` matches the bloc's name with or without tone marks. A fixed number of queries.
    """
    rows = board_progress(
        board_blocs(councils, year=year, council_id=council_id, query=query), year=year, now=now
    )
    if overdue_only:
        rows = [r for r in rows if r.progress is not None and r.progress.overdue_count]
    return rows
