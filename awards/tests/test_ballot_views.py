"""The ballot pages: opening, the paper count, the online vote on a phone, closing, second round,
the results workbook; who may see and do what; results hidden until the round closes."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from awards.models import Ballot, BallotReceipt
from awards.services import ballots, catalogue
from awards.tests.test_ballot_setup import build_meeting_world, set_rule
from blocs.models import AgencyRole
from tests.factories import PERSONAS, UserFactory, give_role

pytestmark = pytest.mark.django_db

READERS = {
    "board",
    "secretariat",
    "secretariat_officer",
    "deputy",
    "member_head",
    "member_officer",
    "last_year_leader",
}
# Every user of the leader agency acts as its secretariat (blocs.access).
MANAGERS = {"secretariat", "secretariat_officer"}


@pytest.fixture
def world(council):
    world = build_meeting_world(council)
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    return world


def url(world, name, *extra):
    return reverse(f"awards:{name}", args=[world.term.bloc.code, world.term.year, "annual", *extra])


def open_round(world, mode="online", code=catalogue.PROVINCE_MERIT):
    return ballots.open_ballot(
        meeting=world.meeting, award_type=world.award(code), mode=mode, by=world.secretariat
    )


def as_(client, world, persona):
    user = world.personas[persona]
    if user is not None:
        client.force_login(user)
    return client


def test_the_secretariat_opens_a_round_and_lands_on_it(client, world):
    as_(client, world, "secretariat")
    award = world.award(catalogue.PROVINCE_FLAG)

    response = client.post(url(world, "ballot_open"), {"award_type": award.pk, "mode": "paper"})

    ballot = Ballot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "ballot_detail", ballot.pk)
    assert (ballot.award_type, ballot.mode, ballot.round) == (award, "paper", 1)


def test_opening_a_round_twice_goes_back_to_the_meeting_with_the_reason(client, world):
    as_(client, world, "secretariat")
    open_round(world, "paper", catalogue.PROVINCE_FLAG)
    award = world.award(catalogue.PROVINCE_FLAG)

    response = client.post(
        url(world, "ballot_open"), {"award_type": award.pk, "mode": "paper"}, follow=True
    )

    assert "đã có vòng 1" in response.content.decode()
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_secretariat_opens_a_round(client, world, persona):
    as_(client, world, persona)
    award = world.award(catalogue.PROVINCE_FLAG)

    response = client.post(url(world, "ballot_open"), {"award_type": award.pk, "mode": "paper"})

    expected = {
        "anonymous": 302,
        "outsider": 404,
        "secretariat": 302,
        "secretariat_officer": 302,
    }.get(persona, 403)
    assert response.status_code == expected
    assert Ballot.objects.exists() == (persona in MANAGERS)


def test_opening_needs_a_post(client, world):
    as_(client, world, "secretariat")

    assert client.get(url(world, "ballot_open")).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_reader_sees_the_ballot_page(client, world, persona):
    ballot = open_round(world)
    as_(client, world, persona)

    response = client.get(url(world, "ballot_detail", ballot.pk))

    expected = 200 if persona in READERS else {"anonymous": 302, "outsider": 404}[persona]
    assert response.status_code == expected


def test_a_ballot_of_another_meeting_is_not_found(client, world):
    ballot = open_round(world)
    as_(client, world, "secretariat")

    response = client.get(
        reverse(
            "awards:ballot_detail",
            args=[world.term.bloc.code, world.term.year, "semiannual", ballot.pk],
        )
    )

    assert response.status_code == 404


def count_data(world, **changes):
    data = {"issued": 11, "returned": 11, "valid": 11, "invalid": 0}
    data.update({f"votes_{world.a.pk}": 7, f"votes_{world.b.pk}": 3})
    data.update(changes)
    return data


def test_the_paper_count_is_entered_and_the_results_show(client, world):
    ballot = open_round(world, "paper")
    as_(client, world, "secretariat")

    response = client.post(url(world, "ballot_detail", ballot.pk), count_data(world))

    assert response.status_code == 302
    ballot.refresh_from_db()
    assert ballot.is_closed and ballot.valid == 11
    page = client.get(url(world, "ballot_detail", ballot.pk)).content.decode()
    assert "<td>Trúng cử</td>" in page and "63,6%" in page


def test_an_impossible_paper_count_keeps_what_was_typed_and_lists_every_reason(client, world):
    ballot = open_round(world, "paper")
    as_(client, world, "secretariat")

    response = client.post(
        url(world, "ballot_detail", ballot.pk), count_data(world, returned=12, valid=13)
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Số phiếu thu về (12) lớn hơn số phiếu phát ra (11)" in page
    assert "Số phiếu hợp lệ (13) lớn hơn số phiếu thu về (12)" in page
    assert 'value="13"' in page
    ballot.refresh_from_db()
    assert not ballot.is_closed


@pytest.mark.parametrize("persona", sorted(READERS - MANAGERS))
def test_only_the_secretariat_enters_the_count(client, world, persona):
    ballot = open_round(world, "paper")
    as_(client, world, persona)

    response = client.post(url(world, "ballot_detail", ballot.pk), count_data(world))

    assert response.status_code == 403
    ballot.refresh_from_db()
    assert not ballot.is_closed


def test_a_present_agency_votes_on_its_phone_once(client, world):
    ballot = open_round(world, code=catalogue.PROVINCE_FLAG)
    as_(client, world, "member_head")
    vote_url = url(world, "ballot_vote", ballot.pk)

    page = client.get(vote_url).content.decode()
    assert 'type="radio"' in page and world.a.name in page

    response = client.post(vote_url, {"choices": str(world.a.pk)})
    assert response.status_code == 302
    assert BallotReceipt.objects.filter(ballot=ballot, agency=world.d).exists()
    after = client.get(vote_url).content.decode()
    assert "Đơn vị đã bỏ phiếu" in after
    assert world.a.name not in after

    again = client.post(vote_url, {"choices": str(world.b.pk)}, follow=True)
    assert "Đơn vị đã bỏ phiếu" in again.content.decode()
    ballot.refresh_from_db()
    assert ballot.returned == 1


def test_several_seats_show_checkboxes_and_refuse_too_many(client, world):
    ballot = open_round(world)
    Ballot.objects.filter(pk=ballot.pk).update(seats=1)
    ballot = open_round(world, code=catalogue.EXCELLENT_COLLECTIVE)
    as_(client, world, "member_head")
    vote_url = url(world, "ballot_vote", ballot.pk)

    assert 'type="checkbox"' in client.get(vote_url).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_people_of_present_agencies_vote(client, world, persona):
    ballot = open_round(world)
    as_(client, world, persona)

    response = client.get(url(world, "ballot_vote", ballot.pk))

    expected = {"anonymous": 302, "outsider": 404, "board": 403}.get(persona, 200)
    assert response.status_code == expected


@pytest.mark.parametrize("choice", ["not-a-number", "999999"])
def test_a_vote_for_no_agency_on_the_ballot_is_refused_and_counts_nothing(client, world, choice):
    ballot = open_round(world)
    as_(client, world, "member_head")

    response = client.post(url(world, "ballot_vote", ballot.pk), {"choices": choice})

    assert response.status_code == 400
    assert not BallotReceipt.objects.exists()
    ballot.refresh_from_db()
    assert (ballot.returned, ballot.valid, ballot.invalid) == (0, 0, 0)


def test_a_member_absent_from_the_meeting_may_not_vote(client, world):
    ballot = open_round(world)
    absent_user = UserFactory()
    give_role(absent_user, world.agencies[-1], AgencyRole.Role.HEAD)
    client.force_login(absent_user)

    assert client.get(url(world, "ballot_vote", ballot.pk)).status_code == 403
    response = client.post(url(world, "ballot_vote", ballot.pk), {"choices": [world.a.pk]})
    assert response.status_code == 403
    assert not BallotReceipt.objects.exists()


def test_results_stay_hidden_until_the_chair_closes_the_round(client, world):
    ballot = open_round(world)
    for agency in world.agencies[2:9]:
        ballots.cast_vote(ballot=ballot, agency=agency, choices=[world.a.pk], by=None)
    as_(client, world, "secretariat")

    page = client.get(url(world, "ballot_detail", ballot.pk)).content.decode()
    book = load_workbook(io.BytesIO(client.get(url(world, "results_xlsx")).content))

    assert "7/11 đơn vị đã bỏ phiếu" in page
    assert "<td>Trúng cử</td>" not in page and "63,6" not in page
    assert book.active.max_row == 1

    response = client.post(url(world, "ballot_close", ballot.pk))
    assert response.status_code == 302
    page = client.get(url(world, "ballot_detail", ballot.pk)).content.decode()
    assert "<td>Trúng cử</td>" in page and "63,6%" in page
    rows = list(
        load_workbook(io.BytesIO(client.get(url(world, "results_xlsx")).content)).active.values
    )
    assert rows[1][10] == world.a.name and rows[1][11] == 7 and rows[1][12] == "Trúng cử"


@pytest.mark.parametrize("persona", sorted(READERS - MANAGERS))
def test_only_the_secretariat_closes_a_round(client, world, persona):
    ballot = open_round(world)
    as_(client, world, persona)

    assert client.post(url(world, "ballot_close", ballot.pk)).status_code == 403
    ballot.refresh_from_db()
    assert not ballot.is_closed


def test_closing_needs_a_post(client, world):
    ballot = open_round(world)
    as_(client, world, "secretariat")

    assert client.get(url(world, "ballot_close", ballot.pk)).status_code == 405
    assert client.get(url(world, "ballot_second_round", ballot.pk)).status_code == 405


def test_a_second_round_is_proposed_and_opened_from_the_page(client, world):
    set_rule(
        world,
        catalogue.PROVINCE_FLAG,
        vote_base="all",
        min_vote_share=Decimal("0.667"),
        vote_strict=False,
    )
    ballot = open_round(world, "paper", catalogue.PROVINCE_FLAG)
    ballots.record_paper_count(
        ballot=ballot,
        issued=11,
        returned=11,
        valid=11,
        invalid=0,
        votes={world.a.pk: 7},
        by=world.secretariat,
    )
    as_(client, world, "secretariat")

    page = client.get(url(world, "ballot_detail", ballot.pk)).content.decode()
    assert "Không đạt tỷ lệ phiếu" in page and "Mở bỏ phiếu lại" in page

    response = client.post(url(world, "ballot_second_round", ballot.pk), {"mode": "online"})

    second = Ballot.objects.get(round=2)
    assert response["Location"] == url(world, "ballot_detail", second.pk)
    assert second.seats == 1 and second.mode == "online"


def test_a_held_agency_is_shown_as_not_considered_with_why(client, world):
    from awards.models import EligibilityHold

    EligibilityHold.objects.create(
        agency=world.a,
        reason=EligibilityHold.Reason.DISCIPLINE,
        details="Kết luận thanh tra số 12",
        starts_on="2020-01-01",
    )
    ballot = open_round(world, "paper", catalogue.PROVINCE_FLAG)
    as_(client, world, "member_head")

    page = client.get(url(world, "ballot_detail", ballot.pk)).content.decode()

    assert list(ballot.candidates.values_list("agency_id", flat=True)) == [world.b.pk]
    assert "Chưa xét: Đang xem xét kỷ luật: Kết luận thanh tra số 12" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_reader_downloads_the_results(client, world, persona):
    as_(client, world, persona)

    response = client.get(url(world, "results_xlsx"))

    expected = 200 if persona in READERS else {"anonymous": 302, "outsider": 404}[persona]
    assert response.status_code == expected


@pytest.mark.parametrize("mode", ["paper", "online"])
def test_the_ballot_page_reads_in_constant_queries(
    client, council, mode, django_assert_max_num_queries
):
    counts = []
    for members in (4, 24):
        world = build_meeting_world(council, members=members)
        set_rule(world, catalogue.EXCELLENT_COLLECTIVE, min_band="")
        ballot = ballots.open_ballot(
            meeting=world.meeting,
            award_type=world.award(catalogue.EXCELLENT_COLLECTIVE),
            mode=mode,
            by=world.secretariat,
        )
        assert ballot.candidates.count() == members
        if mode == "paper":
            present = members - 1
            ballots.record_paper_count(
                ballot=ballot,
                issued=present,
                returned=present,
                valid=present,
                invalid=0,
                votes={c.agency_id: present for c in ballot.candidates.all()},
                by=world.secretariat,
            )
        client.force_login(world.secretariat)
        # The whole page, session and menu included, for any number of candidates: the open
        # online round reads who is present and who has voted besides (one query for both).
        with django_assert_max_num_queries({"paper": 15, "online": 16}[mode]) as ctx:
            response = client.get(url(world, "ballot_detail", ballot.pk))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_a_person_of_two_present_agencies_votes_for_each_in_turn(client, world):
    ballot = open_round(world, code=catalogue.PROVINCE_FLAG)
    person = UserFactory()
    first, second = world.agencies[3], world.agencies[4]
    give_role(person, first, AgencyRole.Role.HEAD)
    give_role(person, second, AgencyRole.Role.HEAD)
    client.force_login(person)
    vote_url = url(world, "ballot_vote", ballot.pk)
    voted = []
    for _ in range(2):
        page = client.get(vote_url).content.decode()
        voting_for = first if first.name in page.split("Đơn vị bỏ phiếu")[1][:300] else second
        assert client.post(vote_url, {"choices": str(world.a.pk)}).status_code == 302
        voted.append(voting_for)
    assert set(voted) == {first, second}
    assert set(BallotReceipt.objects.filter(ballot=ballot).values_list("agency", flat=True)) == {
        first.pk,
        second.pk,
    }
    again = client.post(vote_url, {"choices": str(world.a.pk)}, follow=True)
    assert "Đơn vị đã bỏ phiếu" in again.content.decode()
    assert BallotReceipt.objects.filter(ballot=ballot).count() == 2
