import datetime

import pytest

from blocs.models import LeadershipElection, Membership
from tests.browser import assert_accessible, login
from tests.factories import PASSWORD, AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_adds_a_member_then_records_the_election(page, bloc_world):
    newcomer = AgencyFactory(council=bloc_world.council, name="Sở Văn hóa, Thể thao và Du lịch")
    login(page, bloc_world.secretariat.username, PASSWORD)
    page.goto(f"{page.base_url}/blocs/{bloc_world.bloc.code}/2026/")
    assert_accessible(page)
    page.get_by_role("link", name="Quản lý thành viên").click()
    assert_accessible(page)

    # The agency is found by a search typed without tone marks.
    page.get_by_label("Tìm cơ quan, đơn vị").fill("van hoa the thao")
    page.get_by_role("button", name="Tìm", exact=True).click()
    add = page.get_by_role("button", name=f"Thêm vào khối {newcomer.name}")
    page.get_by_label("Ngày tham gia").fill("15/13/2026")
    add.click()
    assert "Ngày không hợp lệ" in page.content()
    assert page.get_by_label("Ngày tham gia").input_value() == "15/13/2026"
    assert_accessible(page)
    page.get_by_label("Ngày tham gia").fill("15/03/2026")
    add.click()
    page.get_by_text("Đã thêm Sở Văn hóa, Thể thao và Du lịch vào khối năm 2026.").wait_for()
    assert Membership.objects.get(agency=newcomer).joined_on == datetime.date(2026, 3, 15)

    page.goto(f"{page.base_url}/blocs/{bloc_world.bloc.code}/2026/")
    page.get_by_role("link", name="Ghi kết quả bầu lãnh đạo khối năm 2027").click()
    assert_accessible(page)
    page.get_by_label("Ngày bầu (hội nghị tổng kết)").fill("20/12/2026")
    page.get_by_label("Khối trưởng được bầu cho năm sau").select_option(
        label=f"{bloc_world.d.name} ({bloc_world.d.abbreviation})"
    )
    page.get_by_label("Khối phó được bầu cho năm sau").select_option(
        label=f"{newcomer.name} ({newcomer.abbreviation})"
    )
    page.get_by_label("Số đơn vị tham gia bỏ phiếu").fill("7")
    page.get_by_label("Số phiếu bầu khối trưởng").fill("6")
    page.get_by_label("Số phiếu bầu khối phó").fill("5")
    page.get_by_label("Số biên bản").fill("12/BB-KTĐ")
    page.get_by_label("Ngày biên bản").fill("20/12/2026")
    page.get_by_role("button", name="Ghi kết quả bầu").click()
    page.get_by_text("Đã ghi kết quả bầu khối trưởng, khối phó năm 2027.").wait_for()
    assert_accessible(page)
    election = LeadershipElection.objects.get(term=bloc_world.term)
    assert (election.leader, election.deputy, election.voters) == (bloc_world.d, newcomer, 7)
