"""Cross-check rules over plain ids: self-review, one reviewer per agency, reciprocity."""

from hypothesis import given
from hypothesis import strategies as st

from campaigns import crosscheck


@given(n=st.integers(min_value=2, max_value=30), shift=st.integers(min_value=-40, max_value=40))
def test_rotation_is_balanced_and_valid_for_any_shift(n, shift):
    members = list(range(100, 100 + n))
    pairs = crosscheck.rotation(members, shift=shift)
    assert sorted(a for a, _ in pairs) == members
    assert sorted(b for _, b in pairs) == members
    assert crosscheck.check_assignment(members, pairs) == []


@given(
    n=st.integers(min_value=4, max_value=14),
    pairs=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=20),
)
def test_accepted_assignments_never_hold_a_reciprocal_pair_from_four_members(n, pairs):
    members = list(range(n))
    if crosscheck.check_assignment(members, pairs) == []:
        assert all(a != b for a, b in pairs)
        assert not any((b, a) in pairs for a, b in pairs)
        reviewed = [b for _, b in pairs]
        assert len(reviewed) == len(set(reviewed))


def test_reciprocal_pair_refused_from_four_members_allowed_below():
    assert crosscheck.check_assignment([1, 2, 3], [(1, 2), (2, 1)]) == []
    errors = crosscheck.check_assignment([1, 2, 3, 4], [(1, 2), (2, 1)], names={1: "A", 2: "B"})
    assert len(errors) == 1 and "lẫn nhau" in errors[0]


def test_outsiders_and_double_reviews_are_refused():
    assert crosscheck.check_assignment([1, 2, 3, 4], [(1, 9)]) == [
        "Chỉ phân công giữa các đơn vị thành viên của khối."
    ]
    errors = crosscheck.check_assignment([1, 2, 3, 4], [(1, 3), (2, 3)])
    assert "mỗi đơn vị chỉ do một đơn vị chấm" in errors[0]
