"""The cross-bloc ranking kept in the cache: which blocs a change has totalled again, how a
worker totals every bloc again, and how an entry past its age is served meanwhile."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.models import AwardRule, AwardType, Ballot, ReviewMeeting
from blocs.models import Council, Membership
from campaigns.models import CriteriaTable, Criterion, Period, ScoreLine, ScoringRules
from campaigns.tests.test_progress_views import big_term
from reports import province_ranking, tasks
from reports.tests.test_province import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    province_ranking._memo.clear()
    yield
    cache.clear()
    province_ranking._memo.clear()


def age_trails():
    """What was written so far is an hour old, out of the margin kept for late commits."""
    for model in province_ranking.FAST_TRAILS + province_ranking.SLOW_TRAILS:
        model.history.update(history_date=F("history_date") - datetime.timedelta(hours=1))


@pytest.fixture
def totalled(world, monkeypatch):  # noqa: F811
    """The ranking built and its trails aged; ``totalled.calls`` lists the periods each later
    call totalled again."""
    real = province_ranking._period_rows
    calls = []

    def spy(periods):
        periods = list(periods)
        calls.append(sorted(p.pk for p in periods))
        return real(periods)

    monkeypatch.setattr(province_ranking, "_period_rows", spy)
    world.done_period = Period.objects.get(term=world.done_term)
    province_ranking.cross_ranking(world.council, year=2026)
    age_trails()
    calls.clear()
    world.calls = calls
    return world


def rows_now(w):
    return province_ranking.cross_ranking(w.council, year=2026).rows


def rows_from_scratch(w):
    """The rows as a first reading of the ranking finds them, nothing kept."""
    cache.clear()
    province_ranking._memo.clear()
    return rows_now(w)


def test_a_renamed_agency_is_totalled_again_in_its_bloc_only(totalled):
    w = totalled
    w.d.name = "Cơ quan D đổi tên"
    w.d.save()
    rows = rows_now(w)
    assert w.calls == [[w.period.pk]]
    assert next(r for r in rows if r.agency_id == w.d.pk).name == "Cơ quan D đổi tên"
    assert rows == rows_from_scratch(w)


def test_an_agency_renamed_in_the_other_bloc_totals_that_bloc(totalled):
    w = totalled
    agency = Membership.objects.filter(term=w.done_term).order_by("pk").last().agency
    agency.name = "Doanh nghiệp đổi tên"
    agency.save()
    rows = rows_now(w)
    assert w.calls == [[w.done_period.pk]]
    assert next(r for r in rows if r.agency_id == agency.pk).name == "Doanh nghiệp đổi tên"


def test_a_membership_ended_shows_in_its_bloc_only(totalled):
    w = totalled
    # The agency without a card leaves the year: it is no longer listed as not having sent one.
    membership = Membership.objects.filter(term=w.term, agency=w.f).get()
    assert w.f.pk in {r.agency_id for r in rows_now(w)}
    w.calls.clear()
    membership.delete()
    rows = rows_now(w)
    assert w.calls == [[w.period.pk]]
    assert w.f.pk not in {r.agency_id for r in rows}
    assert rows == rows_from_scratch(w)


def test_a_renamed_bloc_and_a_changed_term_total_their_own_periods(totalled):
    w = totalled
    w.done_bloc.name = "Khối doanh nghiệp nhà nước"
    w.done_bloc.save()
    rows = rows_now(w)
    assert w.calls == [[w.done_period.pk]]
    assert {r.bloc_name for r in rows if r.bloc_id == w.done_bloc.pk} == {
        "Khối doanh nghiệp nhà nước"
    }
    age_trails()
    w.term.save()
    rows_now(w)
    assert w.calls[1] == [w.period.pk]


def test_new_rules_classify_their_bloc_again(totalled):
    w = totalled
    bands = [
        {"code": "dat", "label": "Đạt", "min": "50"},
        {"code": "chua_dat", "label": "Chưa đạt", "min": "0"},
    ]
    ScoringRules.objects.update_or_create(term=w.done_term, defaults={"bands": bands})
    rows = rows_now(w)
    assert w.calls == [[w.done_period.pk]]
    assert {r.band_label for r in rows if r.bloc_id == w.done_bloc.pk and r.rank} == {"Đạt"}
    assert rows == rows_from_scratch(w)


def test_a_changed_criterion_or_table_totals_the_periods_using_it(totalled):
    w = totalled
    table = CriteriaTable.objects.get(term=w.term)
    leaf = Criterion.objects.filter(table=table, kind=Criterion.Kind.SCORED).order_by("order")[0]
    leaf.kind = Criterion.Kind.BONUS
    leaf.save()
    before = {r.agency_id: r.total for r in rows_from_scratch(w)}
    leaf.kind = Criterion.Kind.SCORED
    leaf.save()
    province_ranking.cross_ranking(w.council, year=2026)  # built with the bonus
    w.calls.clear()
    age_trails()
    leaf.kind = Criterion.Kind.BONUS
    leaf.save()
    rows = rows_now(w)
    assert w.calls == [[w.period.pk]]
    assert {r.agency_id: r.total for r in rows} == before
    age_trails()
    table.base_max = D("10")
    table.save()
    rows = rows_now(w)
    assert w.calls[1] == [w.period.pk]
    assert all(r.total <= D("20") for r in rows if r.bloc_id == w.bloc.pk and r.total)
    assert rows == rows_from_scratch(w)


def test_scores_and_an_agency_changed_together_total_both_blocs(totalled):
    w = totalled
    w.d.name = "Cơ quan D đổi tên"
    w.d.save()
    card = Period.objects.get(pk=w.done_period.pk).scorecards.order_by("pk")[0]
    line = ScoreLine.objects.filter(scorecard=card, criterion__kind="scored")[0]
    line.review_points = D("1")
    line.save()
    rows = rows_now(w)
    assert w.calls == [sorted([w.period.pk, w.done_period.pk])]
    assert rows == rows_from_scratch(w)


def test_an_award_rule_or_a_closed_ballot_totals_every_bloc(totalled):
    w = totalled
    award = AwardType.objects.create(
        council=w.council,
        code="giay-khen-khoi",
        name="Giấy khen của Khối thi đua",
        level=AwardType.Level.BLOC,
        kind=AwardType.Kind.MERIT,
        order=50,
    )
    AwardRule.objects.create(term=w.term, award_type=award)
    rows_now(w)
    assert w.calls == [sorted([w.period.pk, w.done_period.pk])]
    age_trails()
    meeting = ReviewMeeting.objects.get(term=w.done_term)
    Ballot.objects.create(
        meeting=meeting,
        award_type=award,
        mode="paper",
        seats=1,
        voters=4,
        closed_at=timezone.now(),
    )
    rows_now(w)
    assert w.calls[1] == sorted([w.period.pk, w.done_period.pk])


def narrow_queries(w):
    w.d.name = f"Cơ quan D {timezone.now().timestamp()}"
    w.d.save()
    province_ranking._memo.clear()
    with CaptureQueriesContext(connection) as ctx:
        rows_now(w)
    age_trails()
    return len(ctx.captured_queries)


def test_narrowing_runs_the_same_queries_for_more_blocs(totalled):
    w = totalled
    few = narrow_queries(w)
    big_term(w.council, 5)
    rows_now(w)
    age_trails()
    assert narrow_queries(w) == few
    assert w.calls[0] == w.calls[-1] == [w.period.pk]


# --- Every bloc totalled again by a worker -----------------------------------------------------


def grow_old(w, kind=Period.Kind.ANNUAL):
    """The entry's every bloc was last totalled two hours ago."""
    key = province_ranking._key(w.council.pk, 2026, kind)
    stored = cache.get(key)
    stored.built_at -= datetime.timedelta(hours=2)
    cache.set(key, stored)
    cache.delete(f"{key}:token")
    province_ranking._memo.clear()
    return key


