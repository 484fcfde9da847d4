import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from blocs import imports
from blocs.models import Agency, Membership
from blocs.tests.helpers import xlsx_upload
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

GOOD = [
    (1, "Sở Khoa học và Công nghệ", "SKHCN", "Nhà nước", "UBND tỉnh", "15/02/2026"),
    (2, "Hội Liên hiệp Phụ nữ tỉnh", "HLHPN", "Đoàn thể", "", datetime.datetime(2026, 3, 1)),
]


def _url(name, world):
    return reverse(name, args=[world.bloc.code, world.term.year])


def _check(rows, *, existing=None, members=()):
    return imports.check_rows(
        list(enumerate(rows, start=2)), year=2026, existing=existing or {}, member_ids=set(members)
    )


def test_check_accepts_good_rows_and_defaults_the_date():
    result = _check([*GOOD, (3, "Công ty Xổ số", "xsqt", "doanh nghiep", None, None)])
    assert result.errors == []
    assert [r.abbreviation for r in result.rows] == ["SKHCN", "HLHPN", "XSQT"]
    assert result.rows[0].joined_on == datetime.date(2026, 2, 15)
    assert result.rows[1].kind == Agency.Kind.MASS
    assert result.rows[2].joined_on == datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    "row,message",
    [
        ((1, "", "ABC", "Đảng", "", ""), "thiếu tên cơ quan/đơn vị."),
        ((1, "Ban A", "", "Đảng", "", ""), "thiếu tên viết tắt."),
        ((1, "Ban A", "BA", "Hành chính", "", ""), "loại “Hành chính” không hợp lệ"),
        ((1, "Ban A", "BA", "", "", ""), "thiếu loại"),
        ((1, "Ban A", "BA", "Đảng", "", "31/02/2026"), "ngày tham gia “31/02/2026” không hợp lệ"),
        ((1, "Ban A", "BA", "Đảng", "", "01/01/2025"), "không thuộc năm 2026"),
        ((1, "Ban A", "X" * 31, "Đảng", "", ""), "tên viết tắt dài quá 30 ký tự."),
    ],
)
def test_check_reports_the_reason_of_a_bad_row(row, message):
    result = _check([row])
    assert result.rows == []
    assert len(result.errors) == 1
    assert result.errors[0][0] == 2
    assert message in result.errors[0][1]


def test_check_reports_a_duplicate_abbreviation_in_the_file():
    result = _check([GOOD[0], (2, "Sở khác", "skhcn", "Nhà nước", "", "")])
    assert result.errors == [(3, "tên viết tắt SKHCN trùng với dòng 2 trong tệp.")]


def test_check_matches_existing_agencies_by_abbreviation():
    existing = {"SKHCN": (7, "Sở  Khoa học và Công nghệ"), "STC": (8, "Sở Tài chính")}
    result = _check(
        [
            GOOD[0],
            (2, "Sở Tài vụ", "STC", "Nhà nước", "", ""),
            (3, "Sở Tài chính", "SOTC", "Nhà nước", "", ""),
        ],
        existing=existing,
    )
    assert result.rows[0].agency_id == 7
    assert result.errors == [
        (3, "tên viết tắt STC đang được dùng cho đơn vị khác: “Sở Tài chính”."),
        (
            4,
            "đơn vị “Sở Tài chính” đã có trong hệ thống với tên viết tắt STC; hãy dùng tên viết tắt đó.",
        ),
    ]


def test_check_refuses_a_current_member():
    result = _check([GOOD[0]], existing={"SKHCN": (7, GOOD[0][1])}, members={7})
    assert result.errors == [(2, "Sở Khoa học và Công nghệ đã là thành viên của khối năm 2026.")]


def test_template_has_the_headers_and_instructions(client, bloc_world):
    client.force_login(bloc_world.member_officer)
    response = client.get(_url("blocs:member_import_template", bloc_world))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Danh sách", "Hướng dẫn"]
    header = [c.value for c in workbook["Danh sách"][1]]
    assert header == [
        "STT",
        "Tên cơ quan/đơn vị",
        "Tên viết tắt",
        "Loại (Đảng / Nhà nước / Đoàn thể / Doanh nghiệp)",
        "Cơ quan cấp trên",
        "Ngày tham gia dd/mm/yyyy",
    ]
    assert "dd/mm/yyyy" in " ".join(str(r[0].value) for r in workbook["Hướng dẫn"].iter_rows())


