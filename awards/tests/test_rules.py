"""The meeting's pure rules with the issue's numbers: shares, quorum, threshold, quota, counts,
winners, ties and the second round, candidate lists and nomination lists."""

from decimal import Decimal
from fractions import Fraction

import pytest

from awards.rules import (
    ALL,
    BELOW_THRESHOLD,
    ELECTED,
    NOT_ELIGIBLE,
    OUT_OF_SEATS,
    PRESENT,
    TIED,
    WOMEN_PREFERRED,
    Candidate,
    RankedMember,
    candidate_list,
    check_nominations,
    decide,
    meets_threshold,
    quorum_met,
    quorum_needed,
    quota,
    share,
    share_label,
    validate_counts,
    vote_base,
    votes_needed,
)

BANDS = ["xuat_sac", "tot", "kha", "trung_binh"]

# --- Shares --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,exact",
    [
        (Decimal("0.667"), Fraction(2, 3)),
        (Decimal("0.333"), Fraction(1, 3)),
        ("0.2", Fraction(1, 5)),
        ("0.5", Fraction(1, 2)),
        ("2/3", Fraction(2, 3)),
        (" 1 / 5 ", Fraction(1, 5)),
        (Fraction(3, 4), Fraction(3, 4)),
        (1, Fraction(1)),
        (Decimal("0"), Fraction(0)),
    ],
)
def test_a_stored_share_stands_for_its_simplest_fraction(typed, exact):
    assert share(typed) == exact


@pytest.mark.parametrize(
    "typed",
    ["abc", "1/0", "2/x", "1.5", "-0.1", "3/2", None, "Infinity", "-inf", "NaN", "1e999999999"],
)
def test_a_share_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        share(typed)


def test_a_share_far_below_its_precision_is_nothing():
    assert share("1e-999999999") == 0


@pytest.mark.parametrize(
    "typed,label",
    [(Decimal("0.667"), "2/3"), ("0.2", "20%"), ("0.5", "50%"), ("1", "100%"), ("1/3", "1/3")],
)
def test_a_share_is_labelled_as_people_write_it(typed, label):
    assert share_label(typed) == label


# --- Quorum --------------------------------------------------------------------------------------


def test_seven_of_twelve_do_not_meet_a_two_thirds_quorum():
    assert not quorum_met(present=7, members=12, quorum=Decimal("0.667"))


def test_eight_of_twelve_meet_a_two_thirds_quorum_stored_as_0_667():
    # 8/12 = 0.6666…, below 0.667 as a plain decimal, but 0.667 stands for two thirds.
    assert quorum_met(present=8, members=12, quorum=Decimal("0.667"))


def test_a_meeting_of_no_members_never_meets_its_quorum():
    assert not quorum_met(present=0, members=0, quorum=Decimal("0.5"))


def test_the_fewest_present_for_two_thirds_of_twelve_is_eight():
    assert quorum_needed(members=12, quorum=Decimal("0.667")) == 8
    assert quorum_needed(members=11, quorum=Decimal("0.5")) == 6


# --- Vote threshold ------------------------------------------------------------------------------


def test_the_base_is_those_present_or_all_members():
    assert vote_base(base=PRESENT, present=11, members=12) == 11
    assert vote_base(base=ALL, present=11, members=12) == 12


@pytest.mark.parametrize("votes,wins", [(7, True), (6, True), (5, False)])
def test_over_half_of_eleven_present(votes, wins):
    # 7/11 = 63,6 %, 6/11 = 54,5 % (> 50 %), 5/11 = 45,5 %.
    base = vote_base(base=PRESENT, present=11, members=12)
    assert meets_threshold(votes=votes, base_count=base, min_share="0.5", strict=True) is wins


def test_over_half_of_eleven_needs_six_votes():
    assert votes_needed(base_count=11, min_share="0.5", strict=True) == 6


def test_exactly_half_is_not_over_half():
    assert not meets_threshold(votes=6, base_count=12, min_share="0.5", strict=True)
    assert meets_threshold(votes=6, base_count=12, min_share="0.5", strict=False)
    assert votes_needed(base_count=12, min_share="0.5", strict=True) == 7
    assert votes_needed(base_count=12, min_share="0.5", strict=False) == 6


@pytest.mark.parametrize("votes,wins", [(8, True), (7, False)])
def test_at_least_two_thirds_of_all_twelve_members(votes, wins):
    base = vote_base(base=ALL, present=11, members=12)
    assert (
        meets_threshold(votes=votes, base_count=base, min_share=Decimal("0.667"), strict=False)
        is wins
    )


def test_at_least_two_thirds_of_twelve_needs_eight_votes():
    assert votes_needed(base_count=12, min_share=Decimal("0.667"), strict=False) == 8


def test_no_base_passes_nobody():
    assert not meets_threshold(votes=0, base_count=0, min_share="0", strict=False)


