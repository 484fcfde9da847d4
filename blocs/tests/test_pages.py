import datetime

import pytest
from django.urls import reverse

from blocs import services
from blocs.models import BoardOfficer
from tests.factories import AgencyFactory, BlocFactory, UserFactory, make_term

pytestmark = pytest.mark.django_db


def test_board_overview_lists_blocs_in_vietnamese_order(client, council):
    names = ["Khối tổng hợp", "Khối Đảng", "Khối doanh nghiệp", "Khối Ủy ban"]
    for name in names:
        bloc = BlocFactory(council=council, name=name)
        agencies = [AgencyFactory(council=council) for _ in range(2)]
        make_term(bloc=bloc, year=2026, agencies=agencies, leader=agencies[0], deputy=agencies[1])
    board = UserFactory()
    BoardOfficer.objects.create(user=board, council=council)
    client.force_login(board)
    rows = client.get(reverse("campaigns:board_overview")).context["rows"]
    assert [r.bloc.name for r in rows] == [
        "Khối doanh nghiệp",
        "Khối Đảng",
        "Khối tổng hợp",
        "Khối Ủy ban",
    ]
    client.force_login(board)
    listed = client.get(reverse("blocs:bloc_list")).context["rows"]
    assert [bloc.name for bloc, _term in listed] == [r.bloc.name for r in rows]


def test_earlier_year_shows_the_name_the_agency_bore_then(client, bloc_world):
    old_name = bloc_world.d.name
    services.rename_agency(
        agency=bloc_world.d,
        name="Sở Mới Đổi Tên",
        abbreviation="SMDT",
        changed_on=datetime.date(2026, 1, 15),
    )
    client.force_login(bloc_world.board)
    html_2025 = client.get(
        reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2025])
    ).content.decode()
    assert old_name in html_2025 and "nay là Sở Mới Đổi Tên" in html_2025


def test_closed_year_does_not_call_its_leader_the_secretariat(client, bloc_world):
    client.force_login(bloc_world.last_year_leader)
    html_2025 = client.get(
        reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2025])
    ).content.decode()
    assert "Đơn vị khối trưởng năm 2025" in html_2025
    assert "Thư ký khối (đơn vị khối trưởng)" not in html_2025
    assert "Việc của thư ký khối" not in html_2025
