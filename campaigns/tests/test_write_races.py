"""Writes re-check what they depend on under a lock, and double clicks create one row."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns import criteria_import
from campaigns.models import CriteriaTable, Criterion, Scorecard, TitleRegistration
from campaigns.services import criteria as criteria_services
from campaigns.services import pledges, review
from campaigns.services import scorecards as scorecard_services
from campaigns.tests import review_helpers as h

pytestmark = pytest.mark.django_db

FROZEN = "đã thông qua"


@pytest.fixture
def stale(bloc_world):
    """A draft table as a request read it, adopted by another request since."""
    w = bloc_world
    table = criteria_services.create_criteria_table(term=w.term, by=w.secretariat)
    group = criteria_services.save_criterion(
        table=table,
        by=w.secretariat,
        parent=None,
        code="1",
        title="Nhóm 1",
        kind=Criterion.Kind.GROUP,
        max_points=None,
        evidence_required=False,
    )
    CriteriaTable.objects.filter(pk=table.pk).update(status=CriteriaTable.Status.ADOPTED)
    assert table.status == CriteriaTable.Status.DRAFT
    w.table, w.group = table, group
    return w


def test_criterion_is_not_added_to_a_table_adopted_meanwhile(stale):
    with pytest.raises(ValidationError, match=FROZEN):
        criteria_services.save_criterion(
            table=stale.table,
            by=stale.secretariat,
            parent=stale.group,
            code="1.1",
            title="Tiêu chí",
            kind=Criterion.Kind.SCORED,
            max_points=Decimal("10"),
            evidence_required=False,
        )
    assert stale.table.criteria.count() == 1


def test_criterion_is_not_deleted_from_a_table_adopted_meanwhile(stale):
    with pytest.raises(ValidationError, match=FROZEN):
        criteria_services.delete_criterion(criterion=stale.group, by=stale.secretariat)
    assert Criterion.objects.filter(pk=stale.group.pk).exists()


def test_settings_are_not_changed_on_a_table_adopted_meanwhile(stale):
    with pytest.raises(ValidationError, match=FROZEN):
        criteria_services.update_table_settings(
            table=stale.table,
            by=stale.secretariat,
            title="Đổi tên",
            base_max=Decimal("50"),
            bonus_cap=Decimal("5"),
            penalty_cap=Decimal("5"),
        )
    assert CriteriaTable.objects.get(pk=stale.table.pk).base_max == Decimal("100")


def test_import_does_not_replace_rows_of_a_table_adopted_meanwhile(stale):
    with pytest.raises(criteria_import.ImportFailed):
        criteria_import.import_table(
            table=stale.table, data=criteria_import.template(), by=stale.secretariat
        )
    assert list(stale.table.criteria.values_list("code", flat=True)) == ["1"]


@pytest.fixture
def reviewing(bloc_world):
    w = bloc_world
    w.e = w.agencies[4]
    table = h.make_table(w.term)
    w.period = h.make_period(w.term)
    w.cards = h.make_cards(w.period, table, w.agencies[:5])
    h.assign(w.period, [(w.d, w.e)], w.secretariat)
    return w


def _locks_period(queries):
    return any('FROM "campaigns_period"' in q["sql"] and "FOR UPDATE" in q["sql"] for q in queries)


@pytest.mark.parametrize("layer", ["review", "agreed", "explanation"])
def test_layers_lock_the_period_before_checking_it(reviewing, layer):
    if not connection.features.has_select_for_update:
        pytest.skip("row locks are PostgreSQL's to show")
    w = reviewing
    line = h.line(w.cards[w.e], "1.1")
    with CaptureQueriesContext(connection) as ctx:
        if layer == "review":
            review.record_review(
                line=line, points="20", note="Thiếu", reviewer_id=w.d.pk, by=w.member_head
            )
        elif layer == "agreed":
            review.record_agreed(line=line, points="20", note="", by=w.secretariat)
        else:
            review.record_explanation(line=line, text="Giải trình", by=w.member_head)
    assert _locks_period(ctx.captured_queries)


def test_two_clicks_opening_a_card_give_one_card(reviewing):
    w = reviewing
    f = w.agencies[5]
    first = scorecard_services.open_scorecard(period=w.period, agency=f, by=w.member_head)
    # The second request read "no card" before the first one committed.
    with mock.patch.object(scorecard_services, "_existing_card", return_value=None):
        second = scorecard_services.open_scorecard(period=w.period, agency=f, by=w.member_head)
    assert second.pk == first.pk
    assert Scorecard.objects.filter(period=w.period, agency=f).count() == 1
    assert first.lines.count() == len(h.leaves(first.table))


def test_two_clicks_registering_a_title_give_one_registration(bloc_world):
    w = bloc_world
    title = TitleRegistration._meta.get_field("title").choices[0][0]
    first = pledges.register_title(term=w.term, agency_id=w.d.pk, title=title, by=w.member_head)
    with mock.patch.object(pledges, "_existing_registration", return_value=None):
        second = pledges.register_title(
            term=w.term, agency_id=w.d.pk, title=title, by=w.member_head
        )
    assert second.pk == first.pk
    assert TitleRegistration.objects.filter(term=w.term, agency=w.d).count() == 1