# --- Quota ---------------------------------------------------------------------------------------


def test_twenty_percent_of_twelve_is_two():
    assert quota(members=12, max_share=Decimal("0.2")) == 2


def test_twenty_percent_of_four_is_still_one():
    assert quota(members=4, max_share=Decimal("0.2")) == 1


def test_the_smaller_of_count_and_share_applies():
    assert quota(members=12, max_count=1, max_share=Decimal("0.2")) == 1
    assert quota(members=30, max_count=3, max_share=Decimal("0.2")) == 3


def test_without_limits_every_member_may_be_nominated():
    assert quota(members=12) == 12


# --- Paper counts --------------------------------------------------------------------------------


def count(**change):
    values = {
        "issued": 11,
        "returned": 11,
        "valid": 10,
        "invalid": 1,
        "votes": {"A": 7, "B": 3},
        "seats": 1,
        "voters": 11,
    }
    values.update(change)
    return values


def test_a_possible_count_is_accepted():
    assert validate_counts(**count()) == []
    assert validate_counts(**count(votes={"A": 10, "B": 10}, seats=2)) == []


@pytest.mark.parametrize(
    "change,code,numbers",
    [
        ({"returned": 12, "valid": 11, "voters": 12}, "returned_over_issued", ["12", "11"]),
        ({"valid": 12, "invalid": 0, "returned": 11}, "valid_over_returned", ["12", "11"]),
        ({"votes": {"A": 11, "B": 0}}, "candidate_over_valid", ["A", "11", "10"]),
        ({"votes": {"A": 8, "B": 7}}, "sum_over_capacity", ["15", "10", "1"]),
        ({"invalid": 0}, "valid_invalid_sum", ["10", "0", "11"]),
        ({"issued": 12, "voters": 11}, "issued_over_voters", ["12", "11"]),
        ({"invalid": -1, "valid": 12}, "negative", []),
    ],
)
def test_an_impossible_count_is_refused_with_its_numbers(change, code, numbers):
    errors = validate_counts(**count(**change))
    assert code in [e.code for e in errors]
    (error,) = [e for e in errors if e.code == code]
    for n in numbers:
        assert n in str(error)


def test_each_impossible_count_names_only_its_own_reason():
    errors = validate_counts(**count(returned=12, valid=11, invalid=1, voters=11, issued=11))
    assert sorted(e.code for e in errors) == ["returned_over_issued"]
    error = errors[0]
    assert error.params == {"returned": 12, "issued": 11}
    assert "Số phiếu thu về (12) lớn hơn số phiếu phát ra (11)" in str(error)


def test_without_voters_the_issued_ballots_are_not_checked_against_them():
    assert validate_counts(**count(issued=20, returned=11, voters=None)) == []


# --- Winners -------------------------------------------------------------------------------------


def test_seven_of_eleven_present_wins_over_half():
    out = decide(
        [Candidate(1, 7), Candidate(2, 4)], seats=1, base_count=11, min_share="0.5", strict=True
    )
    assert out.elected == (1,)
    assert out.outcomes == {1: ELECTED, 2: BELOW_THRESHOLD}
    assert not out.needs_second_round


def test_seven_votes_miss_two_thirds_of_all_members_and_a_second_round_is_proposed():
    out = decide(
        [Candidate(1, 7), Candidate(2, 4), Candidate(3, 0, eligible=False)],
        seats=1,
        base_count=12,
        min_share=Decimal("0.667"),
        strict=False,
    )
    assert out.elected == ()
    assert out.outcomes == {1: BELOW_THRESHOLD, 2: BELOW_THRESHOLD, 3: NOT_ELIGIBLE}
    assert out.open_seats == 1
    # Every eligible candidate not elected stands again, most votes first; never a held one.
    assert out.second_round == (1, 2)
    assert out.second_round_seats == 1
    assert out.needs_second_round


def test_eight_votes_win_two_thirds_of_all_members():
    out = decide(
        [Candidate(1, 8), Candidate(2, 3)],
        seats=1,
        base_count=12,
        min_share=Decimal("0.667"),
        strict=False,
    )
    assert out.elected == (1,)
    assert out.second_round == ()


