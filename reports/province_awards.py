"""The council's award statistics for one year, per award and per bloc, and their workbook.

What a provincial board reports upward each year: for each award proposed to it, how many
collectives the blocs proposed (confirmed nomination lists), how many the council's decisions
granted and still stand, how many were not granted, and how many were granted then revoked
(Luật Thi đua, khen thưởng 2022, chương VII). Only awards proposed to a higher level count: a
bloc-level award is the bloc's own decision and never reaches the board.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from awards.models import AwardDecision, AwardType, GrantedAward, Nomination, NominationList
from awards.models.catalogue import PROPOSED_LEVELS
from blocs.models import BlocTerm, Council
from blocs.vnsort import vietnamese_sort_key
from khoithidua.spreadsheets import workbook_bytes

FIGURES = ("proposed", "granted", "not_granted", "revoked")


@dataclass
class Figures:
    """Proposed, granted and in force, not granted, revoked; the rest awaits a decision."""

    proposed: int = 0
    granted: int = 0
    not_granted: int = 0
    revoked: int = 0

    @property
    def pending(self) -> int:
        return self.proposed - self.granted - self.not_granted - self.revoked

    def add(self, other: "Figures") -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def note(self) -> str:
        if self.pending > 0:
            return _("Chưa có quyết định: %(n)s") % {"n": self.pending}
        return ""


@dataclass
class AwardRow:
    award: AwardType
    figures: Figures


@dataclass
class BlocRow:
    term: BlocTerm
    # One ``Figures`` per award of the statistics, in their order.
    by_award: list
    total: Figures
    decision: AwardDecision | None = None

    @property
    def bloc(self):
        return self.term.bloc

    @property
    def decision_label(self) -> str:
        if self.decision is None:
            return ""
        return _("Quyết định số %(number)s ngày %(date)s") % {
            "number": self.decision.number,
            "date": date_format(self.decision.signed_on, "d/m/Y"),
        }


@dataclass
class AwardStatistics:
    council: Council
    year: int
    awards: list = field(default_factory=list)  # [AwardRow]
    blocs: list = field(default_factory=list)  # [BlocRow]
    total: Figures = field(default_factory=Figures)


def award_statistics(council: Council, year: int) -> AwardStatistics:
    """The year's figures of every bloc of ``council``, per award and per bloc, in four queries.

    Awards are those proposed upward that are in use or were proposed that year; blocs are those
    that have the year, in Vietnamese order.
    """
    terms = list(BlocTerm.objects.filter(bloc__council=council, year=year).select_related("bloc"))
    counts = {}
    for row in (
        Nomination.objects.filter(
            nomination_list__term__in=terms,
            nomination_list__status=NominationList.Status.CONFIRMED,
            nomination_list__award_type__level__in=PROPOSED_LEVELS,
        )
        .values("nomination_list__term_id", "nomination_list__award_type_id")
        .annotate(
            proposed=Count("id"),
            # In force as ``GrantedAward.objects.in_force`` says: granted and never revoked.
            granted=Count("id", filter=Q(grant__in=GrantedAward.objects.in_force())),
            not_granted=Count("id", filter=Q(grant__granted=False)),
            revoked=Count("id", filter=Q(grant__granted=True, grant__revoked_at__isnull=False)),
        )
        .order_by()
    ):
        key = (row["nomination_list__term_id"], row["nomination_list__award_type_id"])
        counts[key] = Figures(**{name: row[name] for name in FIGURES})
    used = {award_id for _term, award_id in counts}
    awards = [
        a
        for a in AwardType.objects.filter(council=council, level__in=PROPOSED_LEVELS)
        if a.active or a.pk in used
    ]
    decisions = {
        d.dossier.term_id: d
        for d in AwardDecision.objects.filter(dossier__term__in=terms).select_related("dossier")
    }
    stats = AwardStatistics(council=council, year=year)
    by_award = {a.pk: AwardRow(award=a, figures=Figures()) for a in awards}
    for term in sorted(terms, key=lambda t: (vietnamese_sort_key(t.bloc.name), t.bloc_id)):
        cells = [counts.get((term.pk, a.pk), Figures()) for a in awards]
        total = Figures()
        for award, figures in zip(awards, cells, strict=True):
            total.add(figures)
            by_award[award.pk].figures.add(figures)
        stats.blocs.append(
            BlocRow(term=term, by_award=cells, total=total, decision=decisions.get(term.pk))
        )
        stats.total.add(total)
    stats.awards = list(by_award.values())
    return stats


# --- The workbook -------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=12)
PLAIN = Font(name="Times New Roman", size=12)
TITLE = Font(name="Times New Roman", bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _title(sheet, width: int, lines) -> int:
    """Merged, centred title lines over ``width`` columns; the next free row."""
    row = 1
    for text, font in lines:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font, cell.alignment = font, CENTRE
        row += 1
    return row + 1


def _put(sheet, row, values, *, bold=False, left_columns=()) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.border = BOX
        cell.font = BOLD if bold else PLAIN
        cell.alignment = LEFT if column in left_columns else CENTRE


def _figures(f: Figures) -> list:
    return [f.proposed, f.granted, f.not_granted, f.revoked]


def _title_lines(stats: AwardStatistics, heading: str) -> list:
    return [
        (stats.council.name.upper(), BOLD),
        (heading, TITLE),
        (_("Năm %(year)s") % {"year": stats.year}, BOLD),
    ]


def _by_award_sheet(sheet, stats: AwardStatistics) -> None:
    headers = [
        _("STT"),
        _("Hình thức khen thưởng"),
        _("Số đề nghị"),
        _("Số được khen thưởng"),
        _("Số không được khen thưởng"),
        _("Số bị thu hồi"),
        _("Ghi chú"),
    ]
    row = _title(
        sheet,
        len(headers),
        _title_lines(stats, _("THỐNG KÊ KẾT QUẢ KHEN THƯỞNG CÁC KHỐI THI ĐUA")),
    )
    _put(sheet, row, headers, bold=True)
    # The column numbers under the headers, as official statistical forms carry them.
    _put(sheet, row + 1, [f"({i})" for i in range(1, len(headers) + 1)])
    row += 2
    for number, award_row in enumerate(stats.awards, start=1):
        figures = award_row.figures
        _put(
            sheet,
            row,
            [number, award_row.award.name, *_figures(figures), figures.note],
            left_columns=(2, 7),
        )
        row += 1
    _put(
        sheet,
        row,
        ["", _("Tổng cộng"), *_figures(stats.total), stats.total.note],
        bold=True,
        left_columns=(2, 7),
    )
    for column, width in enumerate([6, 48, 12, 14, 16, 12, 30], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _by_bloc_sheet(sheet, stats: AwardStatistics) -> None:
    awards = [a.award for a in stats.awards]
    first_award = 3
    totals = first_award + 2 * len(awards)
    width = totals + 4
    row = _title(
        sheet, width, _title_lines(stats, _("THỐNG KÊ KẾT QUẢ KHEN THƯỞNG THEO KHỐI THI ĐUA"))
    )
    top, sub = row, row + 1
    upper, lower = [""] * width, [""] * width
    upper[0], upper[1], upper[width - 1] = _("STT"), _("Khối thi đua"), _("Ghi chú")
    for index, award in enumerate(awards):
        column = first_award + 2 * index
        upper[column - 1] = award.name
        lower[column - 1], lower[column] = _("Đề nghị"), _("Được khen thưởng")
    upper[totals - 1] = _("Cộng")
    lower[totals - 1 : totals + 3] = [
        _("Đề nghị"),
        _("Được khen thưởng"),
        _("Không được khen thưởng"),
        _("Bị thu hồi"),
    ]
    _put(sheet, top, upper, bold=True)
    _put(sheet, sub, lower, bold=True)
    for column in (1, 2, width):
        sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    for index in range(len(awards)):
        column = first_award + 2 * index
        sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + 1)
    sheet.merge_cells(start_row=top, start_column=totals, end_row=top, end_column=totals + 3)
    row = sub + 1
    for number, bloc_row in enumerate(stats.blocs, start=1):
        cells = [v for f in bloc_row.by_award for v in (f.proposed, f.granted)]
        note = "; ".join(t for t in (bloc_row.decision_label, bloc_row.total.note) if t)
        _put(
            sheet,
            row,
            [number, bloc_row.bloc.name, *cells, *_figures(bloc_row.total), note],
            left_columns=(2, width),
        )
        row += 1
    cells = [v for a in stats.awards for v in (a.figures.proposed, a.figures.granted)]
    _put(
        sheet,
        row,
        ["", _("Tổng cộng"), *cells, *_figures(stats.total), stats.total.note],
        bold=True,
        left_columns=(2, width),
    )
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for column in range(first_award, width):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.column_dimensions[get_column_letter(width)].width = 36
    sheet.row_dimensions[top].height = 48
    sheet.row_dimensions[sub].height = 32


def statistics_workbook(stats: AwardStatistics) -> bytes:
    """The statistics as the board reports them: per award, then per bloc on a second sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Theo hình thức")[:31]
    _by_award_sheet(sheet, stats)
    _by_bloc_sheet(book.create_sheet(_("Theo khối")[:31]), stats)
    for each in book.worksheets:
        each.page_setup.orientation = "landscape"
        each.page_setup.paperSize = each.PAPERSIZE_A4
        each.page_setup.fitToWidth = 1
        each.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(book)
