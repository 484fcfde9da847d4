import datetime

import pytest
from django.urls import reverse

from blocs import services
from blocs.models import Agency, Membership
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_merge_keeps_the_merged_agency_in_earlier_years(client, bloc_world):
    world = bloc_world
    target = AgencyFactory(council=world.council, name="Sở Hợp nhất Thử", abbreviation="SHNT")
    services.merge_agencies(source=world.d, target=target, merged_on=datetime.date(2026, 3, 1))
    world.d.refresh_from_db()
    assert (world.d.active, world.d.merged_into) == (False, target)
    old = Membership.objects.get(term=world.previous_term, agency=world.d)
    assert old.left_on is None
    this_year = Membership.objects.get(term=world.term, agency=world.d)
    assert this_year.left_on == datetime.date(2026, 3, 1)
    assert "Hợp nhất vào Sở Hợp nhất Thử" in this_year.left_reason
    assert Membership.objects.get(term=world.term, agency=target).left_on is None
    client.force_login(world.board)
    page_2025 = client.get(reverse("blocs:term_detail", args=[world.bloc.code, 2025]))
    assert world.d.name in page_2025.content.decode()
    assert target.name not in page_2025.content.decode()


def test_merge_passes_the_lead_to_the_receiving_agency(bloc_world):
    world = bloc_world
    target = AgencyFactory(council=world.council)
    services.merge_agencies(source=world.b, target=target, merged_on=datetime.date(2026, 3, 1))
    term = type(world.term).objects.prefetch_related("memberships__agency").get(pk=world.term.pk)
    assert term.leader == target
    assert term.deputy == world.c


def test_rename_keeps_the_old_name_for_earlier_documents(bloc_world):
    agency = bloc_world.c
    old_name = agency.name
    services.rename_agency(
        agency=agency,
        name="Ban Đổi tên Thử",
        abbreviation="bdtt",
        changed_on=datetime.date(2026, 2, 1),
        reason="Quyết định 01/QĐ-TU",
    )
    agency = Agency.objects.prefetch_related("name_changes").get(pk=agency.pk)
    assert agency.name == "Ban Đổi tên Thử" and agency.abbreviation == "BDTT"
    assert agency.name_on(datetime.date(2025, 12, 31)) == old_name
    assert agency.name_on(datetime.date(2026, 1, 31)) == old_name
    assert agency.name_on(datetime.date(2026, 2, 1)) == "Ban Đổi tên Thử"


def test_two_renames_give_each_period_its_own_name(bloc_world):
    agency = bloc_world.c
    first = agency.name
    services.rename_agency(
        agency=agency, name="Tên Hai", abbreviation="T2", changed_on=datetime.date(2025, 6, 1)
    )
    services.rename_agency(
        agency=agency, name="Tên Ba", abbreviation="T3", changed_on=datetime.date(2026, 6, 1)
    )
    agency = Agency.objects.prefetch_related("name_changes").get(pk=agency.pk)
    assert agency.name_on(datetime.date(2025, 1, 1)) == first
    assert agency.name_on(datetime.date(2025, 12, 1)) == "Tên Hai"
    assert agency.name_on(datetime.date(2026, 7, 1)) == "Tên Ba"


def test_the_lead_history_shows_each_year_under_the_name_it_bore_then(client, bloc_world):
    # A (the 2025 leader) is renamed in 2026: the 2025 row of the history keeps the old name.
    old_name = bloc_world.a.name
    services.rename_agency(
        agency=bloc_world.a,
        name="Ban Mới Sau Sắp Xếp",
        abbreviation="BMSSX",
        changed_on=datetime.date(2026, 3, 1),
        by=bloc_world.board,
    )
    client.force_login(bloc_world.secretariat)
    response = client.get(reverse("blocs:term_detail", args=[bloc_world.bloc.code, 2026]))
    rows = {t.year: t.leader_name for t, _election in response.context["history"]}
    assert rows[2025] == old_name
    assert rows[2026] == bloc_world.b.name