def test_a_tie_on_the_last_seat_goes_to_a_second_round_among_the_tied():
    out = decide(
        [Candidate(1, 9), Candidate(2, 7), Candidate(3, 7), Candidate(4, 2)],
        seats=2,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == (1,)
    assert out.tied == (2, 3)
    assert out.outcomes == {1: ELECTED, 2: TIED, 3: TIED, 4: BELOW_THRESHOLD}
    assert out.open_seats == 1
    assert (out.second_round, out.second_round_seats) == ((2, 3), 1)


def test_the_women_preference_decides_a_tie_when_it_separates_it():
    out = decide(
        [
            Candidate(1, 9),
            Candidate(2, 7, women_share=Decimal("65")),
            Candidate(3, 7, women_share=Decimal("72.5")),
            Candidate(4, 2),
        ],
        seats=2,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == (1, 3)
    assert out.outcomes == {1: ELECTED, 2: OUT_OF_SEATS, 3: WOMEN_PREFERRED, 4: BELOW_THRESHOLD}
    assert out.tied == ()
    assert not out.needs_second_round


def test_exactly_seventy_percent_women_is_preferred():
    out = decide(
        [Candidate(1, 7, women_share=Decimal("70")), Candidate(2, 7)],
        seats=1,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == (1,)
    assert out.outcomes[1] == WOMEN_PREFERRED


def test_the_women_preference_does_not_decide_when_both_qualify():
    out = decide(
        [
            Candidate(1, 7, women_share=Decimal("80")),
            Candidate(2, 7, women_share=Decimal("75")),
        ],
        seats=1,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == ()
    assert (out.tied, out.second_round, out.second_round_seats) == ((1, 2), (1, 2), 1)


def test_a_held_agency_with_the_most_votes_does_not_win():
    out = decide(
        [Candidate(1, 10, eligible=False), Candidate(2, 7)],
        seats=1,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == (2,)
    assert out.outcomes[1] == NOT_ELIGIBLE


def test_more_passing_than_seats_leaves_the_rest_out_of_seats():
    out = decide(
        [Candidate(1, 10), Candidate(2, 9), Candidate(3, 8)],
        seats=2,
        base_count=11,
        min_share="0.5",
        strict=True,
    )
    assert out.elected == (1, 2)
    assert out.outcomes[3] == OUT_OF_SEATS
    assert out.open_seats == 0


# --- Candidate list ------------------------------------------------------------------------------


def ranking(*rows):
    return [RankedMember(agency_id=i, rank=r, band=b, held=h) for i, r, b, h in rows]


def test_held_below_band_and_missing_prerequisite_are_left_out_with_why():
    rows = ranking(
        (1, 1, "xuat_sac", True),
        (2, 2, "xuat_sac", False),
        (3, 3, "tot", False),
        (4, 4, "kha", False),
        (5, 5, "", False),
    )
    ids, left_out = candidate_list(rows, quota_count=10, bands_order=BANDS, min_band="tot")
    assert ids == [2, 3]
    assert left_out == {1: "held", 4: "band", 5: "band"}


def test_only_the_flag_nominee_may_stand_for_the_government_flag():
    # Luật Thi đua, khen thưởng 2022, Điều 25.
    rows = ranking((1, 1, "xuat_sac", False), (2, 2, "xuat_sac", False))
    ids, left_out = candidate_list(rows, quota_count=1, bands_order=BANDS, required_ids={2})
    assert ids == [2]
    assert left_out == {1: "prerequisite"}


def test_the_list_is_cut_at_the_quota_keeping_those_sharing_the_last_rank():
    rows = ranking(
        (1, 1, "xuat_sac", False),
        (2, 2, "xuat_sac", False),
        (3, 2, "xuat_sac", False),
        (4, 4, "tot", False),
    )
    ids, left_out = candidate_list(rows, quota_count=2, bands_order=BANDS)
    assert ids == [1, 2, 3]
    assert left_out == {}
    ids, _left = candidate_list(rows, quota_count=1, bands_order=BANDS)
    assert ids == [1]


def test_the_list_follows_the_rank_whatever_the_input_order():
    rows = ranking((3, 3, "tot", False), (1, 1, "tot", False), (2, 2, "tot", False))
    assert candidate_list(rows, quota_count=5, bands_order=BANDS)[0] == [1, 2, 3]


# --- Nominations ---------------------------------------------------------------------------------


def test_a_list_within_the_rules_has_no_problem():
    assert check_nominations([1, 2], quota_count=2, eligible_ids={1, 2, 3}) == []


def test_a_list_over_the_quota_is_refused_with_its_numbers():
    (problem,) = check_nominations([1, 2, 3], quota_count=2, eligible_ids={1, 2, 3})
    assert (problem.code, problem.params) == ("over_quota", {"count": 3, "quota": 2})


def test_a_duplicate_nominee_is_refused():
    problems = check_nominations([1, 1], quota_count=2, eligible_ids={1})
    assert [p.code for p in problems] == ["duplicate"]


def test_an_agency_that_may_not_stand_is_refused():
    (problem,) = check_nominations([1, 4], quota_count=2, eligible_ids={1, 2})
    assert (problem.code, problem.params) == ("not_eligible", {"ids": (4,)})


def test_a_nominee_lacking_the_prerequisite_is_refused():
    (problem,) = check_nominations([1], quota_count=1, eligible_ids={1, 2}, required_ids={2})
    assert (problem.code, problem.params) == ("prerequisite", {"ids": (1,)})