def test_an_entry_past_its_age_is_served_while_a_worker_is_asked(totalled, monkeypatch):
    w = totalled
    sent = []
    monkeypatch.setattr(
        tasks.refresh_cross_rankings_task, "delay", lambda **kwargs: sent.append(kwargs)
    )
    key = grow_old(w)
    first = rows_now(w)
    assert w.calls == [[]]  # nothing totalled in the request
    assert sent == [{"council_id": w.council.pk, "year": 2026, "kind": Period.Kind.ANNUAL}]
    province_ranking._memo.clear()
    cache.delete(f"{key}:token")
    assert rows_now(w) == first
    assert len(sent) == 1  # asked once while the first is pending
    assert tasks.refresh_cross_rankings_task(**sent[0]) == 1
    assert w.calls[-1] == sorted([w.period.pk, w.done_period.pk])
    assert timezone.now() - cache.get(key).built_at < datetime.timedelta(minutes=1)
    assert cache.get(f"{key}:queued") is None


def test_without_a_broker_the_rebuild_runs_at_once_and_is_kept(totalled):
    w = totalled
    key = grow_old(w)
    rows_now(w)
    assert w.calls == [[], sorted([w.period.pk, w.done_period.pk])]
    assert timezone.now() - cache.get(key).built_at < datetime.timedelta(minutes=1)
    grown = cache.get(key)
    rows_now(w)
    assert cache.get(key).built_at == grown.built_at and len(w.calls) == 2


