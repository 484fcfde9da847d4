"""The pure ranking: competition ranks, bands and the tie-breaks that decided each tie."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.ranking import (
    FEWER_PENALTY,
    FIRST_GROUP,
    MEETING_VOTES,
    RankInput,
    classify,
    default_bands,
    default_tie_breaks,
    rank,
)

D = Decimal


def row(agency_id, total, *, penalty="0", first_group="0", votes=None, name=None):
    total, penalty = D(total), D(penalty)
    return RankInput(
        agency_id=agency_id,
        name=name or f"Đơn vị {agency_id}",
        sort_key=name or f"don vi {agency_id:04d}",
        base=total + penalty,
        bonus=D("0"),
        penalty=penalty,
        total=total,
        first_group=D(first_group),
        meeting_votes=votes,
    )


points = st.integers(min_value=0, max_value=8).map(lambda n: D(n) / 2 + 90)
small = st.integers(min_value=0, max_value=3).map(D)
votes = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
rule_chains = st.lists(
    st.sampled_from([FEWER_PENALTY, FIRST_GROUP, MEETING_VOTES]), unique=True, max_size=3
)


@st.composite
def inputs(draw):
    n = draw(st.integers(min_value=1, max_value=10))
    return [
        row(
            i + 1,
            draw(points),
            penalty=draw(small),
            first_group=draw(small),
            votes=draw(votes),
        )
        for i in range(n)
    ]


def as_tuples(result):
    return [(r.agency_id, r.rank, r.band.code, r.tie_break_slugs, r.shared_with) for r in result]


@settings(max_examples=200, deadline=None)
@given(rows=inputs(), chain=rule_chains, seed=st.integers(0, 1000))
def test_ranking_does_not_depend_on_input_order(rows, chain, seed):
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    first = rank(rows, tie_breaks=chain, bands=default_bands())
    second = rank(shuffled, tie_breaks=chain, bands=default_bands())
    assert as_tuples(first) == as_tuples(second)


@settings(max_examples=200, deadline=None)
@given(rows=inputs(), chain=rule_chains)
def test_ranks_follow_standard_competition_pattern(rows, chain):
    result = rank(rows, tie_breaks=chain, bands=default_bands())
    ranks = [r.rank for r in result]
    assert ranks[0] == 1
    assert ranks == sorted(ranks)
    for position, r in enumerate(result, start=1):
        # 1, 2, 2, 4: a rank is one more than the number of agencies strictly ahead.
        ahead = sum(1 for other in result if other.rank < r.rank)
        assert r.rank == ahead + 1
        assert r.rank <= position
    # Totals never increase down the table.
    totals = [r.row.total for r in result]
    assert totals == sorted(totals, reverse=True)


@settings(max_examples=200, deadline=None)
@given(rows=inputs())
def test_equal_totals_without_a_rule_share_a_rank(rows):
    result = rank(rows, tie_breaks=[], bands=default_bands())
    by_total = {}
    for r in result:
        by_total.setdefault(r.row.total, set()).add(r.rank)
        assert r.decisions == ()
    assert all(len(ranks) == 1 for ranks in by_total.values())


@settings(max_examples=200, deadline=None)
@given(rows=inputs(), chain=rule_chains)
def test_rows_sharing_a_rank_are_equal_on_every_applicable_rule(rows, chain):
    result = rank(rows, tie_breaks=chain, bands=default_bands())
    for r in result:
        for other_id in r.shared_with:
            other = next(x for x in result if x.agency_id == other_id)
            assert other.rank == r.rank
            assert other.row.total == r.row.total
            assert other.row.penalty == r.row.penalty or FEWER_PENALTY not in chain


def test_tie_on_total_broken_by_fewer_penalty_points():
    rows = [
        row(1, "96.5", penalty="1", name="Ban A"),
        row(2, "96.5", penalty="0", name="Ban B"),
        row(3, "98"),
        row(4, "80"),
    ]
    result = rank(rows, tie_breaks=default_tie_breaks(), bands=default_bands())
    assert [(r.agency_id, r.rank) for r in result] == [(3, 1), (2, 2), (1, 3), (4, 4)]
    b, a = result[1], result[2]
    assert b.tie_break_slugs == a.tie_break_slugs == (FEWER_PENALTY,)
    assert b.tie_break_label == "Ít điểm trừ hơn"
    assert b.decisions[0].group == (1, 2)
    assert result[0].tie_break_label == ""
    assert [r.band.code for r in result] == ["xuat_sac", "xuat_sac", "xuat_sac", "kha"]


def test_second_rule_decides_when_the_first_is_equal():
    rows = [
        row(1, "90", penalty="1", first_group="30"),
        row(2, "90", penalty="1", first_group="32"),
    ]
    result = rank(rows, tie_breaks=default_tie_breaks(), bands=default_bands())
    assert [r.agency_id for r in result] == [2, 1]
    assert result[0].tie_break_slugs == (FIRST_GROUP,)


def test_three_way_tie_split_by_two_rules():
    rows = [
        row(1, "90", penalty="2"),
        row(2, "90", penalty="0", first_group="10"),
        row(3, "90", penalty="0", first_group="12"),
    ]
    result = rank(rows, tie_breaks=default_tie_breaks(), bands=default_bands())
    assert [(r.agency_id, r.rank) for r in result] == [(3, 1), (2, 2), (1, 3)]
    assert result[0].tie_break_slugs == (FEWER_PENALTY, FIRST_GROUP)
    assert result[2].tie_break_slugs == (FEWER_PENALTY,)


def test_unbroken_tie_shares_rank_and_next_rank_skips():
    rows = [row(1, "99"), row(2, "90"), row(3, "90"), row(4, "85")]
    result = rank(rows, tie_breaks=default_tie_breaks(), bands=default_bands())
    assert [r.rank for r in result] == [1, 2, 2, 4]
    assert result[1].shared_with == (3,)
    assert "đồng hạng" in result[1].tie_break_label


def test_missing_meeting_votes_do_not_decide():
    rows = [row(1, "90", votes=None), row(2, "90", votes=5)]
    result = rank(rows, tie_breaks=[MEETING_VOTES], bands=default_bands())
    assert [r.rank for r in result] == [1, 1]
    rows = [row(1, "90", votes=3), row(2, "90", votes=5)]
    result = rank(rows, tie_breaks=[MEETING_VOTES], bands=default_bands())
    assert [(r.agency_id, r.rank) for r in result] == [(2, 1), (1, 2)]
    assert result[0].tie_break_label == "Nhiều phiếu bình xét hơn"


def test_the_term_chain_order_is_respected():
    rows = [
        row(1, "90", penalty="1", first_group="40"),
        row(2, "90", penalty="0", first_group="30"),
    ]
    by_penalty = rank(rows, tie_breaks=[FEWER_PENALTY, FIRST_GROUP], bands=default_bands())
    by_group = rank(rows, tie_breaks=[FIRST_GROUP, FEWER_PENALTY], bands=default_bands())
    assert by_penalty[0].agency_id == 2
    assert by_group[0].agency_id == 1


def test_bands_are_data():
    bands = default_bands()
    assert classify(D("95"), bands).code == "xuat_sac"
    assert classify(D("94.99"), bands).code == "tot"
    assert classify(D("70"), bands).code == "kha"
    assert classify(D("12"), bands).code == "trung_binh"
    custom = [{"code": "a", "label": "A", "min": "50"}, {"code": "b", "label": "B", "min": "60"}]
    assert classify(D("55"), custom).code == "a"
    assert classify(D("65"), custom).code == "b"
    assert classify(D("10"), custom).code == "a"
