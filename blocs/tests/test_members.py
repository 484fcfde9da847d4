import datetime
import re

import pytest
from django.urls import reverse

from blocs import services
from blocs.models import Membership, RotationSlot
from tests.factories import AgencyFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def _url(name, world, *extra):
    return reverse(name, args=[world.bloc.code, world.term.year, *extra])


def test_secretariat_adds_an_agency_of_the_council(client, bloc_world):
    newcomer = AgencyFactory(council=bloc_world.council, name="Sở Văn hóa và Thể thao")
    client.force_login(bloc_world.secretariat_officer)
    response = client.post(
        _url("blocs:member_manage", bloc_world),
        {"agency": newcomer.pk, "joined_on": "01/04/2026"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == _url("blocs:member_manage", bloc_world)
    assert "Đã thêm Sở Văn hóa và Thể thao vào khối năm 2026." in response.content.decode()
    membership = Membership.objects.get(term=bloc_world.term, agency=newcomer)
    assert membership.joined_on == datetime.date(2026, 4, 1)
    assert RotationSlot.objects.get(bloc=bloc_world.bloc, agency=newcomer).position == 7


def test_add_member_offers_only_active_non_member_agencies_of_the_council(client, bloc_world):
    newcomer = AgencyFactory(council=bloc_world.council)
    merged = AgencyFactory(council=bloc_world.council)
    services.merge_agencies(source=merged, target=newcomer, merged_on=datetime.date(2026, 1, 2))
    foreign = AgencyFactory(council=CouncilFactory())
    client.force_login(bloc_world.secretariat)
    choices = client.get(_url("blocs:member_manage", bloc_world)).context["form"].fields["agency"]
    assert list(choices.queryset) == [newcomer]
    assert foreign not in choices.queryset


def test_add_member_keeps_the_typed_date_and_names_the_field(client, bloc_world):
    newcomer = AgencyFactory(council=bloc_world.council)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_manage", bloc_world), {"agency": newcomer.pk, "joined_on": "2026/13/45"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm" in html
    assert 'value="2026/13/45"' in html
    # The agency chosen stays listed and marked, beside the date to correct.
    assert re.search(
        rf'list-group-item-primary" aria-current="true">\s*<span>{newcomer.name} ', html
    )
    assert f'name="agency" value="{newcomer.pk}"' in html
    assert not Membership.objects.filter(agency=newcomer).exists()


def test_add_member_refuses_a_date_outside_the_year(client, bloc_world):
    newcomer = AgencyFactory(council=bloc_world.council)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_manage", bloc_world), {"agency": newcomer.pk, "joined_on": "05/01/2025"}
    )
    assert response.context["form"].errors["joined_on"] == ["Ngày tham gia phải thuộc năm 2026."]


def test_add_member_refuses_a_current_member(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_manage", bloc_world),
        {"agency": bloc_world.d.pk, "joined_on": "01/02/2026"},
    )
    assert "Đơn vị đã chọn không hợp lệ" in response.context["form"].errors["agency"][0]


def test_secretariat_records_a_member_leaving_and_history_stays(client, bloc_world):
    membership = Membership.objects.get(term=bloc_world.term, agency=bloc_world.d)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_remove", bloc_world, membership.pk),
        {"left_on": "30/06/2026", "reason": "Giải thể theo Quyết định 12/QĐ-UBND"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == datetime.date(2026, 6, 30)
    assert membership.left_reason == "Giải thể theo Quyết định 12/QĐ-UBND"
    page = client.get(_url("blocs:term_detail", bloc_world)).content.decode()
    assert bloc_world.d.name in page and "30/06/2026" in page
    assert "5 đơn vị thành viên" in page


def test_remove_member_requires_a_reason_and_keeps_the_date(client, bloc_world):
    membership = Membership.objects.get(term=bloc_world.term, agency=bloc_world.d)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_remove", bloc_world, membership.pk), {"left_on": "30/06/2026"}
    )
    assert response.context["form"].errors["reason"] == ["Hãy ghi lý do rời khối."]
    assert 'value="30/06/2026"' in response.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None


def test_the_leader_cannot_leave_before_the_lead_changes(client, bloc_world):
    membership = Membership.objects.get(term=bloc_world.term, agency=bloc_world.b)
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_remove", bloc_world, membership.pk),
        {"left_on": "30/06/2026", "reason": "Sáp nhập"},
    )
    assert response.status_code == 200
    assert "Không thể cho khối trưởng hoặc khối phó rời khối" in response.content.decode()


def test_remove_page_of_another_terms_membership_is_not_found(client, bloc_world):
    other = Membership.objects.get(term=bloc_world.previous_term, agency=bloc_world.d)
    client.force_login(bloc_world.secretariat)
    assert client.get(_url("blocs:member_remove", bloc_world, other.pk)).status_code == 404


def test_member_page_warns_below_four_members(client, bloc_world):
    for agency in bloc_world.agencies[3:]:
        membership = Membership.objects.get(term=bloc_world.term, agency=agency)
        services.remove_member(membership=membership, left_on=datetime.date(2026, 3, 1))
    client.force_login(bloc_world.secretariat)
    html = client.get(_url("blocs:member_manage", bloc_world)).content.decode()
    assert "Khối chỉ có 3 thành viên, ít hơn mức tối thiểu 4." in html


def test_member_page_warns_above_fourteen_members(client, bloc_world):
    for _i in range(9):
        services.add_member(
            term=bloc_world.term,
            agency=AgencyFactory(council=bloc_world.council),
            joined_on=datetime.date(2026, 2, 1),
        )
    client.force_login(bloc_world.secretariat)
    html = client.get(_url("blocs:member_manage", bloc_world)).content.decode()
    assert "Khối có 15 thành viên, nhiều hơn mức tối đa 14." in html
