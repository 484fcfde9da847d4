"""The add-member search: marks ignored, bounded, with and without JavaScript."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from blocs import services
from blocs.models import Agency, Membership
from blocs.views.members import SEARCH_LIMIT
from tests.factories import AgencyFactory, CouncilFactory

pytestmark = pytest.mark.django_db


def _url(name, world):
    return reverse(name, args=[world.bloc.code, world.term.year])


def _search(client, world, q, *, htmx=False):
    name = "blocs:member_agency_search" if htmx else "blocs:member_manage"
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(_url(name, world), {"q": q}, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def _button(agency):
    return f'name="agency" value="{agency.pk}"'


@pytest.fixture
def finance(bloc_world):
    return AgencyFactory(council=bloc_world.council, name="Sở Tài chính", abbreviation="STC")


@pytest.mark.parametrize("q", ["so tai chinh", "Sở Tài chính", "SỞ TÀI CHÍNH", "tài chinh", "stc"])
def test_search_finds_an_agency_with_or_without_marks_or_by_its_abbreviation(
    client, bloc_world, finance, q
):
    justice = AgencyFactory(council=bloc_world.council, name="Sở Tư pháp", abbreviation="STP")
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, q)
    assert _button(finance) in html
    assert _button(justice) not in html


def test_search_reads_d_with_stroke_as_d(client, bloc_world):
    party = AgencyFactory(council=bloc_world.council, name="Đảng ủy Khối Doanh nghiệp")
    client.force_login(bloc_world.secretariat)
    assert _button(party) in _search(client, bloc_world, "dang uy")


def test_the_search_gives_way_to_a_note_when_every_agency_is_a_member(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "")
    assert "Mọi đơn vị đang hoạt động của hội đồng đều đã là thành viên." in html
    assert 'type="search"' not in html


def test_search_offers_only_agencies_the_form_may_add(client, bloc_world, finance):
    other_council = AgencyFactory(council=CouncilFactory(), name="Sở Tài chính")
    closed = AgencyFactory(council=bloc_world.council, name="Sở Tài chính cũ", abbreviation="X")
    closed.active = False
    closed.save(update_fields=["active"])
    member = bloc_world.agencies[3]
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "tai chinh")
    assert _button(finance) in html
    assert _button(other_council) not in html and _button(closed) not in html
    assert _button(member) not in _search(client, bloc_world, member.name)


def test_search_without_javascript_shows_results_on_the_page_and_adds_from_them(
    client, bloc_world, finance
):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "so tai chinh")
    assert "<html" in html and 'name="joined_on"' in html
    assert 'value="so tai chinh"' in html
    # Each result is an add button of the add-member form, which posts to the page itself.
    start = html.index('<form method="post" novalidate>')
    form = html[start : html.index("</form>", start)]
    assert _button(finance) in form
    response = client.post(
        _url("blocs:member_manage", bloc_world),
        {"q": "so tai chinh", "agency": finance.pk, "joined_on": "01/03/2026"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(term=bloc_world.term, agency=finance)
    assert membership.joined_on == datetime.date(2026, 3, 1)


def test_a_refused_addition_keeps_the_search_and_the_date(client, bloc_world, finance):
    client.force_login(bloc_world.secretariat)
    response = client.post(
        _url("blocs:member_manage", bloc_world),
        {"q": "tai chinh", "agency": finance.pk, "joined_on": "05/01/2025"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày tham gia phải thuộc năm 2026." in html
    assert 'value="05/01/2025"' in html
    assert 'type="search"' in html and 'value="tai chinh"' in html
    assert _button(finance) in html


def test_the_htmx_search_returns_only_the_results(client, bloc_world, finance):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "tai chinh", htmx=True)
    assert _button(finance) in html
    assert "<html" not in html and "<form" not in html and 'name="joined_on"' not in html
    assert '<input type="hidden" name="q" value="tai chinh">' in html


def test_the_page_wires_the_search_field_to_the_results(client, bloc_world, finance):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "")
    assert f'hx-get="{_url("blocs:member_agency_search", bloc_world)}"' in html
    assert 'hx-target="#agency-results"' in html and 'id="agency-results"' in html


def test_search_shows_the_first_matches_and_says_how_many_more(client, bloc_world):
    many = [
        AgencyFactory(council=bloc_world.council, name=f"Trường Tiểu học số {i:02d}")
        for i in range(SEARCH_LIMIT + 5)
    ]
    client.force_login(bloc_world.secretariat)
    for htmx in (False, True):
        html = _search(client, bloc_world, "truong tieu hoc", htmx=htmx)
        assert html.count('name="agency" value=') == SEARCH_LIMIT
        assert _button(many[0]) in html and _button(many[-1]) not in html
        assert f"{SEARCH_LIMIT + 5} đơn vị khớp" in html
        assert "Còn 5 đơn vị nữa" in html


def test_an_empty_search_lists_the_first_agencies_in_vietnamese_order(client, bloc_world):
    later = AgencyFactory(council=bloc_world.council, name="Ủy ban Mặt trận")
    earlier = AgencyFactory(council=bloc_world.council, name="Ban Dân vận")
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "")
    assert html.index(_button(earlier)) < html.index(_button(later))


@pytest.mark.parametrize("htmx", [False, True])
def test_a_search_ignores_control_characters(client, bloc_world, finance, htmx):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "tai\x00chinh\n", htmx=htmx)
    assert _button(finance) in html and 'value="tai chinh"' in html


def test_a_search_that_finds_nothing_says_so(client, bloc_world, finance):
    client.force_login(bloc_world.secretariat)
    html = _search(client, bloc_world, "khong co don vi nay")
    assert "Không có đơn vị nào chưa là thành viên khớp với" in html


def test_a_renamed_agency_is_found_by_its_new_name(bloc_world, finance):
    services.rename_agency(
        agency=finance,
        name="Sở Tài chính và Kế hoạch",
        abbreviation="STCKH",
        changed_on=datetime.date(2026, 3, 1),
    )
    assert Agency.objects.matching("ke hoach stckh").get() == finance


def test_the_migration_folds_the_names_already_stored(bloc_world, finance):
    Agency.objects.update(search_text="")
    migration = importlib.import_module("blocs.migrations.0008_agency_search_text")
    migration.fill_search_text(apps, None)
    finance.refresh_from_db()
    assert finance.search_text == "so tai chinh stc"


@pytest.mark.parametrize("htmx", [False, True])
def test_search_runs_the_same_few_queries_for_a_small_and_a_large_council(
    client, bloc_world, django_assert_max_num_queries, htmx
):
    client.force_login(bloc_world.secretariat)
    counts = []
    # 3, then 25 and 400 matches: past the first page of results only the count is added.
    for extra in (3, 22, 375):
        Agency.objects.bulk_create(
            Agency(
                council=bloc_world.council,
                name=f"Trường Trung học số {len(counts)}-{i:03d}",
                abbreviation=f"T{len(counts)}-{i:03d}",
                kind=Agency.Kind.STATE,
                search_text=f"truong trung hoc so {len(counts)}-{i:03d}",
            )
            for i in range(extra)
        )
        with django_assert_max_num_queries(15) as captured:
            _search(client, bloc_world, "truong trung", htmx=htmx)
        counts.append(len(captured.captured_queries))
    assert counts[1] == counts[2], counts
