"""The nomination lists: prefilled from the elected, refused with the rule and its numbers,
confirmed by the secretariat, shown to members once confirmed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import rules as award_rules
from awards.models import Ballot, BallotCandidate, EligibilityHold, Nomination, NominationList
from awards.services import ballots, catalogue, nominations
from awards.tests.test_ballot_setup import build_meeting_world, set_rule
from blocs.models import Membership, Notification
from tests.factories import PERSONAS, AgencyFactory

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
MANAGERS = {"secretariat", "secretariat_officer"}
MERIT_NAME = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"


@pytest.fixture
def world(council):
    world = build_meeting_world(council)
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    return world


def elect(world, code=catalogue.PROVINCE_MERIT, votes=None):
    ballot = ballots.open_ballot(
        meeting=world.meeting, award_type=world.award(code), mode="paper", by=world.secretariat
    )
    ids = list(ballot.candidates.values_list("agency_id", flat=True))
    return ballots.record_paper_count(
        ballot=ballot,
        issued=11,
        returned=11,
        valid=11,
        invalid=0,
        votes=votes or dict.fromkeys(ids, 9),
        by=world.secretariat,
    )


def merit(world):
    return world.award(catalogue.PROVINCE_MERIT)


def test_the_list_is_prefilled_with_the_elected_in_order(world):
    elect(world)

    assert nominations.build_list(world.term, merit(world)) == [world.a.pk, world.b.pk]


def test_a_list_of_three_for_twenty_percent_of_twelve_is_refused_with_the_rule_and_two(world):
    elect(world)

    with pytest.raises(ValidationError) as caught:
        nominations.save_nominations(
            term=world.term,
            award_type=merit(world),
            agency_ids=[world.a.pk, world.b.pk, world.c.pk],
            by=world.secretariat,
        )

    assert (
        f"{MERIT_NAME}: tối đa 20% của 12 thành viên = 2 đơn vị; danh sách có 3."
        in caught.value.messages
    )
    assert f"{MERIT_NAME}: {world.c.name} không trúng cử." in caught.value.messages
    assert not NominationList.objects.exists()


def test_an_agency_held_on_the_meeting_day_is_refused_with_the_hold(world):
    elect(world)
    EligibilityHold.objects.create(
        agency=world.b,
        reason=EligibilityHold.Reason.COMPLAINT,
        starts_on=datetime.date(2020, 1, 1),
    )

    with pytest.raises(ValidationError) as caught:
        nominations.confirm_nominations(
            term=world.term, award_type=merit(world), by=world.secretariat
        )

    assert any(
        m.startswith(f"{MERIT_NAME}: {world.b.name} chưa xét: Có đơn thư khiếu nại")
        for m in caught.value.messages
    )


def test_confirming_saves_the_list_and_tells_the_members(world):
    elect(world)

    nomination_list = nominations.confirm_nominations(
        term=world.term, award_type=merit(world), by=world.secretariat
    )

    assert nomination_list.is_confirmed and nomination_list.confirmed_by == world.secretariat
    rows = list(Nomination.objects.values_list("agency_id", "position", "votes"))
    assert rows == [(world.a.pk, 1, 9), (world.b.pk, 2, 9)]
    assert Notification.objects.filter(kind="awards.nominations_confirmed").exists()
    with pytest.raises(ValidationError, match="đã chốt"):
        nominations.save_nominations(
            term=world.term, award_type=merit(world), agency_ids=[world.a.pk], by=world.secretariat
        )
    nominations.reopen_nominations(term=world.term, award_type=merit(world), by=world.secretariat)
    nominations.save_nominations(
        term=world.term, award_type=merit(world), agency_ids=[world.a.pk], by=world.secretariat
    )
    assert list(Nomination.objects.values_list("agency_id", flat=True)) == [world.a.pk]


def test_a_women_preferred_winner_is_elected_for_the_list(world):
    ballot = elect(world)
    BallotCandidate.objects.filter(ballot=ballot, agency=world.b).update(
        outcome=award_rules.WOMEN_PREFERRED
    )

    assert nominations.build_list(world.term, merit(world)) == [world.a.pk, world.b.pk]


def page_url(world):
    return reverse("awards:nominations", args=[world.term.bloc.code, world.term.year])


def login(client, world, persona):
    if world.personas[persona] is not None:
        client.force_login(world.personas[persona])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_reader_sees_the_nominations_page(client, world, persona):
    login(client, world, persona)

    response = client.get(page_url(world))

    expected = 200 if persona in READERS else {"anonymous": 302, "outsider": 404}[persona]
    assert response.status_code == expected


def post_data(world, agency_ids, action="save"):
    prefix = f"award{merit(world).pk}"
    return {
        "award_type": merit(world).pk,
        f"{prefix}-award_type": merit(world).pk,
        f"{prefix}-action": action,
        f"{prefix}-agencies": [str(i) for i in agency_ids],
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_secretariat_saves_a_list(client, world, persona):
    elect(world)
    login(client, world, persona)

    response = client.post(page_url(world), post_data(world, [world.a.pk], "confirm"))

    expected = {"anonymous": 302, "outsider": 404}.get(persona, 302 if persona in MANAGERS else 403)
    assert response.status_code == expected
    assert NominationList.objects.filter(status="confirmed").exists() == (persona in MANAGERS)


def test_the_page_refuses_an_over_quota_list_with_the_rule_and_keeps_the_ticks(client, world):
    ballot = elect(world)
    BallotCandidate.objects.create(
        ballot=ballot, agency=world.c, position=3, rank=3, votes=9, outcome=award_rules.ELECTED
    )
    login(client, world, "secretariat")

    response = client.post(page_url(world), post_data(world, [world.a.pk, world.b.pk, world.c.pk]))

    page = response.content.decode()
    assert response.status_code == 400
    assert "tối đa 20% của 12 thành viên = 2 đơn vị; danh sách có 3." in page
    assert page.count("checked") == 3
    assert not NominationList.objects.exists()


def test_members_see_a_list_only_once_confirmed_and_the_board_sees_drafts(client, world):
    elect(world)
    nominations.save_nominations(
        term=world.term, award_type=merit(world), agency_ids=[world.a.pk], by=world.secretariat
    )
    login(client, world, "member_head")
    assert world.a.name not in client.get(page_url(world)).content.decode()
    client.force_login(world.board)
    assert world.a.name in client.get(page_url(world)).content.decode()

    nominations.confirm_nominations(term=world.term, award_type=merit(world), by=world.secretariat)

    client.force_login(world.member_head)
    page = client.get(page_url(world)).content.decode()
    assert world.a.name in page and "Đã chốt" in page


def test_reopening_a_list_never_saved_is_refused_on_the_page(client, world):
    elect(world)
    login(client, world, "secretariat")

    response = client.post(page_url(world), post_data(world, [], "reopen"))

    assert response.status_code == 400
    assert "Danh sách này chưa được lập: không có gì để mở lại." in response.content.decode()
    assert not NominationList.objects.exists()


@pytest.mark.parametrize("award_type", ["", "abc", "999999"])
def test_a_list_posted_for_an_unknown_award_goes_back_with_the_reason(client, world, award_type):
    elect(world)
    login(client, world, "secretariat")
    data = post_data(world, [world.a.pk], "confirm")
    data["award_type"] = award_type

    response = client.post(page_url(world), data, follow=True)

    assert response.redirect_chain[-1] == (page_url(world), 302)
    assert "Không có hình thức khen thưởng này trong quy định năm." in response.content.decode()
    assert not NominationList.objects.exists()


def test_the_page_needs_get_or_post(client, world):
    login(client, world, "secretariat")

    assert client.put(page_url(world)).status_code == 405


def big_world(council, members):
    world = build_meeting_world(council, members=4)
    # build_bloc_world names agencies by letter; more members join the year here.
    extra = [AgencyFactory(council=council) for _i in range(members - 4)]
    Membership.objects.bulk_create(
        Membership(term=world.term, agency=a, joined_on=datetime.date(2026, 1, 1)) for a in extra
    )
    world.agencies += extra
    ballot = Ballot.objects.create(
        meeting=world.meeting,
        award_type=world.award(catalogue.EXCELLENT_COLLECTIVE),
        mode="paper",
        status="closed",
        seats=members,
        voters=members - 1,
        issued=members - 1,
        returned=members - 1,
        valid=members - 1,
        invalid=0,
    )
    BallotCandidate.objects.bulk_create(
        BallotCandidate(
            ballot=ballot, agency=a, position=i, rank=i, votes=members - 1, outcome="elected"
        )
        for i, a in enumerate(world.agencies, start=1)
    )
    nominations.save_nominations(
        term=world.term,
        award_type=world.award(catalogue.EXCELLENT_COLLECTIVE),
        agency_ids=[a.pk for a in world.agencies],
        by=world.secretariat,
    )
    return world


@pytest.mark.parametrize("members", [4, 40])
def test_the_nominations_page_makes_as_many_queries_at_4_and_40_agencies(
    client, council, members, django_assert_max_num_queries
):
    world = big_world(council, members)
    client.force_login(world.secretariat)

    with django_assert_max_num_queries(13):
        response = client.get(page_url(world))

    assert response.status_code == 200
    assert response.content.decode().count('type="checkbox"') >= members
