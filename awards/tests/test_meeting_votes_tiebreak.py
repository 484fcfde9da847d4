"""The ranking's "more review-meeting votes" tie-break reads its votes from the review meeting.

campaigns cannot import awards: ``awards.apps`` registers ``awards.selectors.meeting_votes`` with
``campaigns.selectors.set_meeting_votes_source``, and ``load_period`` asks it for an agreed period.
Only the closed first round of the term's leading-unit award counts.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards import selectors
from awards.models import AwardRule, AwardType, Ballot, BallotCandidate, ReviewMeeting
from campaigns import ranking
from campaigns import selectors as campaign_selectors
from campaigns.models import Period
from campaigns.tests.review_helpers import make_cards, make_period, make_table

pytestmark = pytest.mark.django_db

MEETING_VOTES_LABEL = "Nhiều phiếu bình xét hơn"


def build(world, *, status=Period.Status.AGREED):
    """An annual period where A and B are equal on total, penalty and first group, and the
    other members each have a total of their own, below theirs."""
    table = make_table(world.term)
    period = make_period(world.term, Period.Kind.ANNUAL, status=status)
    a, b, *others = world.agencies
    points = {a: {}, b: {}}
    for i, agency in enumerate(others, start=1):
        points[agency] = {"2.1": str(24 - i)}
    make_cards(period, table, world.agencies, points=points)
    return period


def award(world, code, *, leading=False, term=None):
    kind = AwardType.objects.create(
        council=world.bloc.council,
        code=code,
        name=f"Khen thưởng {code}",
        level=AwardType.Level.PROVINCIAL,
        kind=AwardType.Kind.FLAG,
    )
    AwardRule.objects.create(term=term or world.term, award_type=kind, leading=leading)
    return kind


def meeting(world, kind=Period.Kind.ANNUAL):
    return ReviewMeeting.objects.get_or_create(
        term=world.term,
        period_kind=kind,
        defaults={
            "status": ReviewMeeting.Status.VOTING,
            "held_at": timezone.now(),
            "place": "Hội trường tỉnh",
            "chair": "Ông Chủ Trì",
        },
    )[0]


def ballot(world, award_type, votes, *, round=1, status=Ballot.Status.CLOSED, kind=None):
    """A ballot of ``award_type`` at the annual meeting with ``votes`` by agency."""
    found = Ballot.objects.create(
        meeting=meeting(world, kind or Period.Kind.ANNUAL),
        award_type=award_type,
        round=round,
        mode=Ballot.Mode.PAPER,
        status=status,
        seats=1,
        voters=6,
    )
    for position, (agency, n) in enumerate(votes.items(), start=1):
        BallotCandidate.objects.create(ballot=found, agency=agency, position=position, votes=n)
    return found


def order(data):
    return [(r.row.agency_id, r.rank) for r in data.ranked[:2]]


def row_of(data, agency):
    (row,) = [r for r in data.ranked if r.agency_id == agency.id]
    return row


def test_the_awards_app_registers_its_meeting_votes_with_the_ranking():
    assert campaign_selectors._meeting_votes_source is selectors.meeting_votes


def test_without_votes_a_and_b_share_their_rank(bloc_world):
    w = bloc_world
    period = build(w)
    data = campaign_selectors.load_period(period)
    a, b = w.agencies[:2]
    assert row_of(data, a).rank == row_of(data, b).rank == 1
    assert row_of(data, a).shared_with


def test_more_leading_award_votes_rank_b_above_a(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 4, b: 6})
    data = campaign_selectors.load_period(period)
    assert order(data) == [(b.id, 1), (a.id, 2)]
    for agency in (a, b):
        row = row_of(data, agency)
        assert row.tie_break_slugs == (ranking.MEETING_VOTES,)
        assert row.tie_break_label == MEETING_VOTES_LABEL
        assert not row.shared_with
    assert selectors.meeting_votes(period) == {a.id: 4, b.id: 6}


def test_the_second_round_does_not_break_the_tie(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    leading = award(w, "co-khoi", leading=True)
    ballot(w, leading, {a: 5, b: 5})
    ballot(w, leading, {a: 2, b: 9}, round=2)
    data = campaign_selectors.load_period(period)
    assert row_of(data, a).rank == row_of(data, b).rank == 1
    assert selectors.meeting_votes(period) == {a.id: 5, b.id: 5}


def test_only_round_two_counts_nothing(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 2, b: 9}, round=2)
    assert selectors.meeting_votes(period) == {}
    assert row_of(campaign_selectors.load_period(period), a).rank == 1


def test_votes_for_another_award_do_not_break_the_tie(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    award(w, "co-khoi", leading=True)
    ballot(w, award(w, "bang-khen"), {a: 1, b: 6})
    data = campaign_selectors.load_period(period)
    assert row_of(data, a).rank == row_of(data, b).rank == 1
    assert selectors.meeting_votes(period) == {}


def test_an_award_leading_only_in_another_year_does_not_count(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    kind = award(w, "co-khoi", leading=True, term=w.previous_term)
    AwardRule.objects.create(term=w.term, award_type=kind, leading=False)
    ballot(w, kind, {a: 4, b: 6})
    assert selectors.meeting_votes(period) == {}


def test_an_open_ballot_does_not_count(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 4, b: 6}, status=Ballot.Status.OPEN)
    assert selectors.meeting_votes(period) == {}
    assert row_of(campaign_selectors.load_period(period), a).rank == 1


def test_the_semiannual_meeting_does_not_rank_the_annual_period(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 4, b: 6}, kind=Period.Kind.SEMIANNUAL)
    assert selectors.meeting_votes(period) == {}
    assert row_of(campaign_selectors.load_period(period), a).rank == 1


def test_a_period_not_agreed_does_not_ask_the_meeting(bloc_world):
    w = bloc_world
    period = build(w, status=Period.Status.REVIEWING)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 4, b: 6})
    with CaptureQueriesContext(connection) as ctx:
        data = campaign_selectors.load_period(period)
    assert not any("awards_" in q["sql"] for q in ctx.captured_queries)
    assert row_of(data, a).rank == row_of(data, b).rank == 1


def test_an_agreed_period_costs_one_query_more(bloc_world):
    w = bloc_world
    period = build(w, status=Period.Status.REVIEWING)
    a, b = w.agencies[:2]
    ballot(w, award(w, "co-khoi", leading=True), {a: 4, b: 6})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            campaign_selectors.load_period(period)
        return ctx.captured_queries

    reviewing = count()
    assert not any("awards_" in q["sql"] for q in reviewing)
    Period.objects.filter(pk=period.pk).update(status=Period.Status.AGREED)
    # Set on the same instance, so that its cached term is not loaded again.
    period.status = Period.Status.AGREED
    agreed = count()
    assert len(agreed) == len(reviewing) + 1
    assert sum("awards_ballotcandidate" in q["sql"] for q in agreed) == 1


def test_the_extra_query_does_not_grow_with_the_ballots(bloc_world):
    w = bloc_world
    period = build(w)
    a, b = w.agencies[:2]
    leading = award(w, "co-khoi", leading=True)
    ballot(w, leading, {a: 4, b: 6})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            campaign_selectors.load_period(period)
        return len(ctx.captured_queries)

    few = count()
    ballot(w, leading, dict.fromkeys(w.agencies, 1), round=2)
    ballot(w, award(w, "bang-khen"), dict.fromkeys(w.agencies, 3))
    assert count() == few
