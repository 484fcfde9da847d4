"""The board's eligibility holds: recorded, ended and traced; nobody else sees them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import EligibilityHold
from awards.models.holds import DEFAULT_LEGAL_NOTE
from awards.services import holds as hold_services
from tests import factories
from tests.factories import PERSONAS

pytestmark = pytest.mark.django_db

LIST = reverse("awards:holds")


def edit_url(hold):
    return reverse("awards:hold_edit", args=[hold.pk])


def hold_data(agency, **change):
    data = {
        "agency": str(agency.pk),
        "reason": "inspection",
        "details": "Thanh tra tỉnh đang thanh tra",
        "starts_on": "01/03/2026",
        "until": "",
        "legal_note": DEFAULT_LEGAL_NOTE,
    }
    data.update(change)
    return data


def make_hold(world, **fields):
    values = {
        "agency": world.d,
        "reason": EligibilityHold.Reason.DISCIPLINE,
        "details": "",
        "starts_on": datetime.date(2026, 2, 1),
        "until": None,
        "legal_note": DEFAULT_LEGAL_NOTE,
        "by": world.board,
    }
    values.update(fields)
    return hold_services.record_hold(**values)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_board_sees_the_holds(client, bloc_world, persona):
    hold = make_hold(bloc_world)
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    for page in (LIST, edit_url(hold)):
        response = client.get(page)
        if persona == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"]
        elif persona == "board":
            assert response.status_code == 200
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_board_records_a_hold(client, bloc_world, persona):
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.post(LIST, hold_data(bloc_world.d))
    if persona == "board":
        assert response.status_code == 302
        assert EligibilityHold.objects.count() == 1
    else:
        assert response.status_code in (302, 404)
        assert not EligibilityHold.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_board_changes_a_hold(client, bloc_world, persona):
    hold = make_hold(bloc_world)
    user = bloc_world.personas[persona]
    if user is not None:
        client.force_login(user)
    response = client.post(edit_url(hold), hold_data(bloc_world.d, until="30/06/2026"))
    hold.refresh_from_db()
    if persona == "board":
        assert response.status_code == 302
        assert hold.until == datetime.date(2026, 6, 30)
    else:
        expected = 302 if persona == "anonymous" else 404
        assert response.status_code == expected
        assert hold.until is None


def test_the_pages_refuse_other_methods(client, bloc_world):
    hold = make_hold(bloc_world)
    client.force_login(bloc_world.board)
    assert client.put(LIST).status_code == 405
    assert client.delete(edit_url(hold)).status_code == 405


def test_the_board_records_a_hold_with_the_decree_as_default_note(client, bloc_world):
    client.force_login(bloc_world.board)
    form = client.get(LIST).context["form"]
    assert form["legal_note"].value() == "Nghị định số 152/2025/NĐ-CP, Điều 4"
    response = client.post(LIST, hold_data(bloc_world.d))
    assert response.status_code == 302 and response["Location"] == LIST
    hold = EligibilityHold.objects.get()
    assert (hold.agency, hold.reason, hold.starts_on, hold.until, hold.recorded_by) == (
        bloc_world.d,
        "inspection",
        datetime.date(2026, 3, 1),
        None,
        bloc_world.board,
    )
    assert hold.history.get().history_user == bloc_world.board
    page = client.get(LIST).content.decode()
    assert bloc_world.d.name in page and "Đang thanh tra, kiểm tra" in page


def test_an_agency_of_another_council_cannot_be_held(client, bloc_world):
    stranger = factories.AgencyFactory(council=factories.CouncilFactory())
    client.force_login(bloc_world.board)
    response = client.post(LIST, hold_data(stranger))
    assert response.status_code == 400
    assert response.context["form"].errors["agency"]
    assert not EligibilityHold.objects.exists()
    with pytest.raises(ValidationError):
        make_hold(bloc_world, agency=stranger, councils=[bloc_world.council])


def test_a_hold_ending_before_it_starts_is_refused_and_the_input_kept(client, bloc_world):
    client.force_login(bloc_world.board)
    response = client.post(LIST, hold_data(bloc_world.d, until="01/02/2026", details="giữ lại"))
    assert response.status_code == 400
    assert response.context["form"].errors["until"]
    page = response.content.decode()
    assert "giữ lại" in page and 'value="01/02/2026"' in page
    assert not EligibilityHold.objects.exists()


def test_the_board_ends_a_hold_and_the_history_shows_it(client, bloc_world):
    hold = make_hold(bloc_world)
    client.force_login(bloc_world.board)
    page = client.get(edit_url(hold))
    assert page.context["form"]["starts_on"].value() == datetime.date(2026, 2, 1)
    assert 'value="01/02/2026"' in page.content.decode()
    response = client.post(
        edit_url(hold),
        hold_data(bloc_world.d, reason="discipline", starts_on="01/02/2026", until="30/06/2026"),
    )
    assert response.status_code == 302 and response["Location"] == edit_url(hold)
    hold.refresh_from_db()
    assert hold.until == datetime.date(2026, 6, 30)
    changes = client.get(edit_url(hold)).context["changes"]
    until = next(c for c in changes if c["what"] == "Đến ngày")
    assert (until["old"], until["new"], until["by"]) == ("", "30/06/2026", bloc_world.board)


def test_the_list_shows_holds_in_force_unless_all_are_asked(client, bloc_world):
    ended = make_hold(
        bloc_world,
        agency=bloc_world.c,
        until=datetime.date(2025, 12, 31),
        starts_on=datetime.date(2025, 6, 1),
    )
    current = make_hold(bloc_world)
    client.force_login(bloc_world.board)
    shown = list(client.get(LIST).context["holds"])
    assert shown == [current]
    every = list(client.get(LIST + "?show=all").context["holds"])
    assert set(every) == {current, ended}


def test_another_boards_hold_is_not_found(client, bloc_world):
    other = factories.build_bloc_world(council=factories.CouncilFactory(), members=4, years=(2026,))
    hold = make_hold(other)
    client.force_login(bloc_world.board)
    assert client.get(edit_url(hold)).status_code == 404
    assert client.post(edit_url(hold), hold_data(other.d)).status_code == 404


def test_the_list_reads_a_constant_number_of_queries(
    client, bloc_world, django_assert_max_num_queries
):
    for agency in bloc_world.agencies[:2]:
        make_hold(bloc_world, agency=agency)
    client.force_login(bloc_world.board)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for agency in bloc_world.agencies[2:]:
        make_hold(bloc_world, agency=agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
