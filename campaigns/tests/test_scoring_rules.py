"""The pure rules of scoring: totals, caps, parent rows, steps and table checks (no database)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns import scoring
from campaigns.models import format_deadline
from campaigns.scoring import CriteriaTree, CriterionSpec, line_problem

D = Decimal


def compute_totals(criteria, values, **caps):
    return CriteriaTree(criteria, **caps).totals(values)


def table_problems(criteria, *, base_max):
    return CriteriaTree(criteria, base_max=base_max).problems()


def spec(id, parent, kind, max_points, code=""):
    return CriterionSpec(
        id=id, parent_id=parent, kind=kind, max_points=D(max_points), code=code or str(id)
    )


SCENARIO = [
    spec(1, None, "group", 0, "1"),
    spec(2, 1, "scored", 60, "1.1"),
    spec(3, 1, "scored", 40, "1.2"),
    spec(4, None, "group", 0, "2"),
    spec(5, 4, "bonus", 10, "2.1"),
    spec(6, 4, "bonus", 10, "2.2"),
    spec(7, None, "penalty", 5, "3"),
]


def test_member_claiming_98_base_14_bonus_and_3_penalty_gets_105():
    totals = compute_totals(
        SCENARIO,
        {2: D("60"), 3: D("38"), 5: D("8"), 6: D("6"), 7: D("3")},
        base_max=100,
        bonus_cap=10,
        penalty_cap=10,
    )
    assert (totals.base, totals.bonus_raw, totals.bonus, totals.penalty) == (98, 14, 10, 3)
    assert totals.total == D("105")
    assert totals.bonus_capped and not totals.base_capped


def test_values_given_for_a_group_row_are_ignored():
    totals = compute_totals(
        SCENARIO, {1: D("100"), 2: D("10")}, base_max=100, bonus_cap=10, penalty_cap=10
    )
    assert totals.group_sums[1] == D("10")
    assert totals.base == D("10")


# Trees of up to three levels with random kinds, maxima and caps.
points = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def tables(draw):
    criteria = []
    next_id = 1
    groups = []
    for _ in range(draw(st.integers(1, 4))):
        gid = next_id
        next_id += 1
        criteria.append(spec(gid, None, "group", 0))
        groups.append(gid)
        if draw(st.booleans()):
            sub = next_id
            next_id += 1
            criteria.append(spec(sub, gid, "group", 0))
            groups.append(sub)
    for _ in range(draw(st.integers(1, 15))):
        parent = draw(st.sampled_from([None, *groups]))
        kind = draw(st.sampled_from(["scored", "scored", "bonus", "penalty"]))
        criteria.append(spec(next_id, parent, kind, draw(points)))
        next_id += 1
    values = {
        c.id: draw(st.one_of(st.none(), st.decimals(-10, 80, places=2)))
        for c in criteria
        if c.kind != "group"
    }
    caps = {
        "base_max": draw(st.decimals(1, 150, places=2)),
        "bonus_cap": draw(st.decimals(0, 20, places=2)),
        "penalty_cap": draw(st.decimals(0, 20, places=2)),
    }
    return criteria, values, caps


@settings(max_examples=300, deadline=None)
@given(tables())
def test_total_stays_within_minus_penalty_cap_and_base_max_plus_bonus_cap(case):
    criteria, values, caps = case
    totals = compute_totals(criteria, values, **caps)
    assert -caps["penalty_cap"] <= totals.total <= caps["base_max"] + caps["bonus_cap"]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_caps_hold(case):
    criteria, values, caps = case
    totals = compute_totals(criteria, values, **caps)
    assert 0 <= totals.base <= caps["base_max"]
    assert 0 <= totals.bonus <= caps["bonus_cap"]
    assert 0 <= totals.penalty <= caps["penalty_cap"]
    assert totals.base == min(totals.base_raw, caps["base_max"])
    assert totals.total == totals.base + totals.bonus - totals.penalty


@settings(max_examples=300, deadline=None)
@given(tables())
def test_a_parent_row_always_equals_the_sum_of_its_leaves(case):
    criteria, values, caps = case
    totals = compute_totals(criteria, values, **caps)
    by_id = {c.id: c for c in criteria}

    def under(leaf, group_id):
        # An oracle independent of the tree: walk up from the leaf.
        parent = leaf.parent_id
        while parent is not None:
            if parent == group_id:
                return True
            parent = by_id[parent].parent_id
        return False

    for group_id, value in totals.group_sums.items():
        leaves = [c for c in criteria if c.kind != "group" and under(c, group_id)]
        expected = sum((scoring.clamp_leaf(values.get(c.id), c.max_points) for c in leaves), D(0))
        assert value == expected
        assert set(CriteriaTree(criteria).leaves_under(group_id)) == {c.id for c in leaves}


@given(st.decimals(0, 20, places=2), st.sampled_from([D("0.25"), D("0.5"), D("1")]))
def test_a_value_is_accepted_only_in_range_and_on_the_step(value, step):
    problem = line_problem(value, D("10"), step)
    if value > 10:
        assert problem == "range"
    elif value % step:
        assert problem == "step"
    else:
        assert problem is None


def test_line_problems_name_range_and_step():
    assert line_problem(D("-1"), D("5"), D("0.25")) == "range"
    assert line_problem(D("5.25"), D("5"), D("0.25")) == "range"
    assert line_problem(D("2.3"), D("5"), D("0.25")) == "step"
    assert line_problem(D("2.75"), D("5"), D("0.25")) is None
    assert line_problem(None, D("5"), D("0.25")) is None


def test_table_problems_find_sum_duplicates_and_empty_groups():
    rows = [
        spec(1, None, "group", 0, "1"),
        spec(2, 1, "scored", 60, "1.1"),
        spec(3, 1, "scored", 30, "1.1"),
        spec(4, None, "group", 0, "2"),
    ]
    problems = table_problems(rows, base_max=D("100"))
    assert ("duplicate_code", "1.1") in problems
    assert ("empty_group", "2") in problems
    assert ("base_sum", "90") in problems
    assert table_problems(SCENARIO, base_max=D("100")) == []


def test_deadline_is_shown_in_vietnam_time_with_the_zone():
    import datetime

    value = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)
    assert format_deadline(value) == "17:00 30/06/2026 (GMT+7)"
