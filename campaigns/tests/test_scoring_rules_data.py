"""The year's scoring parameters are campaigns data: a term's own row, else last year's, else
the defaults."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import ScoringRules, rules_for
from campaigns.ranking import FIRST_GROUP, default_bands, default_tie_breaks
from tests.factories import BlocFactory, BlocTermFactory

pytestmark = pytest.mark.django_db


def test_a_term_without_rules_scores_under_the_defaults():
    term = BlocTermFactory(bloc=BlocFactory(), year=2026)
    rules = rules_for(term)
    assert rules.pk is None
    assert rules.bands == default_bands()
    assert rules.tie_breaks == default_tie_breaks()
    assert rules.score_step == Decimal("0.25")


def test_a_new_year_carries_last_years_rules_over():
    bloc = BlocFactory()
    last = BlocTermFactory(bloc=bloc, year=2025)
    ScoringRules.objects.create(term=last, tie_breaks=[FIRST_GROUP], score_step=Decimal("0.5"))
    this = BlocTermFactory(bloc=bloc, year=2026)
    rules = rules_for(this)
    assert (rules.term, rules.tie_breaks, rules.score_step) == (this, [FIRST_GROUP], Decimal("0.5"))
    assert rules.pk is None, "reading never writes: the copy is saved only when changed"
    # A later change of this year's rules leaves last year's as they were.
    ScoringRules.objects.create(term=this, score_step=Decimal("1"))
    assert rules_for(this).score_step == Decimal("1")
    assert rules_for(last).score_step == Decimal("0.5")


def test_unknown_tie_break_and_broken_bands_are_refused():
    term = BlocTermFactory(bloc=BlocFactory(), year=2026)
    with pytest.raises(ValidationError) as exc:
        ScoringRules(term=term, tie_breaks=["coin_toss"]).full_clean()
    assert "tie_breaks" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        ScoringRules(term=term, bands=[{"label": "Tốt"}]).full_clean()
    assert "bands" in exc.value.message_dict
