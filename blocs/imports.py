"""The Excel file of member agencies: the blank template, and reading a filled-in copy.

Reading never writes: it returns the valid rows and every error found, each with the row number
people see in Excel, so that the secretariat can fix the whole file in one go. The write is
``services.import_members``, which takes the rows only when there is no error at all.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from blocs.models import Agency, Membership
from blocs.vnsort import TONE_MARKS
from khoithidua.spreadsheets import (
    UNREADABLE,
    SheetTooLarge,
    WorkbookTooLarge,
    open_workbook,
    sheet_rows,
    workbook_bytes,
)

HEADERS = [
    gettext_lazy("STT"),
    gettext_lazy("Tên cơ quan/đơn vị"),
    gettext_lazy("Tên viết tắt"),
    gettext_lazy("Loại (Đảng / Nhà nước / Đoàn thể / Doanh nghiệp)"),
    gettext_lazy("Cơ quan cấp trên"),
    gettext_lazy("Ngày tham gia dd/mm/yyyy"),
]
# The headers are the file format: the template is always written in Vietnamese (see
# build_template) and read back by these accent-free keys, so "Ten co quan" works too.
HEADER_KEYS = ["stt", "ten", "viet tat", "loai", "cap tren", "ngay"]
KIND_WORDS = {
    "dang": Agency.Kind.PARTY,
    "nha nuoc": Agency.Kind.STATE,
    "doan the": Agency.Kind.MASS,
    "doanh nghiep": Agency.Kind.ENTERPRISE,
    "party": Agency.Kind.PARTY,
    "state": Agency.Kind.STATE,
    "mass": Agency.Kind.MASS,
    "enterprise": Agency.Kind.ENTERPRISE,
}
KIND_LABELS = ["Đảng", "Nhà nước", "Đoàn thể", "Doanh nghiệp"]
MAX_ROWS = 500
# Rows read at most, the header and empty rows included: twice MAX_ROWS leaves room for blank or
# formatted rows below the list (a sheet exported from Google Sheets has 1000), and bounds the
# work whatever the file claims.
MAX_SHEET_ROWS = 2 * MAX_ROWS
SHEET_NAME = "Danh sách"
# The five tone marks; their place in a syllable is a spelling habit ("Tỉnh uỷ", "Tỉnh ủy").


@dataclass(frozen=True)
class ImportRow:
    """One valid row: an existing agency (``agency_id``) or a new one to create."""

    row: int
    name: str
    abbreviation: str
    kind: str
    parent_body: str
    joined_on: datetime.date
    agency_id: int | None = None


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def error_lines(self) -> list[str]:
        return [
            (_("Dòng %(row)s: %(msg)s") % {"row": row, "msg": msg}) if row else msg
            for row, msg in self.errors
        ]


def _plain(text: str) -> str:
    """Lower-case ASCII words, for matching headers and kinds typed with or without accents."""
    text = str(text).replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def agency_name_key(name: str) -> str:
    """The form of an agency's name that two spellings of the same name share.

    Unicode NFC, case-folded, whitespace collapsed, and the tone mark of each word moved to its
    end, so that precomposed and decomposed accents, capitals, double spaces and the old and new
    tone placement (hoà/hòa, uỷ/ủy) match, while different letters or tones never do. Every
    comparison of agency names goes through it.
    """
    words = []
    for word in unicodedata.normalize("NFD", str(name)).casefold().split():
        tones = "".join(ch for ch in word if ch in TONE_MARKS)
        letters = "".join(ch for ch in word if ch not in TONE_MARKS)
        words.append(unicodedata.normalize("NFC", letters) + tones)
    return " ".join(words)


def _clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def parse_date(value, *, year: int) -> tuple[datetime.date | None, str]:
    """Return (date, error) for a cell holding an Excel date or dd/mm/yyyy text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return datetime.date(year, 1, 1), ""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = str(value).strip()
        day = None
        for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            return None, _(
                "ngày tham gia “%(value)s” không hợp lệ, hãy ghi theo dạng dd/mm/yyyy."
            ) % {"value": text}
    if day.year != year:
        return None, _("ngày tham gia %(day)s không thuộc năm %(year)s.") % {
            "day": day.strftime("%d/%m/%Y"),
            "year": year,
        }
    return day, ""


def parse_kind(value) -> str | None:
    return KIND_WORDS.get(_plain(value)) if value is not None else None