def test_a_broker_that_refuses_leaves_the_request_served_and_asks_again(totalled, monkeypatch):
    w = totalled

    def down(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.refresh_cross_rankings_task, "delay", down)
    key = grow_old(w)
    assert rows_now(w)
    assert cache.get(f"{key}:queued") is None


def test_two_workers_do_not_total_the_same_ranking_at_once(totalled):
    w = totalled
    key = province_ranking._key(w.council.pk, 2026, Period.Kind.ANNUAL)
    cache.add(f"{key}:building", True)
    assert not province_ranking.rebuild(w.council, year=2026, kind=Period.Kind.ANNUAL)
    assert w.calls == []
    cache.delete(f"{key}:building")
    assert province_ranking.rebuild(w.council, year=2026, kind=Period.Kind.ANNUAL)
    assert w.calls == [sorted([w.period.pk, w.done_period.pk])]


def test_the_beat_task_totals_the_year_of_every_council_for_each_kind(totalled):
    w = totalled
    councils = list(Council.objects.all())
    assert len(councils) > 1
    assert tasks.refresh_cross_rankings_task(year=2026) == len(councils) * len(Period.Kind.values)
    assert sorted([w.period.pk, w.done_period.pk]) in w.calls
    for council in councils:
        for kind in Period.Kind.values:
            assert cache.get(province_ranking._key(council.pk, 2026, kind)) is not None


def test_the_province_rank_is_the_ranking_rules_own_with_no_tie_break():
    import random

    from campaigns import ranking

    rng = random.Random(15)
    rows = [
        province_ranking.RankRow(
            *(i, f"Cơ quan {i}", "", f"{i:05d}", "state", i % 7, "k", "K"),
            *(1, 1, "", "", rng.choice([None, D("70"), D("85.5"), D("90"), D("95")]), True, None),
        )
        for i in range(300)
    ]
    inputs = [
        ranking.RankInput(
            agency_id=r.agency_id,
            name=r.name,
            sort_key=r.sort_key,
            base=r.total,
            bonus=D(0),
            penalty=D(0),
            total=r.total,
        )
        for r in rows
        if r.total is not None
    ]
    expected = {x.row.agency_id: x.rank for x in ranking.rank(inputs, tie_breaks=[], bands=[])}
    ranked = province_ranking.with_province_rank(rows)
    assert [r.province_rank for r in ranked] == [expected.get(r.agency_id) for r in rows]
