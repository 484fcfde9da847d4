"""Setting a bloc up without the admin: create the bloc, then open its first year."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import (
    Agency,
    Bloc,
    BlocTerm,
    LeadershipChange,
    Membership,
    RotationSlot,
)
from blocs.services import setup as setup_services
from tests.factories import AgencyFactory, BlocFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("blocs:bloc_create")


def first_year_url(bloc):
    return reverse("blocs:bloc_first_year", args=[bloc.code])


def pool(council, n=5):
    return [
        AgencyFactory(council=council, name=f"Sở Văn hóa thử {i}", abbreviation=f"SVH{i}")
        for i in range(n)
    ]


def create_post(council, agencies, **extra):
    data = {
        "council": council.pk,
        "name": "Khối thi đua Văn hóa – Xã hội",
        "code": "khoi-van-hoa",
        "established_by": "Quyết định số 15/QĐ-HĐTĐKT ngày 10/01/2026",
        "doc_abbreviation": "KTĐ",
    }
    for position, agency in enumerate(agencies, start=1):
        data[f"pos_{agency.pk}"] = str(position)
    data.update(extra)
    return data


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


# --- Creating a bloc ---------------------------------------------------------------------------


def test_board_officer_creates_a_bloc_with_its_rotation_order(client, bloc_world):
    w = bloc_world
    agencies = pool(w.council)
    client.force_login(w.board)
    order = [agencies[2], agencies[0], agencies[4], agencies[1]]
    response = client.post(CREATE, create_post(w.council, order))
    bloc = Bloc.objects.get(code="khoi-van-hoa")
    assert response.status_code == 302
    assert response["Location"] == first_year_url(bloc)
    assert bloc.council == w.council
    assert bloc.established_by.startswith("Quyết định số 15")
    assert [s.agency for s in bloc.rotation.order_by("position")] == order
    assert bloc.history.first().history_user == w.board
    assert {s.history_user for s in RotationSlot.history.filter(bloc_id=bloc.pk)} == {w.board}


def test_a_new_agency_typed_on_the_page_joins_at_its_place(client, bloc_world):
    w = bloc_world
    agencies = pool(w.council, 3)
    client.force_login(w.board)
    data = create_post(
        w.council,
        agencies,
        new1_name="Sở  Du lịch   mới",
        new1_abbreviation="sdl",
        new1_kind="state",
        new1_position="2",
    )
    data[f"pos_{agencies[1].pk}"] = "3"
    data[f"pos_{agencies[2].pk}"] = "4"
    response = client.post(CREATE, data)
    assert response.status_code == 302
    new = Agency.objects.get(abbreviation="SDL")
    assert new.name == "Sở Du lịch mới"
    assert new.history.first().history_user == w.board
    bloc = Bloc.objects.get(code="khoi-van-hoa")
    assert [s.agency for s in bloc.rotation.order_by("position")] == [
        agencies[0],
        new,
        agencies[1],
        agencies[2],
    ]


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"code": "Khối Mới"}, "code", "chữ thường không dấu"),
        ({"name": ""}, "name", "Hãy nhập tên khối"),
        ({"established_by": ""}, "established_by", "quyết định thành lập"),
        ({"new1_name": "Sở Mới", "new1_kind": "state"}, "new1_abbreviation", "tên viết tắt"),
        ({"new1_name": "Sở Mới", "new1_abbreviation": "SM", "new1_kind": "state"}, "new1_position", "thứ tự"),
        ({"new1_name": "Sở Mới", "new1_abbreviation": "SVH0", "new1_kind": "state", "new1_position": "9"}, "new1_abbreviation", "đã dùng cho"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_keeps_what_was_typed(
    client, bloc_world, change, field, message
):
    w = bloc_world
    agencies = pool(w.council, 4)
    client.force_login(w.board)
    data = create_post(w.council, agencies, **change)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert any(message.lower() in e.lower() for e in errors_of(response, field)), response.context[
        "form"
    ].errors
    page = response.content.decode()
    assert 'value="Quyết định số 15/QĐ-HĐTĐKT ngày 10/01/2026"' in page or field == "established_by"
    assert f'name="pos_{agencies[3].pk}" value="4"' in page
    assert not Bloc.objects.filter(name="Khối thi đua Văn hóa – Xã hội").exists()


@pytest.mark.parametrize(
    "typed,message",
    [("0", "từ 1"), ("hai", "từ 1"), ("100", "không quá 99")],
)
def test_a_place_that_is_not_a_rotation_place_is_refused_on_its_row(
    client, bloc_world, typed, message
):
    w = bloc_world
    agencies = pool(w.council, 3)
    client.force_login(w.board)
    data = create_post(w.council, agencies, **{f"pos_{agencies[2].pk}": typed})
    data.update(new1_name="Sở Mới", new1_abbreviation="SM", new1_kind="state", new1_position=typed)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    for field in (f"pos_{agencies[2].pk}", "new1_position"):
        assert any(message in e for e in errors_of(response, field)), field
    assert f'value="{typed}"' in response.content.decode()
    assert not Bloc.objects.filter(code="khoi-van-hoa").exists()


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"doc_abbreviation": ""}, "doc_abbreviation", "ký hiệu trên văn bản"),
        ({"council": "0"}, "council", "không hợp lệ"),
        (
            {"new1_name": "Sở Mới", "new1_abbreviation": "SM", "new1_kind": "bank",
             "new1_position": "9"},
            "new1_kind",
            "không hợp lệ",
        ),
        ({"new1_name": "Sở Mới", "new1_abbreviation": "SM", "new1_position": "9"}, "new1_kind",
         "Hãy chọn loại"),
    ],
)  # fmt: skip
def test_more_bad_input_names_the_field(client, bloc_world, change, field, message):
    w = bloc_world
    client.force_login(w.board)
    data = create_post(w.council, pool(w.council, 3))
    data.update(change)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert any(message.lower() in e.lower() for e in errors_of(response, field)), response.context[
        "form"
    ].errors
    assert not Bloc.objects.filter(code="khoi-van-hoa").exists()


def test_a_duplicate_code_is_refused_with_the_bloc_that_has_it(client, bloc_world):
    w = bloc_world
    client.force_login(w.board)
    response = client.post(CREATE, create_post(w.council, pool(w.council), code=w.bloc.code))
    assert response.status_code == 400
    (error,) = errors_of(response, "code")
    assert w.bloc.name in error and "mã khác" in error
    assert Bloc.objects.filter(code=w.bloc.code).count() == 1


def test_two_agencies_at_one_place_are_refused(client, bloc_world):
    w = bloc_world
    agencies = pool(w.council, 3)
    client.force_login(w.board)
    data = create_post(w.council, agencies)
    data[f"pos_{agencies[2].pk}"] = "1"
    response = client.post(CREATE, data)
    assert response.status_code == 400
    assert "Thứ tự 1 đã dùng" in " ".join(
        errors_of(response, f"pos_{agencies[2].pk}") + errors_of(response, f"pos_{agencies[0].pk}")
    )


def test_a_bloc_needs_two_members(client, bloc_world):
    w = bloc_world
    client.force_login(w.board)
    response = client.post(CREATE, create_post(w.council, pool(w.council, 1)))
    assert response.status_code == 400
    assert "ít nhất 2" in " ".join(response.context["form"].non_field_errors())
    assert not Bloc.objects.filter(code="khoi-van-hoa").exists()


def test_an_agency_of_another_council_cannot_be_posted(client, bloc_world, django_user_model):
    w = bloc_world
    foreign = AgencyFactory()
    client.force_login(w.board)
    data = create_post(w.council, pool(w.council, 2))
    data[f"pos_{foreign.pk}"] = "3"
    response = client.post(CREATE, data)
    # The field does not exist for the officer: the foreign agency is simply not taken.
    assert response.status_code == 302
    bloc = Bloc.objects.get(code="khoi-van-hoa")
    assert foreign.pk not in set(bloc.rotation.values_list("agency_id", flat=True))


def test_creation_is_all_or_nothing(bloc_world):
    w = bloc_world
    agencies = pool(w.council, 3)
    members = [
        agencies[0],
        setup_services.NewAgency(name="Sở Mới", abbreviation="SM", kind="state"),
        # The same abbreviation again: refused when the second agency is validated.
        setup_services.NewAgency(name="Sở Mới hai", abbreviation="SM", kind="state"),
    ]
    with pytest.raises(Exception):  # noqa: B017 - the service's refusal, whatever its type
        setup_services.create_bloc(
            council=w.council,
            code="khoi-moi",
            name="Khối mới",
            established_by="QĐ 1",
            members=members,
            by=w.board,
        )
    assert not Bloc.objects.filter(code="khoi-moi").exists()
    assert not Agency.objects.filter(abbreviation="SM").exists()


@pytest.mark.parametrize("which", ["foreign", "merged"])
def test_the_service_refuses_an_agency_it_cannot_take(bloc_world, which):
    w = bloc_world
    agencies = pool(w.council, 2)
    if which == "foreign":
        odd, message = AgencyFactory(), "hội đồng thi đua khác"
    else:
        odd, message = AgencyFactory(council=w.council, active=False), "ngừng hoạt động"
    with pytest.raises(ValidationError) as refused:
        setup_services.create_bloc(
            council=w.council,
            code="khoi-moi",
            name="Khối mới",
            established_by="QĐ 1",
            members=[
                *agencies,
                setup_services.NewAgency(name="Sở Mới", abbreviation="SM", kind="state"),
                odd,
            ],
            by=w.board,
        )
    assert message in " ".join(refused.value.messages)
    assert not Bloc.objects.filter(code="khoi-moi").exists()
    assert not Agency.objects.filter(abbreviation="SM").exists()


# --- Opening the first year --------------------------------------------------------------------


@pytest.fixture
def new_bloc(bloc_world):
    agencies = pool(bloc_world.council, 4)
    bloc = setup_services.create_bloc(
        council=bloc_world.council,
        code="khoi-van-hoa",
        name="Khối Văn hóa",
        established_by="QĐ 15",
        members=agencies,
        by=bloc_world.board,
    )
    return bloc, agencies


def test_the_first_year_proposes_the_first_two_of_the_rotation(client, bloc_world, new_bloc):
    bloc, agencies = new_bloc
    client.force_login(bloc_world.board)
    response = client.get(first_year_url(bloc))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["leader"] == agencies[0].pk
    assert form.initial["deputy"] == agencies[1].pk


def test_opening_the_first_year_makes_every_agency_a_member(client, bloc_world, new_bloc):
    bloc, agencies = new_bloc
    client.force_login(bloc_world.board)
    response = client.post(
        first_year_url(bloc),
        {"year": "2026", "leader": agencies[0].pk, "deputy": agencies[1].pk, "status": "active"},
    )
    term = BlocTerm.objects.get(bloc=bloc, year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("blocs:term_detail", args=[bloc.code, 2026])
    assert term.status == BlocTerm.Status.ACTIVE
    assert term.opened_by == bloc_world.board
    assert (term.leader, term.deputy) == (agencies[0], agencies[1])
    assert set(Membership.objects.filter(term=term).values_list("agency_id", flat=True)) == {
        a.pk for a in agencies
    }
    assert set(Membership.objects.filter(term=term).values_list("joined_on", flat=True)) == {
        datetime.date(2026, 1, 1)
    }
    change = LeadershipChange.objects.get(term=term)
    assert change.changed_by == bloc_world.board
    assert change.source == LeadershipChange.Source.OPENING
    assert term.history.filter(history_user=bloc_world.board).exists()


@pytest.mark.parametrize(
    "change,field,message",
    [
        ({"deputy": 0}, "deputy", "khác khối trưởng"),
        ({"leader": "outside"}, "leader", "thành viên của khối"),
        ({"year": "1999"}, "year", "từ 2000 đến 2100"),
        ({"year": "năm nay"}, "year", "phải là một số"),
        ({"status": "closed"}, "status", "không hợp lệ"),
    ],
)
def test_first_year_bad_input_names_the_field(client, bloc_world, new_bloc, change, field, message):
    bloc, agencies = new_bloc
    outside = AgencyFactory(council=bloc_world.council)
    data = {
        "year": "2026",
        "leader": agencies[0].pk,
        "deputy": agencies[1].pk,
        "status": "planning",
    }
    for key, value in change.items():
        data[key] = (
            agencies[value].pk if value == 0 else outside.pk if value == "outside" else value
        )
    client.force_login(bloc_world.board)
    response = client.post(first_year_url(bloc), data)
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response, field)), response.context["form"].errors
    assert not BlocTerm.objects.filter(bloc=bloc).exists()
    page = response.content.decode()
    if field != "year":
        assert 'value="2026"' in page


def test_a_bloc_that_has_a_year_sends_to_that_year(client, bloc_world):
    client.force_login(bloc_world.board)
    response = client.get(first_year_url(bloc_world.bloc))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "blocs:term_detail", args=[bloc_world.bloc.code, bloc_world.term.year]
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("đã có năm thi đua" in m for m in messages)


def test_the_first_year_is_all_or_nothing(bloc_world, new_bloc):
    bloc, agencies = new_bloc
    with pytest.raises(Exception):  # noqa: B017
        setup_services.open_first_term(
            bloc=bloc, year=2026, leader=agencies[0], deputy=agencies[0], by=bloc_world.board
        )
    assert not BlocTerm.objects.filter(bloc=bloc).exists()
    assert not Membership.objects.filter(term__bloc=bloc).exists()


def test_bloc_detail_sends_the_board_to_the_first_year(client, bloc_world, new_bloc):
    bloc, _agencies = new_bloc
    client.force_login(bloc_world.board)
    response = client.get(reverse("blocs:bloc_detail", args=[bloc.code]))
    assert response.status_code == 302
    assert response["Location"] == first_year_url(bloc)


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona,status",
    [
        ("board", 200),
        ("secretariat", 404),
        ("member_head", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_board_may_create_blocs(client, bloc_world, persona, status):
    user = bloc_world.personas[persona]
    if user:
        client.force_login(user)
    assert client.get(CREATE).status_code == status
    response = client.post(CREATE, create_post(bloc_world.council, pool(bloc_world.council, 3)))
    assert response.status_code == (302 if persona == "board" else status)
    assert Bloc.objects.filter(code="khoi-van-hoa").exists() == (persona == "board")


@pytest.mark.parametrize(
    "persona,status",
    [("board", 200), ("secretariat", 404), ("outsider", 404), ("anonymous", 302)],
)
def test_only_the_board_sees_a_new_blocs_first_year(client, bloc_world, new_bloc, persona, status):
    bloc, _agencies = new_bloc
    user = bloc_world.personas[persona]
    if user:
        client.force_login(user)
    assert client.get(first_year_url(bloc)).status_code == status


def test_another_councils_officer_cannot_reach_the_bloc(client, bloc_world, new_bloc):
    from blocs.models import BoardOfficer
    from tests.factories import CouncilFactory

    bloc, _agencies = new_bloc
    officer = UserFactory()
    BoardOfficer.objects.create(user=officer, council=CouncilFactory())
    client.force_login(officer)
    assert client.get(first_year_url(bloc)).status_code == 404
    data = create_post(bloc_world.council, [])
    assert client.post(CREATE, data).status_code == 400


def test_members_of_an_existing_bloc_may_not_open_a_first_year(client, bloc_world):
    client.force_login(bloc_world.secretariat)
    assert client.post(first_year_url(bloc_world.bloc), {"year": "2026"}).status_code == 403


def test_administrators_create_blocs(client, bloc_world, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    client.force_login(admin)
    response = client.post(CREATE, create_post(bloc_world.council, pool(bloc_world.council, 3)))
    assert response.status_code == 302


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_methods_are_refused(client, bloc_world, new_bloc, method):
    client.force_login(bloc_world.board)
    assert getattr(client, method)(CREATE).status_code == 405
    assert getattr(client, method)(first_year_url(new_bloc[0])).status_code == 405


def test_the_create_button_shows_to_the_board_only(client, bloc_world):
    client.force_login(bloc_world.board)
    assert CREATE in client.get("/board/").content.decode()
    assert CREATE in client.get(reverse("blocs:bloc_list")).content.decode()
    client.force_login(bloc_world.secretariat)
    assert CREATE not in client.get(reverse("blocs:bloc_list")).content.decode()


# --- Speed -------------------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_setup_pages_run_the_same_queries_for_5_and_50_agencies(client, bloc_world):
    client.force_login(bloc_world.board)
    counts = {}
    for size in (5, 50):
        agencies = [
            AgencyFactory(
                council=bloc_world.council, name=f"Đơn vị {size}-{i}", abbreviation=f"D{size}X{i}"
            )
            for i in range(size)
        ]
        bloc = BlocFactory(council=bloc_world.council)
        for position, agency in enumerate(agencies, start=1):
            RotationSlot.objects.create(bloc=bloc, agency=agency, position=position)
        counts[size] = (_count(client, CREATE), _count(client, first_year_url(bloc)))
    assert counts[5] == counts[50], counts