def test_the_template_reads_back_once_filled_in():
    workbook = load_workbook(io.BytesIO(imports.build_template(year=2026)))
    sheet = workbook["Danh sách"]
    sheet.append(list(GOOD[0]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "mau.xlsx"
    raw, errors = imports.read_sheet(buffer)
    assert errors == []
    assert raw == [(2, GOOD[0])]


def test_upload_imports_new_and_existing_agencies(client, bloc_world):
    existing = AgencyFactory(
        council=bloc_world.council, name="Hội Nông dân tỉnh", abbreviation="HND"
    )
    client.force_login(bloc_world.board)
    rows = [*GOOD, (3, "Hội Nông dân tỉnh", "HND", "Đoàn thể", "", "01/05/2026")]
    response = client.post(_url("blocs:member_import", bloc_world), {"file": xlsx_upload(rows)})
    assert response.status_code == 302
    created = Agency.objects.get(council=bloc_world.council, abbreviation="SKHCN")
    assert (created.kind, created.parent_body) == (Agency.Kind.STATE, "UBND tỉnh")
    members = Membership.objects.filter(term=bloc_world.term, left_on__isnull=True)
    assert members.count() == 9
    assert members.get(agency=existing).joined_on == datetime.date(2026, 5, 1)


def test_upload_with_two_bad_rows_reports_both_and_imports_nothing(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    agencies_before = Agency.objects.count()
    rows = [
        GOOD[0],
        (2, "", "TRONG", "Đảng", "", ""),
        GOOD[1],
        (4, "Ban Thử", bloc_world.d.abbreviation, "Đảng", "", "32/01/2026"),
    ]
    response = client.post(_url("blocs:member_import", bloc_world), {"file": xlsx_upload(rows)})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["errors"] == [
        "Dòng 3: thiếu tên cơ quan/đơn vị.",
        "Dòng 5: ngày tham gia “32/01/2026” không hợp lệ, hãy ghi theo dạng dd/mm/yyyy.",
        f"Dòng 5: tên viết tắt {bloc_world.d.abbreviation} đang được dùng cho đơn vị khác: “{bloc_world.d.name}”.",
    ]
    assert "Tệp “thanh-vien.xlsx” có 3 lỗi; chưa nhập dòng nào." in html
    assert "Dòng 3: thiếu tên cơ quan/đơn vị." in html
    assert Agency.objects.count() == agencies_before
    assert Membership.objects.filter(term=bloc_world.term).count() == 6


def test_upload_refuses_a_file_that_is_not_xlsx(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    for upload in (
        SimpleUploadedFile("danh-sach.csv", b"STT,Ten\n1,Ban A\n"),
        SimpleUploadedFile("gia-mao.xlsx", b"khong phai excel"),
    ):
        response = client.post(_url("blocs:member_import", bloc_world), {"file": upload})
        assert response.status_code == 200
        assert "không phải là tệp Excel .xlsx" in " ".join(response.context["errors"])


def test_upload_refuses_a_file_with_other_headers(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    upload = xlsx_upload([GOOD[0]], headers=["A", "B", "C", "D", "E", "F"])
    response = client.post(_url("blocs:member_import", bloc_world), {"file": upload})
    assert response.context["errors"][0].startswith("Dòng 1: dòng tiêu đề không đúng mẫu")


def test_upload_without_a_file_names_the_field(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(_url("blocs:member_import", bloc_world), {})
    assert response.context["form"].errors["file"] == ["Hãy chọn tệp Excel theo mẫu."]


def test_import_command_imports_a_good_file(bloc_world, tmp_path):
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_upload(GOOD).read())
    out = io.StringIO()
    call_command("import_members", bloc_world.bloc.code, "2026", str(path), stdout=out)
    assert "Đã nhập 2 đơn vị" in out.getvalue()
    assert Membership.objects.filter(term=bloc_world.term).count() == 8


def test_import_command_prints_every_bad_row_and_fails(bloc_world, tmp_path):
    path = tmp_path / "loi.xlsx"
    rows = [(1, "", "A1", "Đảng", "", ""), (2, "Ban B", "B1", "Khác", "", "")]
    path.write_bytes(xlsx_upload(rows).read())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Tệp có 2 lỗi; chưa nhập dòng nào."):
        call_command("import_members", bloc_world.bloc.code, "2026", str(path), stderr=err)
    assert "Dòng 2: thiếu tên cơ quan/đơn vị." in err.getvalue()
    assert "Dòng 3: loại “Khác” không hợp lệ" in err.getvalue()
    assert Membership.objects.filter(term=bloc_world.term).count() == 6


def test_import_command_refuses_a_closed_year(bloc_world, tmp_path):
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_upload(GOOD).read())
    with pytest.raises(CommandError, match="đã kết thúc"):
        call_command("import_members", bloc_world.bloc.code, "2025", str(path))