def check_rows(raw_rows, *, year: int, existing: dict, member_ids: set) -> ImportResult:
    """Validate ``(row_number, cells)`` pairs; pure: the database facts come as arguments.

    ``existing`` maps an upper-case abbreviation to ``(agency_id, name)`` for the council's
    active agencies; ``member_ids`` holds the agencies that are current members of the term.
    """
    result = ImportResult()
    first_row_of = {}
    first_row_of_name = {}
    abbreviation_of_name = {agency_name_key(name): abbr for abbr, (_pk, name) in existing.items()}
    for number, cells in raw_rows:
        cells = list(cells) + [None] * (6 - len(cells))
        _stt, name, abbreviation, kind, parent_body, joined = cells[:6]
        name = _clean_text(name)
        abbreviation = _clean_text(abbreviation).upper().replace(" ", "")
        parent_body = _clean_text(parent_body)
        problems = []
        if not name:
            problems.append(_("thiếu tên cơ quan/đơn vị."))
        elif len(name) > 255:
            problems.append(_("tên cơ quan/đơn vị dài quá 255 ký tự."))
        if not abbreviation:
            problems.append(_("thiếu tên viết tắt."))
        elif len(abbreviation) > 30:
            problems.append(_("tên viết tắt dài quá 30 ký tự."))
        kind_value = parse_kind(kind)
        if kind_value is None:
            problems.append(
                _("loại “%(value)s” không hợp lệ, hãy ghi một trong: %(choices)s.")
                % {"value": _clean_text(kind), "choices": ", ".join(KIND_LABELS)}
                if _clean_text(kind)
                else _("thiếu loại (Đảng, Nhà nước, Đoàn thể hoặc Doanh nghiệp).")
            )
        if len(parent_body) > 255:
            problems.append(_("cơ quan cấp trên dài quá 255 ký tự."))
        joined_on, date_problem = parse_date(joined, year=year)
        if date_problem:
            problems.append(date_problem)
        agency_id = None
        name_key = agency_name_key(name)
        if abbreviation:
            if abbreviation in first_row_of:
                problems.append(
                    _("tên viết tắt %(abbr)s trùng với dòng %(row)s trong tệp.")
                    % {"abbr": abbreviation, "row": first_row_of[abbreviation]}
                )
            else:
                first_row_of[abbreviation] = number
        # The same agency twice under two abbreviations would become two agencies.
        if name_key and name_key in first_row_of_name:
            other_row, other_abbreviation = first_row_of_name[name_key]
            if abbreviation != other_abbreviation:
                problems.append(
                    _("đơn vị “%(name)s” trùng với dòng %(row)s trong tệp.")
                    % {"name": name, "row": other_row}
                )
        elif name_key:
            first_row_of_name[name_key] = (number, abbreviation)
        if abbreviation:
            if abbreviation in existing:
                agency_id, existing_name = existing[abbreviation]
                if name and agency_name_key(existing_name) != name_key:
                    problems.append(
                        _("tên viết tắt %(abbr)s đang được dùng cho đơn vị khác: “%(other)s”.")
                        % {"abbr": abbreviation, "other": existing_name}
                    )
                elif agency_id in member_ids:
                    problems.append(
                        _("%(name)s đã là thành viên của khối năm %(year)s.")
                        % {"name": existing_name, "year": year}
                    )
            elif name and name_key in abbreviation_of_name:
                problems.append(
                    _(
                        "đơn vị “%(name)s” đã có trong hệ thống với tên viết tắt %(abbr)s; "
                        "hãy dùng tên viết tắt đó."
                    )
                    % {"name": name, "abbr": abbreviation_of_name[name_key]}
                )
        for problem in problems:
            result.errors.append((number, problem))
        if not problems:
            result.rows.append(
                ImportRow(
                    row=number,
                    name=name,
                    abbreviation=abbreviation,
                    kind=kind_value,
                    parent_body=parent_body,
                    joined_on=joined_on,
                    agency_id=agency_id,
                )
            )
    if not result.rows and not result.errors:
        result.errors.append((None, _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")))
    return result


def read_sheet(upload) -> tuple[list, list[tuple[int | None, str]]]:
    """Return the data rows ``(row_number, cells)`` of the first sheet, or a file-level error."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        return [], [(None, _("Tệp “%(name)s” không phải là tệp Excel .xlsx.") % {"name": name})]
    try:
        workbook = open_workbook(upload)
    except WorkbookTooLarge:
        return [], [
            (
                None,
                _(
                    "Tệp “%(name)s” chứa quá nhiều dữ liệu so với một danh sách thành viên (có "
                    "thể do rất nhiều dòng, cột hoặc trang tính thừa); hãy tải tệp mẫu, chép "
                    "danh sách vào đó rồi tải lên lại."
                )
                % {"name": name},
            )
        ]
    except UNREADABLE:
        return [], [_unreadable(name)]
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        try:
            return _read_rows(sheet)
        except SheetTooLarge:
            return [], [
                (
                    None,
                    _(
                        "Trang “%(sheet)s” có hơn %(max)s dòng, tính cả các dòng trống hoặc chỉ "
                        "có định dạng; mỗi lần nhập tối đa %(n)s đơn vị. Hãy xóa các dòng thừa ở "
                        "cuối trang rồi tải tệp lên lại."
                    )
                    % {"sheet": sheet.title, "max": MAX_SHEET_ROWS, "n": MAX_ROWS},
                )
            ]
    except UNREADABLE:
        return [], [_unreadable(name)]
    finally:
        workbook.close()


def _unreadable(name):
    return (
        None,
        _("Không đọc được tệp “%(name)s”: tệp không phải là tệp Excel .xlsx hợp lệ.")
        % {"name": name},
    )


def _read_rows(sheet):
    """The data rows of ``sheet`` below a header in the template's layout, or an error."""
    rows = sheet_rows(sheet, max_rows=MAX_SHEET_ROWS, max_col=len(HEADER_KEYS))
    header = next(rows, (1, ()))[1]
    keys = [_plain(cell or "") for cell in header[:6]]
    if len(keys) < 6 or not all(
        k.startswith(e) or e in k for k, e in zip(keys, HEADER_KEYS, strict=True)
    ):
        return [], [
            (
                1,
                _("dòng tiêu đề không đúng mẫu; hãy tải tệp mẫu và giữ nguyên các cột: %(cols)s.")
                % {"cols": ", ".join(str(h) for h in HEADERS)},
            )
        ]
    data = []
    for number, cells in rows:
        cells = tuple(cells[:6])
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells[1:]):
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            return [], [(None, _("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})]
    return data, []


def read_member_file(upload, *, term) -> ImportResult:
    """Read and check an uploaded file against the term's council and members."""
    raw, errors = read_sheet(upload)
    if errors:
        return ImportResult(errors=errors)
    existing = {
        abbr.upper(): (pk, name)
        for pk, abbr, name in Agency.objects.active()
        .filter(council_id=term.bloc.council_id)
        .values_list("pk", "abbreviation", "name")
    }
    member_ids = set(
        Membership.objects.filter(term=term, left_on__isnull=True).values_list(
            "agency_id", flat=True
        )
    )
    return check_rows(raw, year=term.year, existing=existing, member_ids=member_ids)


def build_template(*, year: int | None = None) -> bytes:
    """Return the blank template, in Vietnamese: a header row and a sheet of instructions."""
    with translation.override("vi"):
        return _build_template(year)


def _build_template(year):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([str(h) for h in HEADERS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FCE4D6")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in zip("ABCDEF", (6, 48, 16, 22, 36, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(KIND_LABELS) + '"', allow_blank=False
    )
    kinds.error = _("Hãy chọn một trong: %(choices)s.") % {"choices": ", ".join(KIND_LABELS)}
    sheet.add_data_validation(kinds)
    kinds.add("D2:D501")
    # Dates typed as text keep the dd/mm/yyyy the instructions ask for.
    sheet.column_dimensions["F"].number_format = "@"

    notes = workbook.create_sheet(_("Hướng dẫn"))
    lines = [
        _("HƯỚNG DẪN NHẬP DANH SÁCH THÀNH VIÊN KHỐI THI ĐUA"),
        "",
        _("1. Điền mỗi đơn vị một dòng ở trang “Danh sách”, giữ nguyên dòng tiêu đề."),
        _("2. Tên cơ quan/đơn vị và Tên viết tắt là bắt buộc; tên viết tắt không trùng nhau."),
        _(
            "3. Đơn vị đã có trong hệ thống được nhận ra theo tên viết tắt; tên phải khớp với "
            "tên đang dùng."
        ),
        _("4. Loại ghi một trong: Đảng, Nhà nước, Đoàn thể, Doanh nghiệp."),
        _(
            "5. Ngày tham gia ghi theo dạng dd/mm/yyyy, trong năm thi đua; để trống là "
            "ngày 01/01 của năm."
        ),
        _(
            "6. Hệ thống chỉ nhập khi mọi dòng đều hợp lệ; nếu có lỗi, không dòng nào được nhập "
            "và mọi dòng lỗi được liệt kê kèm số dòng."
        ),
    ]
    if year:
        lines.insert(1, _("Năm thi đua: %(year)s") % {"year": year})
    for line in lines:
        notes.append([line])
    notes["A1"].font = bold
    notes.column_dimensions["A"].width = 110
    return workbook_bytes(workbook)
