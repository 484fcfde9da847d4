"""Criteria tables and scorecards as Excel workbooks: the template, the exports, the import.

One sheet, one row per criterion, the columns in ``COLUMNS``. Rows name their group by its code
(column "Mã nhóm cha"), so a workbook can be edited freely and read back in any row order.
"""

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from blocs.history import record_by
from campaigns.models import CriteriaTable, Criterion
from campaigns.scoring import CriteriaTree, CriterionSpec
from campaigns.services.criteria import delete_rows
from khoithidua.spreadsheets import (
    UNREADABLE,
    SheetTooLarge,
    WorkbookTooLarge,
    open_workbook,
    sheet_rows,
    workbook_bytes,
)

COLUMNS = [
    ("code", gettext_lazy("Mã"), 10),
    ("parent", gettext_lazy("Mã nhóm cha"), 14),
    ("kind", gettext_lazy("Loại"), 14),
    ("title", gettext_lazy("Nội dung tiêu chí"), 70),
    ("max_points", gettext_lazy("Điểm tối đa"), 12),
    ("evidence_required", gettext_lazy("Bắt buộc minh chứng"), 14),
    ("guidance", gettext_lazy("Hướng dẫn chấm"), 60),
]
KIND_WORDS = {
    "nhóm": Criterion.Kind.GROUP,
    "chấm điểm": Criterion.Kind.SCORED,
    "thưởng": Criterion.Kind.BONUS,
    "điểm thưởng": Criterion.Kind.BONUS,
    "trừ": Criterion.Kind.PENALTY,
    "điểm trừ": Criterion.Kind.PENALTY,
    "group": Criterion.Kind.GROUP,
    "scored": Criterion.Kind.SCORED,
    "bonus": Criterion.Kind.BONUS,
    "penalty": Criterion.Kind.PENALTY,
}
KIND_OUT = {
    Criterion.Kind.GROUP: "nhóm",
    Criterion.Kind.SCORED: "chấm điểm",
    Criterion.Kind.BONUS: "thưởng",
    Criterion.Kind.PENALTY: "trừ",
}
YES = {"có", "x", "yes", "1", "true", "co"}
NO = {"", "không", "no", "0", "false", "khong"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows read at most, the header and empty rows included.
MAX_ROWS = 2000


@dataclass
class ParsedRow:
    row: int
    code: str
    parent: str
    kind: str
    title: str
    max_points: Decimal
    evidence_required: bool
    guidance: str


class ImportFailed(ValidationError):
    """The workbook has errors; ``messages`` name the row of each."""


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tiêu chí")
    sheet.append([str(label) for _key, label, _width in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index, (_key, _label, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    kinds = DataValidation(type="list", formula1='"nhóm,chấm điểm,thưởng,trừ"', allow_blank=False)
    yes_no = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(yes_no)
    kinds.add(f"C2:C{MAX_ROWS}")
    yes_no.add(f"F2:F{MAX_ROWS}")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return workbook_bytes(book)


def export_table(table: CriteriaTable) -> bytes:
    """The rows of ``table`` in tree order, in the import format."""
    rows = []
    criteria = {c.pk: c for c in table.criteria.all()}
    codes = {pk: c.code for pk, c in criteria.items()}
    for node in CriteriaTree(criteria.values()).nodes:
        criterion = criteria[node.id]
        rows.append(
            [
                criterion.code,
                codes.get(criterion.parent_id, ""),
                KIND_OUT[criterion.kind],
                criterion.title,
                None if criterion.kind == Criterion.Kind.GROUP else float(criterion.max_points),
                "có" if criterion.evidence_required else "không",
                criterion.guidance,
            ]
        )
    return _workbook(rows)


def template() -> bytes:
    """An example workbook to fill in."""
    return _workbook(
        [
            ["1", "", "nhóm", "Thực hiện nhiệm vụ chính trị, chuyên môn", None, "không", ""],
            [
                "1.1",
                "1",
                "chấm điểm",
                "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm",
                60,
                "có",
                "Có báo cáo kết quả thực hiện nhiệm vụ.",
            ],
            ["2", "", "nhóm", "Công tác thi đua, khen thưởng", None, "không", ""],
            ["2.1", "2", "chấm điểm", "Tổ chức phát động phong trào thi đua", 40, "không", ""],
            ["T.1", "", "thưởng", "Được tặng Cờ thi đua, Bằng khen", 5, "có", ""],
            ["TR.1", "", "trừ", "Nộp báo cáo chậm so với quy định", 5, "không", ""],
        ]
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _headers_in_every_language() -> list[list[str]]:
    """The heading row as written in each interface language: a sheet exported in English
    imports in Vietnamese and the other way round."""
    headers = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            headers.append([str(label).lower() for _key, label, _width in COLUMNS])
    return headers


def parse(data: bytes) -> list[ParsedRow]:
    """Read and check every row; raise :class:`ImportFailed` listing every row at fault."""
    try:
        book = open_workbook(io.BytesIO(data))
    except WorkbookTooLarge as exc:
        raise ImportFailed(
            [
                _(
                    "Tệp chứa quá nhiều dữ liệu so với một bảng tiêu chí (có thể do rất nhiều "
                    "dòng, cột hoặc trang tính thừa); hãy tải tệp mẫu, chép bảng vào đó rồi tải "
                    "lên lại."
                )
            ]
        ) from exc
    except UNREADABLE as exc:
        raise ImportFailed([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")]) from exc
    try:
        errors, rows, header = _read_rows(book.worksheets[0])
    except SheetTooLarge as exc:
        raise ImportFailed(
            [
                _(
                    "Bảng có quá nhiều dòng (tối đa %(n)s, tính cả các dòng trống hoặc chỉ có "
                    "định dạng); hãy xóa các dòng thừa ở cuối trang rồi tải tệp lên lại."
                )
                % {"n": MAX_ROWS}
            ]
        ) from exc
    except UNREADABLE as exc:
        raise ImportFailed([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ.")]) from exc
    finally:
        book.close()
    if header is None:
        raise ImportFailed([_("Tệp không có dữ liệu.")])
    return _check_tree(rows, errors)


def _read_rows(sheet):
    """Check each row of ``sheet`` alone: (errors, rows, header)."""
    errors, rows = [], []
    header = None
    for number, values in sheet_rows(sheet, max_rows=MAX_ROWS, max_col=len(COLUMNS)):
        values = list(values) + [None] * (len(COLUMNS) - len(values))
        if header is None:
            header = [_text(v).lower() for v in values[: len(COLUMNS)]]
            if header not in _headers_in_every_language():
                raise ImportFailed(
                    [
                        _("Dòng 1: tiêu đề cột phải là: %(cols)s (hãy dùng tệp mẫu).")
                        % {"cols": ", ".join(str(label) for _k, label, _w in COLUMNS)}
                    ]
                )
            continue
        code, parent, kind_text, title, max_text, evidence_text, guidance = values[: len(COLUMNS)]
        if all(_text(v) == "" for v in values[: len(COLUMNS)]):
            continue
        row_errors = []
        code, parent, title = _text(code), _text(parent), _text(title)
        if not code:
            row_errors.append(_("thiếu mã"))
        elif len(code) > 20:
            row_errors.append(_("mã dài quá 20 ký tự"))
        if not title:
            row_errors.append(_("thiếu nội dung tiêu chí"))
        kind = KIND_WORDS.get(_text(kind_text).lower())
        if kind is None:
            row_errors.append(
                _("loại “%(kind)s” không hợp lệ (nhóm, chấm điểm, thưởng, trừ)")
                % {"kind": _text(kind_text)}
            )
        points = Decimal("0")
        if kind and kind != Criterion.Kind.GROUP:
            try:
                points = Decimal(_text(max_text).replace(",", "."))
                if not points.is_finite() or points <= 0 or points >= 10000:
                    raise InvalidOperation
                if points != points.quantize(Decimal("0.01")):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                row_errors.append(
                    _("điểm tối đa “%(value)s” không hợp lệ (số dương, tối đa 2 chữ số thập phân)")
                    % {"value": _text(max_text)}
                )
        flag = _text(evidence_text).lower()
        if flag not in YES | NO:
            row_errors.append(
                _("cột bắt buộc minh chứng phải là “có” hoặc “không”, không phải “%(v)s”")
                % {"v": _text(evidence_text)}
            )
        if row_errors:
            errors.append(
                _("Dòng %(row)s: %(errors)s.") % {"row": number, "errors": "; ".join(row_errors)}
            )
            continue
        rows.append(
            ParsedRow(
                row=number,
                code=code,
                parent=parent,
                kind=kind,
                title=title[:500],
                max_points=points,
                evidence_required=flag in YES,
                guidance=_text(guidance) if guidance is None else str(guidance).strip(),
            )
        )
    return errors, rows, header


def _check_tree(rows: list[ParsedRow], errors: list[str]) -> list[ParsedRow]:
    """Check the rows together (codes, parents, loops); raise with every error found."""
    by_code = {}
    for row in rows:
        if row.code in by_code:
            errors.append(
                _("Dòng %(row)s: mã “%(code)s” trùng với dòng %(first)s.")
                % {"row": row.row, "code": row.code, "first": by_code[row.code].row}
            )
        else:
            by_code[row.code] = row
    loops = CriteriaTree(
        CriterionSpec(id=r.code, parent_id=r.parent or None, kind=r.kind, max_points=0)
        for r in by_code.values()
    ).in_loop
    for row in rows:
        if not row.parent:
            continue
        parent = by_code.get(row.parent)
        if parent is None:
            errors.append(
                _("Dòng %(row)s: mã nhóm cha “%(parent)s” không có trong bảng.")
                % {"row": row.row, "parent": row.parent}
            )
        elif parent.kind != Criterion.Kind.GROUP:
            errors.append(
                _("Dòng %(row)s: “%(parent)s” không phải là nhóm nên không thể chứa tiêu chí.")
                % {"row": row.row, "parent": row.parent}
            )
        elif row.code in loops:
            errors.append(_("Dòng %(row)s: nhóm cha tạo thành vòng lặp.") % {"row": row.row})
    if errors:
        errors.sort(key=_row_number)
        raise ImportFailed(errors)
    if not rows:
        raise ImportFailed([_("Tệp không có tiêu chí nào.")])
    return rows


def _row_number(message: str) -> int:
    digits = "".join(ch for ch in message.split(":", 1)[0] if ch.isdigit())
    return int(digits) if digits else 0


@transaction.atomic
def import_table(*, table: CriteriaTable, data: bytes, by) -> int:
    """Replace the rows of a draft table with the workbook's; nothing changes on any error."""
    # Checked on the locked row: the table may have been adopted since the request read it.
    locked = CriteriaTable.objects.select_for_update().get(pk=table.pk)
    if locked.is_frozen:
        raise ImportFailed([_("Bảng tiêu chí đã thông qua không được sửa; hãy tạo phiên bản mới.")])
    rows = parse(data)
    delete_rows(table.criteria.all(), by=by)
    created = {}
    pending = list(rows)
    # Parents first, whatever the order of the rows in the sheet.
    while pending:
        later = []
        for row in pending:
            if row.parent and row.parent not in created:
                later.append(row)
                continue
            criterion = Criterion(
                table=table,
                parent=created.get(row.parent),
                code=row.code,
                title=row.title,
                kind=row.kind,
                max_points=row.max_points,
                evidence_required=row.evidence_required and row.kind != Criterion.Kind.GROUP,
                guidance=row.guidance,
                order=row.row * 10,
            )
            record_by(criterion, by).save()
            created[row.code] = criterion
        if len(later) == len(pending):
            raise ImportFailed([_("Không xác định được nhóm cha của một số dòng.")])
        pending = later
    return len(created)


def export_scorecard(card, rows, totals) -> bytes:
    """One scorecard with its group sums and totals, as computed by ``campaigns.scoring``."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Phiếu chấm điểm")
    sheet.append([f"{card.agency.name} – {card.period.get_kind_display()} {card.period.term.year}"])
    sheet.append(
        [
            _("Bảng tiêu chí phiên bản %(v)s; trạng thái: %(s)s")
            % {"v": card.table.version, "s": card.get_status_display()}
        ]
    )
    sheet.append([])
    header = [
        _("Mã"),
        _("Nội dung tiêu chí"),
        _("Loại"),
        _("Tối đa"),
        _("Tự chấm"),
        _("Giải trình"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        c = row.criterion
        if row.is_group:
            values = [c.code, c.title, KIND_OUT[c.kind], row.group_max, row.group_sum, ""]
        else:
            line = row.line
            values = [
                c.code,
                c.title,
                KIND_OUT[c.kind],
                c.max_points,
                line.self_points if line else None,
                line.self_note if line else "",
            ]
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
        if row.is_group:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.append([])
    for label, value in (
        (_("Điểm chuẩn"), totals.base),
        (_("Điểm thưởng (sau khi áp trần)"), totals.bonus),
        (_("Điểm trừ (sau khi áp trần)"), totals.penalty),
        (_("Tổng điểm"), totals.total),
    ):
        sheet.append(["", str(label), "", "", float(value), ""])
        sheet[sheet.max_row][1].font = Font(bold=True)
    for letter, width in zip("ABCDEF", (8, 70, 12, 10, 10, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(book)
