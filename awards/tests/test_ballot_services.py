"""Opening, counting, voting and closing the secret ballots; second rounds; the flag chain."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from awards import rules as award_rules
from awards import selectors
from awards.models import Ballot, BallotCandidate, BallotReceipt, EligibilityHold
from awards.services import ballots, catalogue, nominations
from awards.tests.test_ballot_setup import build_meeting_world, set_rule
from blocs.models import Agency, AgencyRole, Notification
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(council):
    return build_meeting_world(council)


def paper(world, code=catalogue.PROVINCE_FLAG):
    return ballots.open_ballot(
        meeting=world.meeting, award_type=world.award(code), mode="paper", by=world.secretariat
    )


def count(ballot, world, votes, *, issued=11, returned=11, valid=11, invalid=0):
    return ballots.record_paper_count(
        ballot=ballot,
        issued=issued,
        returned=returned,
        valid=valid,
        invalid=invalid,
        votes=votes,
        by=world.secretariat,
    )


def test_round_one_lists_the_final_ranking_in_rank_order_up_to_the_quota(world):
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")

    ballot = paper(world, catalogue.PROVINCE_MERIT)

    rows = list(ballot.candidates.order_by("position"))
    assert [(c.agency_id, c.rank, c.position) for c in rows] == [
        (world.agencies[0].pk, 1, 1),
        (world.agencies[1].pk, 2, 2),
    ]
    assert ballot.seats == 2 and ballot.voters == 11


def test_seven_of_eleven_present_win_over_half_of_those_present(world):
    ballot = paper(world)
    a = world.agencies[0]

    count(ballot, world, {a.pk: 7})

    ballot.refresh_from_db()
    assert ballot.is_closed
    assert BallotCandidate.objects.get(ballot=ballot).outcome == award_rules.ELECTED
    assert ballots.outcome(ballot).elected == (a.pk,)
    assert round(7 / 11 * 100, 1) == 63.6


def test_seven_votes_miss_two_thirds_of_all_members_and_a_second_round_is_proposed(world):
    set_rule(
        world,
        catalogue.PROVINCE_FLAG,
        vote_base="all",
        min_vote_share=Decimal("0.667"),
        vote_strict=False,
    )
    ballot = paper(world)
    a = world.agencies[0]

    ballot = count(ballot, world, {a.pk: 7})

    result = ballots.outcome(ballot)
    assert result.elected == ()
    assert BallotCandidate.objects.get(ballot=ballot).outcome == award_rules.BELOW_THRESHOLD
    assert result.second_round == (a.pk,) and result.second_round_seats == 1
    assert ballots.threshold(ballot)["needed"] == 8

    second = ballots.open_second_round(ballot=ballot, mode="online", by=world.secretariat)

    assert second.round == 2 and second.seats == 1
    assert list(second.candidates.values_list("agency_id", "rank")) == [(a.pk, 1)]


def test_a_second_round_one_for_the_same_award_is_refused(world):
    paper(world)

    with pytest.raises(ValidationError, match="đã có vòng 1"):
        paper(world)


@pytest.mark.parametrize(
    ("counts", "votes", "reason"),
    [
        ({"issued": 11, "returned": 12, "valid": 11, "invalid": 1}, 5, "thu về (12) lớn hơn"),
        ({"issued": 11, "returned": 10, "valid": 11, "invalid": 0}, 5, "hợp lệ (11) lớn hơn"),
        ({"issued": 11, "returned": 11, "valid": 6, "invalid": 5}, 7, "có 7 phiếu, nhiều hơn"),
        ({"issued": 12, "returned": 11, "valid": 11, "invalid": 0}, 5, "lớn hơn số đơn vị có mặt"),
    ],
)
def test_an_impossible_paper_count_is_refused_with_its_reason_and_nothing_saved(
    world, counts, votes, reason
):
    ballot = paper(world)

    with pytest.raises(ValidationError) as caught:
        count(ballot, world, {world.agencies[0].pk: votes}, **counts)

    assert any(reason in m for m in caught.value.messages)
    ballot.refresh_from_db()
    assert not ballot.is_closed and ballot.issued is None
    assert BallotCandidate.objects.get(ballot=ballot).votes == 0


def test_votes_over_valid_times_seats_are_refused(world):
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    ballot = paper(world, catalogue.PROVINCE_MERIT)
    a, b = world.agencies[:2]

    with pytest.raises(ValidationError) as caught:
        count(ballot, world, {a.pk: 5, b.pk: 5}, valid=4, invalid=7)

    assert any(
        "lớn hơn số phiếu hợp lệ nhân số suất (4 × 2 = 8)" in m for m in caught.value.messages
    )


def test_every_reason_is_given_at_once(world):
    ballot = paper(world)

    with pytest.raises(ValidationError) as caught:
        count(ballot, world, {world.agencies[0].pk: 9}, issued=11, returned=12, valid=8, invalid=0)

    assert len(caught.value.messages) >= 3


def online(world, code=catalogue.PROVINCE_MERIT):
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    return ballots.open_ballot(
        meeting=world.meeting, award_type=world.award(code), mode="online", by=world.secretariat
    )


def test_online_votes_count_returned_valid_and_blank_without_a_trace_of_the_choice(world):
    ballot = online(world)
    a, b = world.agencies[:2]

    ballots.cast_vote(ballot=ballot, agency=world.c, choices=[a.pk], by=world.deputy)
    ballots.cast_vote(ballot=ballot, agency=world.d, choices=[a.pk, b.pk], by=world.member_head)
    ballots.cast_vote(ballot=ballot, agency=world.a, choices=[], by=world.last_year_leader)

    ballot.refresh_from_db()
    assert (ballot.issued, ballot.returned, ballot.valid, ballot.invalid) == (11, 3, 2, 1)
    votes = dict(ballot.candidates.values_list("agency_id", "votes"))
    assert votes == {a.pk: 2, b.pk: 1}
    assert set(BallotReceipt.objects.values_list("agency_id", flat=True)) == {
        world.a.pk,
        world.c.pk,
        world.d.pk,
    }


def test_a_second_vote_by_the_same_agency_is_refused(world):
    ballot = online(world)
    ballots.cast_vote(ballot=ballot, agency=world.c, choices=[world.a.pk], by=world.deputy)

    with pytest.raises(ValidationError, match="Đơn vị đã bỏ phiếu"):
        ballots.cast_vote(ballot=ballot, agency=world.c, choices=[world.b.pk], by=world.deputy)

    assert sum(ballot.candidates.values_list("votes", flat=True)) == 1


def test_an_absent_agency_too_many_choices_or_a_stranger_are_refused(world):
    ballot = online(world)
    absent = world.agencies[-1]
    a, b, c = world.agencies[:3]

    with pytest.raises(ValidationError, match="không có mặt"):
        ballots.cast_vote(ballot=ballot, agency=absent, choices=[a.pk], by=None)
    with pytest.raises(ValidationError, match="Chỉ chọn đơn vị có tên"):
        ballots.cast_vote(ballot=ballot, agency=world.d, choices=[c.pk], by=None)
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.1"))
    Ballot.objects.filter(pk=ballot.pk).update(seats=1)
    with pytest.raises(ValidationError, match="tối đa 1"):
        ballots.cast_vote(ballot=ballot, agency=world.d, choices=[a.pk, b.pk], by=None)
    assert not BallotReceipt.objects.exists()


def test_closing_an_online_round_decides_it(world):
    ballot = online(world)
    a = world.agencies[0]
    for agency in world.agencies[2:9]:
        ballots.cast_vote(ballot=ballot, agency=agency, choices=[a.pk], by=None)

    ballots.close_ballot(ballot=ballot, by=world.secretariat)

    ballot.refresh_from_db()
    assert ballot.is_closed and ballot.closed_by == world.secretariat
    outcomes = dict(ballot.candidates.values_list("agency_id", "outcome"))
    assert outcomes == {a.pk: award_rules.ELECTED, world.b.pk: award_rules.BELOW_THRESHOLD}
    with pytest.raises(ValidationError):
        ballots.cast_vote(ballot=ballot, agency=world.c, choices=[a.pk], by=None)


def tie_ballot(world):
    """Two seats (20 % of 12); A, B and C on the ballot, B and C tied on the last seat."""
    set_rule(world, catalogue.PROVINCE_MERIT, max_share=Decimal("0.2"), min_band="tot")
    ballot = paper(world, catalogue.PROVINCE_MERIT)
    # The candidate list stops at the quota; C joins as if it shared rank 2.
    BallotCandidate.objects.create(ballot=ballot, agency=world.c, position=3, rank=3)
    return count(ballot, world, {world.a.pk: 8, world.b.pk: 7, world.c.pk: 7})


def test_a_tie_on_the_last_seat_goes_to_the_collective_with_seventy_percent_women(world):
    Agency.objects.filter(pk=world.c.pk).update(women_share=Decimal("72.5"))

    ballot = tie_ballot(world)

    outcomes = dict(ballot.candidates.values_list("agency_id", "outcome"))
    assert outcomes == {
        world.a.pk: award_rules.ELECTED,
        world.b.pk: award_rules.OUT_OF_SEATS,
        world.c.pk: award_rules.WOMEN_PREFERRED,
    }
    assert not ballots.outcome(ballot).needs_second_round


def test_a_tie_without_preference_proposes_a_second_round_of_the_tied(world):
    ballot = tie_ballot(world)

    result = ballots.outcome(ballot)
    assert result.elected == (world.a.pk,)
    assert result.tied == (world.b.pk, world.c.pk)
    second = ballots.open_second_round(ballot=ballot, mode="paper", by=world.secretariat)
    assert second.seats == 1
    assert list(second.candidates.values_list("agency_id", flat=True)) == [world.b.pk, world.c.pk]


def test_the_government_flag_goes_to_no_one_but_the_flag_nominee(world):
    gov = world.award(catalogue.GOV_FLAG)
    with pytest.raises(ValidationError, match="chưa đơn vị nào đủ điều kiện"):
        paper(world, catalogue.GOV_FLAG)
    flag = paper(world, catalogue.PROVINCE_FLAG)
    count(flag, world, {world.a.pk: 9})
    nominations.confirm_nominations(
        term=world.term, award_type=world.award(catalogue.PROVINCE_FLAG), by=world.secretariat
    )
    set_rule(world, catalogue.GOV_FLAG, max_count=3)

    ballot = paper(world, catalogue.GOV_FLAG)

    assert list(ballot.candidates.values_list("agency_id", flat=True)) == [world.a.pk]
    count(ballot, world, {world.a.pk: 9})
    with pytest.raises(ValidationError) as caught:
        nominations.save_nominations(
            term=world.term, award_type=gov, agency_ids=[world.b.pk], by=world.secretariat
        )
    assert any("chỉ xét đơn vị đã được đề nghị Cờ thi đua" in m for m in caught.value.messages)


def test_a_held_agency_is_ranked_but_no_candidate_and_the_reason_is_given(world):
    EligibilityHold.objects.create(
        agency=world.a,
        reason=EligibilityHold.Reason.INSPECTION,
        starts_on=datetime.date(2020, 1, 1),
    )
    rule = world.rule(catalogue.PROVINCE_FLAG)

    rows, left_out, state = ballots.candidates_for(world.meeting, rule, members=12)

    assert world.a.pk in [r.agency_id for r in state.rows]
    assert [r.agency_id for r in rows] == [world.b.pk]
    assert "Đang thanh tra" in ballots.left_out_reasons(left_out, state, rule)[world.a.pk]


def test_no_ballot_before_the_ranking_is_final(council):
    world = build_meeting_world(council, members=6, final=False)

    with pytest.raises(ValidationError, match="chưa chính thức"):
        paper(world)


def test_no_ballot_unless_the_meeting_is_voting(world):
    world.meeting.status = "planned"
    world.meeting.save()

    with pytest.raises(ValidationError, match="chưa mở bỏ phiếu"):
        paper(world)


def test_the_leading_awards_first_round_votes_feed_the_rankings_meeting_votes_tie_break(world):
    assert world.rule(catalogue.PROVINCE_FLAG).leading
    ballot = paper(world)

    count(ballot, world, {world.a.pk: 9})

    assert selectors.meeting_votes(world.period) == {world.a.pk: 9}


def test_opening_online_tells_present_agencies_and_closing_tells_every_member(world):
    absent_user = UserFactory()
    give_role(absent_user, world.agencies[-1], AgencyRole.Role.HEAD)

    ballot = online(world)

    opened = Notification.objects.filter(kind="awards.ballot_opened")
    assert opened.filter(user=world.member_head).exists()
    assert not opened.filter(user=absent_user).exists()
    assert not opened.filter(user=world.secretariat).exists()  # who opened it

    ballots.close_ballot(ballot=ballot, by=world.secretariat)

    results = Notification.objects.filter(kind="awards.ballot_results")
    assert results.filter(user=absent_user).exists() and results.filter(user=world.deputy).exists()


def test_an_awards_own_quorum_stricter_than_the_meetings_refuses_the_round(council):
    world = build_meeting_world(council, present=10)
    set_rule(world, catalogue.PROVINCE_MERIT, quorum=Decimal("0.9"))

    with pytest.raises(ValidationError) as refused:
        paper(world, catalogue.PROVINCE_MERIT)

    message = " ".join(refused.value.messages)
    assert "90%" in message and "(11/12)" in message and "hiện có 10" in message
    assert not Ballot.objects.filter(meeting=world.meeting).exists()
    # The meeting's own quorum (2/3) is enough for an award without one of its own.
    assert paper(world, catalogue.PROVINCE_FLAG).voters == 10
