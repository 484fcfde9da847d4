"""Properties of the meeting's pure rules over random candidates, seats, bases and shares."""

import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from awards.rules import (
    NOT_ELIGIBLE,
    Candidate,
    RankedMember,
    candidate_list,
    decide,
    meets_threshold,
    quorum_met,
    quorum_needed,
    quota,
    share,
    validate_counts,
    votes_needed,
)

BANDS = ["xuat_sac", "tot", "kha", "trung_binh"]

# Shares as a secretariat stores them (three decimal places) or types them ("2/3").
shares = st.one_of(
    st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 1000),
    st.sampled_from(["1/2", "2/3", "1/3", "3/4", "1/5"]),
)
women = st.one_of(
    st.none(), st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 10)
)


@st.composite
def rounds(draw):
    base = draw(st.integers(min_value=1, max_value=30))
    n = draw(st.integers(min_value=0, max_value=10))
    ids = draw(st.lists(st.integers(1, 500), min_size=n, max_size=n, unique=True))
    candidates = [
        Candidate(
            agency_id=i,
            votes=draw(st.integers(min_value=0, max_value=base)),
            eligible=draw(st.booleans()),
            women_share=draw(women),
            rank=draw(st.integers(min_value=1, max_value=12)),
        )
        for i in ids
    ]
    return {
        "candidates": candidates,
        "seats": draw(st.integers(min_value=0, max_value=5)),
        "base_count": base,
        "min_share": draw(shares),
        "strict": draw(st.booleans()),
    }


def run(r, candidates=None):
    return decide(
        r["candidates"] if candidates is None else candidates,
        seats=r["seats"],
        base_count=r["base_count"],
        min_share=r["min_share"],
        strict=r["strict"],
    )


def passes(r, c):
    return meets_threshold(
        votes=c.votes, base_count=r["base_count"], min_share=r["min_share"], strict=r["strict"]
    )


@given(rounds())
def test_winners_never_exceed_the_seats(r):
    out = run(r)
    assert len(out.elected) <= r["seats"]
    assert len(set(out.elected)) == len(out.elected)
    assert out.open_seats == r["seats"] - len(out.elected)


@given(rounds())
def test_a_held_agency_never_wins(r):
    out = run(r)
    held = {c.agency_id for c in r["candidates"] if not c.eligible}
    assert not held & set(out.elected)
    assert not held & set(out.second_round)
    assert all(out.outcomes[i] == NOT_ELIGIBLE for i in held)


@given(rounds())
def test_a_candidate_below_the_threshold_never_wins(r):
    out = run(r)
    by_id = {c.agency_id: c for c in r["candidates"]}
    assert all(passes(r, by_id[i]) for i in out.elected)


@given(rounds(), st.randoms(use_true_random=False))
def test_the_order_of_the_input_never_changes_the_result(r, rnd):
    out = run(r)
    shuffled = list(r["candidates"])
    rnd.shuffle(shuffled)
    again = run(r, shuffled)
    assert again == out
    assert again.outcomes == out.outcomes
    assert (again.tied, again.second_round, again.second_round_seats) == (
        out.tied,
        out.second_round,
        out.second_round_seats,
    )


@given(rounds())
def test_every_winner_has_at_least_the_votes_of_every_passing_loser(r):
    out = run(r)
    elected = set(out.elected)
    winners = [c for c in r["candidates"] if c.agency_id in elected]
    losers = [
        c for c in r["candidates"] if c.eligible and passes(r, c) and c.agency_id not in elected
    ]
    assert all(w.votes >= loser.votes for w in winners for loser in losers)


@given(rounds())
def test_every_candidate_gets_an_outcome(r):
    out = run(r)
    assert set(out.outcomes) == {c.agency_id for c in r["candidates"]}


@given(rounds())
def test_a_second_round_only_fills_open_seats(r):
    out = run(r)
    if out.second_round:
        assert out.open_seats > 0
        assert out.second_round_seats == out.open_seats
        assert not set(out.second_round) & set(out.elected)
    else:
        assert out.second_round_seats == 0
    if out.tied:
        assert out.second_round == out.tied
        assert len(out.tied) > out.open_seats


@st.composite
def rankings(draw):
    n = draw(st.integers(min_value=0, max_value=15))
    ranks = sorted(draw(st.lists(st.integers(1, n or 1), min_size=n, max_size=n)))
    return [
        RankedMember(
            agency_id=i + 1,
            rank=rank,
            band=draw(st.sampled_from([*BANDS, ""])),
            held=draw(st.booleans()),
        )
        for i, rank in enumerate(ranks)
    ]


