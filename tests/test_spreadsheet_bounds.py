"""A small spreadsheet never ties up a worker: the work of reading one is bounded before it starts.

The file of the report: 2 million rows with only column A filled, 300 KB zipped. Reading it
must be refused before a single row is parsed, whether its dimension says how many rows it has,
says nothing, or lies.
"""

import functools
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.worksheet import _reader

from blocs import imports
from blocs.models import Agency, Membership
from campaigns import criteria_import

pytestmark = pytest.mark.django_db

MEMBER_HEADER = [
    "STT",
    "Tên cơ quan/đơn vị",
    "Tên viết tắt",
    "Loại",
    "Cơ quan cấp trên",
    "Ngày tham gia",
]
CRITERIA_HEADER = [
    "Mã",
    "Mã nhóm cha",
    "Loại",
    "Nội dung tiêu chí",
    "Điểm tối đa",
    "Bắt buộc minh chứng",
    "Hướng dẫn chấm",
]
MILLIONS = 2_000_000
# Rows read at most in a member list, the header and empty rows included (imports.MAX_SHEET_ROWS).
MEMBER_SHEET_ROWS = 1000
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cells(values) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


def workbook(header, body_chunks, *, dimension=None) -> bytes:
    """An .xlsx whose one sheet has ``header`` then the XML of ``body_chunks``, written as is."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(f"<sheetData><row>{_cells(header)}</row>".encode())
            for chunk in body_chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def column_a_only(rows: int):
    """``rows`` rows with only column A filled, as chunks of XML."""
    chunk = b"<row><c><v>1</v></c></row>" * 10_000
    for _ in range(rows // 10_000):
        yield chunk


@functools.cache
def millions(kind: str, declared: bool) -> bytes:
    """The file of the report with the header of ``kind``, its dimension declared or absent."""
    header = MEMBER_HEADER if kind == "member" else CRITERIA_HEADER
    last_column = "F" if kind == "member" else "G"
    dimension = f"A1:{last_column}{MILLIONS + 1}" if declared else None
    return workbook(header, column_a_only(MILLIONS), dimension=dimension)


@pytest.fixture
def parsed_rows(monkeypatch):
    """Count the rows openpyxl parses, wherever it parses them."""
    seen = []
    parse_row = _reader.WorkSheetParser.parse_row

    def counting(self, row):
        seen.append(1)
        return parse_row(self, row)

    monkeypatch.setattr(_reader.WorkSheetParser, "parse_row", counting)
    return seen


def upload(data: bytes, name="thanh-vien.xlsx") -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def test_the_file_of_the_report_is_small():
    assert len(millions("member", True)) < 400 * 1024


@pytest.mark.parametrize("declared", [True, False], ids=["with-dimension", "without-dimension"])
def test_two_million_rows_of_members_are_refused_before_a_row_is_read(parsed_rows, declared):
    raw, errors = imports.read_sheet(upload(millions("member", declared)))
    assert raw == []
    assert len(errors) == 1
    assert "quá nhiều dữ liệu so với một danh sách thành viên" in errors[0][1]
    assert len(parsed_rows) == 0


@pytest.mark.parametrize("declared", [True, False], ids=["with-dimension", "without-dimension"])
def test_two_million_criteria_rows_are_refused_before_a_row_is_read(parsed_rows, declared):
    with pytest.raises(criteria_import.ImportFailed) as exc:
        criteria_import.parse(millions("criteria", declared))
    assert "quá nhiều dữ liệu so với một bảng tiêu chí" in exc.value.messages[0]
    assert len(parsed_rows) == 0


def test_the_upload_page_refuses_two_million_rows_and_imports_nothing(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    agencies = Agency.objects.count()
    response = client.post(
        reverse("blocs:member_import", args=[bloc_world.bloc.code, bloc_world.term.year]),
        {"file": SimpleUploadedFile("hai-trieu-dong.xlsx", millions("member", True))},
    )
    assert response.status_code == 200
    assert "quá nhiều dữ liệu" in " ".join(response.context["errors"])
    assert Agency.objects.count() == agencies
    assert Membership.objects.filter(term=bloc_world.term).count() == 6


def test_the_member_sheet_limit_leaves_room_for_blank_rows():
    assert imports.MAX_SHEET_ROWS == MEMBER_SHEET_ROWS >= 2 * imports.MAX_ROWS


def test_a_declared_dimension_too_large_is_refused_before_a_row_is_read(parsed_rows):
    data = workbook(MEMBER_HEADER, column_a_only(10_000), dimension=f"A1:F{MEMBER_SHEET_ROWS + 1}")
    raw, errors = imports.read_sheet(upload(data))
    assert raw == []
    assert f"có hơn {MEMBER_SHEET_ROWS} dòng" in errors[0][1]
    assert len(parsed_rows) == 0


def test_rows_without_a_dimension_stop_at_the_limit_empty_ones_counted():
    # One cell two million rows down: openpyxl fills the gap with empty rows.
    far = f'<row r="{MILLIONS}"><c r="A{MILLIONS}"><v>1</v></c></row>'.encode()
    data = workbook(MEMBER_HEADER, [far])
    raw, errors = imports.read_sheet(upload(data))
    assert raw == []
    assert f"có hơn {MEMBER_SHEET_ROWS} dòng" in errors[0][1]

    from khoithidua import spreadsheets

    book = spreadsheets.open_workbook(io.BytesIO(data))
    read = []
    try:
        with pytest.raises(spreadsheets.SheetTooLarge):
            rows = spreadsheets.sheet_rows(book.worksheets[0], max_rows=1000, max_col=6)
            for number, _values in rows:
                read.append(number)
    finally:
        book.close()
    assert read == list(range(1, 1001))


def test_a_dimension_that_undercounts_loses_no_row():
    rows = [
        f"<row>{_cells([n, f'Ban {n}', f'B{n}', 'Đảng', '', ''])}</row>".encode()
        for n in range(1, 4)
    ]
    data = workbook(MEMBER_HEADER, rows, dimension="A1:F2")
    raw, errors = imports.read_sheet(upload(data))
    assert errors == []
    assert [number for number, _cells in raw] == [2, 3, 4]


def test_a_criteria_sheet_declaring_too_many_rows_is_refused_before_a_row_is_read(parsed_rows):
    rows = criteria_import.MAX_ROWS + 1
    data = workbook(CRITERIA_HEADER, column_a_only(10_000), dimension=f"A1:G{rows}")
    with pytest.raises(criteria_import.ImportFailed) as exc:
        criteria_import.parse(data)
    assert exc.value.messages[0].startswith("Bảng có quá nhiều dòng (tối đa 2000")
    assert len(parsed_rows) == 0


def test_a_row_of_a_million_cells_is_refused_before_it_is_parsed(parsed_rows):
    wide = b"<row>" + b"<c/>" * 1_000_000 + b"</row>"
    raw, errors = imports.read_sheet(upload(workbook(MEMBER_HEADER, [wide])))
    assert raw == [] and "quá nhiều dữ liệu" in errors[0][1]
    assert len(parsed_rows) == 0


def test_the_largest_real_criteria_table_is_read_whole():
    title = "Hoàn thành các chỉ tiêu, nhiệm vụ được giao trong năm. " * 5
    guidance = "Có báo cáo kết quả thực hiện nhiệm vụ, kèm số liệu minh chứng. " * 20
    rows = [
        f"<row>{_cells([f'{n}', '', 'chấm điểm', title, 1, 'có', guidance])}</row>".encode()
        for n in range(1, criteria_import.MAX_ROWS)
    ]
    parsed = criteria_import.parse(workbook(CRITERIA_HEADER, rows))
    assert len(parsed) == criteria_import.MAX_ROWS - 1
