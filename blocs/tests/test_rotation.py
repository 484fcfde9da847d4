"""The rotation of the lead: a pure rule over agency ids, no database."""

import pytest

from blocs.rotation import propose_leadership

ROTATION = [1, 2, 3, 4, 5, 6]


def propose(**kwargs):
    args = {"rotation": ROTATION, "members": ROTATION, "leader": 2, "deputy": 3}
    args.update(kwargs)
    return propose_leadership(**args)


def test_deputy_leads_and_the_next_in_rotation_is_deputy():
    assert propose() == (3, 4, "rotation")


def test_rotation_wraps_around_the_end():
    assert propose(leader=5, deputy=6) == (6, 1, "rotation")


def test_rotation_skips_agencies_that_are_no_longer_members():
    assert propose(members=[1, 2, 3, 5, 6]) == (3, 5, "rotation")


def test_a_deputy_who_left_hands_the_lead_to_the_next_after_the_leader():
    assert propose(members=[1, 2, 4, 5, 6]) == (4, 5, "rotation")


def test_election_wins_over_the_rotation():
    assert propose(election=(6, 1)) == (6, 1, "election")


@pytest.mark.parametrize("election", [(6, 9), (9, 1)])
def test_election_of_an_agency_that_left_falls_back_to_the_rotation(election):
    assert propose(election=election) == (3, 4, "rotation")


def test_members_missing_from_the_rotation_come_after_it():
    assert propose(rotation=[1, 2, 3], members=[1, 2, 3, 8, 7]) == (3, 7, "rotation")


def test_without_a_rotation_the_members_order_by_id():
    assert propose(rotation=[], members=[9, 4, 7], leader=None, deputy=4) == (4, 7, "rotation")


def test_a_single_member_leads_alone():
    assert propose(members=[2], leader=2, deputy=None) == (2, None, "rotation")


def test_no_members_no_proposal():
    assert propose(rotation=[], members=[], leader=None, deputy=None) == (None, None, "rotation")
