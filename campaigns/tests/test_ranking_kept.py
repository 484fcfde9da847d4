"""The ranking page reuses a period's loaded rows while the audit trails are quiet, and only then."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import selectors
from campaigns.models import Period, ScoreLine
from campaigns.services import review as review_services
from campaigns.tests.test_review_views import big_world


@pytest.fixture(autouse=True)
def nothing_kept():
    selectors._kept.clear()
    yield
    selectors._kept.clear()


@pytest.fixture
def quiet(monkeypatch):
    """Trails written a moment ago count as quiet (as if the page were read minutes later)."""
    monkeypatch.setattr(selectors, "QUIET", datetime.timedelta(0))


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


def _period(term):
    return Period.objects.select_related("term").get(term=term, kind="annual")


def _fixed(response):
    """The page without what differs on every response (the CSRF token, the CSP nonce)."""
    return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "", response.content.decode())


def _totals(data):
    return [(r.agency_id, r.rank, r.row.total) for r in data.ranked]


def test_quiet_trails_reuse_the_rows_and_a_change_reloads_them(council, quiet):
    bloc, term, agencies, user = big_world(council, 4)
    period = _period(term)
    first, loading = _queries(lambda: selectors.load_period_kept(period))
    again, reusing = _queries(lambda: selectors.load_period_kept(period))
    # The trails' latest entries, and the meeting's votes of the agreed period: nothing else.
    assert reusing == 2 < loading
    assert _totals(again) == _totals(first) == _totals(selectors.load_period(period))
    assert again.period is period

    line = ScoreLine.objects.filter(
        scorecard__period=period, scorecard__agency=agencies[-1], board_points__isnull=True
    ).first()
    review_services.adjust_by_board(line=line, points="0", reason="Sửa lại", by=user)
    after, reloading = _queries(lambda: selectors.load_period_kept(period))
    assert reloading == loading
    assert _totals(after) == _totals(selectors.load_period(period)) != _totals(first)


def test_rows_are_not_kept_while_the_trails_just_moved(council):
    bloc, term, agencies, user = big_world(council, 4)
    period = _period(term)
    _first, loading = _queries(lambda: selectors.load_period_kept(period))
    _again, again = _queries(lambda: selectors.load_period_kept(period))
    assert again == loading
    assert period.id not in selectors._kept


def test_ranking_page_reads_the_same_when_its_rows_are_reused(client, council, quiet):
    bloc, term, agencies, user = big_world(council, 4)
    client.force_login(user)
    path = reverse(
        "campaigns:ranking", kwargs={"bloc_code": bloc.code, "year": 2026, "kind": "annual"}
    )
    loaded = client.get(path)
    assert loaded.status_code == 200
    kept = client.get(path)
    assert _period(term).id in selectors._kept
    assert _fixed(kept) == _fixed(loaded)
