"""The review demo: idempotent, with a board adjustment and a tie decided by a rule."""

import io

import pytest
from django.core.management import call_command

from campaigns import ranking, selectors
from campaigns.models import CrossCheck, Period, ScoreLine, ScoreLineChange

pytestmark = pytest.mark.django_db


def test_demo_seeds_reviews_a_board_adjustment_and_a_broken_tie_once():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (CrossCheck.objects.count(), ScoreLineChange.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (CrossCheck.objects.count(), ScoreLineChange.objects.count()) == counts
    assert counts[0] > 0

    adjusted = ScoreLine.objects.get(board_points__isnull=False)
    assert adjusted.agreed_points > adjusted.board_points and adjusted.board_reason
    assert adjusted.scorecard.period.kind == "annual"

    half_year = Period.objects.select_related("term__bloc").get(
        term__bloc__code="khoi-dang", term__year=2026, kind="semiannual"
    )
    assert half_year.status == Period.Status.AGREED
    data = selectors.load_period(half_year)
    broken = [r for r in data.ranked if ranking.FEWER_PENALTY in r.tie_break_slugs]
    assert len(broken) >= 2
    assert len({r.rank for r in broken}) == len(broken)

    year_end = Period.objects.get(term__bloc__code="khoi-dang", term__year=2026, kind="annual")
    assert year_end.status == Period.Status.REVIEWING
    assert ScoreLine.objects.filter(scorecard__period=year_end, review_points__isnull=False)
    assert ScoreLine.objects.exclude(explanation="").exists()