@given(
    rankings(),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["", *BANDS]),
    st.one_of(st.none(), st.sets(st.integers(1, 15))),
)
def test_a_candidate_list_keeps_the_rules(rows, quota_count, min_band, required):
    ids, left_out = candidate_list(
        rows, quota_count=quota_count, bands_order=BANDS, min_band=min_band, required_ids=required
    )
    by_id = {m.agency_id: m for m in rows}
    assert not any(by_id[i].held for i in ids)
    assert all(left_out[m.agency_id] == "held" for m in rows if m.held)
    assert not set(ids) & set(left_out)
    assert [by_id[i].rank for i in ids] == sorted(by_id[i].rank for i in ids)
    if len(ids) > quota_count:
        # Only agencies sharing the rank of the last place within the quota go beyond it.
        assert quota_count > 0
        last = by_id[ids[quota_count - 1]].rank
        assert all(by_id[i].rank == last for i in ids[quota_count:])
    # Shuffling the ranking changes nothing.
    shuffled = list(rows)
    random.Random(len(rows)).shuffle(shuffled)
    assert candidate_list(
        shuffled,
        quota_count=quota_count,
        bands_order=BANDS,
        min_band=min_band,
        required_ids=required,
    ) == (ids, left_out)


@given(
    st.integers(min_value=1, max_value=200),
    st.one_of(st.none(), st.integers(min_value=1, max_value=20)),
    shares,
)
def test_a_quota_with_a_share_is_at_least_one_and_never_above_the_count(
    members, max_count, max_share
):
    q = quota(members=members, max_count=max_count, max_share=max_share)
    assert q >= 1
    if max_count is not None:
        assert q <= max_count
    assert q <= max(1, share(max_share) * members)


@given(st.integers(min_value=1, max_value=60), shares)
def test_the_quorum_is_met_from_the_fewest_needed_on(members, q):
    need = quorum_needed(members=members, quorum=q)
    for present in range(members + 1):
        assert quorum_met(present=present, members=members, quorum=q) is (present >= need)


@given(st.integers(min_value=1, max_value=60), shares, st.booleans())
def test_the_threshold_is_passed_from_the_votes_needed_on(base, min_share, strict):
    need = votes_needed(base_count=base, min_share=min_share, strict=strict)
    for votes in range(base + 2):
        assert meets_threshold(
            votes=votes, base_count=base, min_share=min_share, strict=strict
        ) is (votes >= need)


@st.composite
def consistent_counts(draw):
    """A count built ballot by ballot, as it really happens in the room."""
    voters = draw(st.integers(min_value=0, max_value=20))
    issued = draw(st.integers(min_value=0, max_value=voters))
    returned = draw(st.integers(min_value=0, max_value=issued))
    valid = draw(st.integers(min_value=0, max_value=returned))
    seats = draw(st.integers(min_value=1, max_value=3))
    names = [f"Đơn vị {i}" for i in range(draw(st.integers(min_value=0, max_value=6)))]
    votes = dict.fromkeys(names, 0)
    for _ballot in range(valid):
        marked = (
            draw(st.lists(st.sampled_from(names), unique=True, max_size=seats)) if names else []
        )
        for name in marked:
            votes[name] += 1
    return {
        "issued": issued,
        "returned": returned,
        "valid": valid,
        "invalid": returned - valid,
        "votes": votes,
        "seats": seats,
        "voters": voters,
    }


@settings(max_examples=200)
@given(consistent_counts())
def test_every_consistent_count_is_accepted(count):
    assert validate_counts(**count) == []


@given(consistent_counts(), st.integers(min_value=1, max_value=5))
def test_more_ballots_returned_than_issued_is_always_refused(count, extra):
    count = {**count, "returned": count["issued"] + extra}
    count["invalid"] = count["returned"] - count["valid"]
    codes = [e.code for e in validate_counts(**count)]
    assert "returned_over_issued" in codes


@given(shares)
def test_a_share_reads_back_to_itself_within_its_precision(s):
    exact = share(s)
    if isinstance(s, Decimal):
        assert abs(exact - Fraction(s)) <= Fraction(1, 2000)
    assert share(exact) == exact


@given(
    st.one_of(
        st.text(max_size=12),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.builds(lambda m, e: f"{m}e{e}", st.integers(-9, 9), st.integers(-(10**9), 10**9)),
    )
)
def test_anything_typed_as_a_share_is_a_share_or_refused_with_value_error(typed):
    try:
        exact = share(typed)
    except ValueError:
        return
    assert 0 <= exact <= 1
