"""Builders for the review tests: a criteria table, a period, scorecards and lines, by the ORM."""

import datetime
from decimal import Decimal

from django.utils import timezone

from blocs.models import Membership
from campaigns.models import (
    CriteriaTable,
    Criterion,
    CrossCheck,
    Period,
    Scorecard,
    ScoreLine,
)

D = Decimal


def make_table(term, *, groups=2, leaves=2, leaf_max="25", bonus=True, penalty=True):
    """An adopted table: ``groups`` groups of ``leaves`` scored leaves, one bonus, one penalty."""
    table = CriteriaTable.objects.create(
        term=term,
        version=CriteriaTable.objects.filter(term=term).count() + 1,
        title="Bảng tiêu chí thử",
        status=CriteriaTable.Status.ADOPTED,
        base_max=D(leaf_max) * groups * leaves,
    )
    order = 0
    for g in range(1, groups + 1):
        order += 1
        group = Criterion.objects.create(
            table=table,
            code=str(g),
            title=f"Nhóm tiêu chí {g}",
            kind=Criterion.Kind.GROUP,
            order=order,
        )
        for leaf in range(1, leaves + 1):
            order += 1
            Criterion.objects.create(
                table=table,
                parent=group,
                code=f"{g}.{leaf}",
                title=f"Tiêu chí {g}.{leaf}",
                kind=Criterion.Kind.SCORED,
                max_points=D(leaf_max),
                order=order,
            )
    if bonus:
        order += 1
        Criterion.objects.create(
            table=table,
            code="T",
            title="Điểm thưởng",
            kind=Criterion.Kind.BONUS,
            max_points=D("5"),
            order=order,
        )
    if penalty:
        order += 1
        Criterion.objects.create(
            table=table,
            code="TR",
            title="Điểm trừ",
            kind=Criterion.Kind.PENALTY,
            max_points=D("5"),
            order=order,
        )
    return table


def make_period(term, kind=Period.Kind.ANNUAL, status=Period.Status.REVIEWING):
    """A period of ``term``: self-scoring until 17:00 on 30 November, review ten days later.

    A period past self-scoring (under review or agreed) has its self-score deadline behind it:
    when 30 November of the term's year is still ahead, the deadline was a day ago.
    """
    start = timezone.make_aware(datetime.datetime(term.year, 11, 30, 17, 0))
    if status != Period.Status.OPEN:
        start = min(start, timezone.now() - datetime.timedelta(days=1))
    return Period.objects.create(
        term=term,
        kind=kind,
        self_deadline=start,
        review_deadline=start + datetime.timedelta(days=10),
        status=status,
    )


def leaves(table):
    return [c for c in table.criteria.order_by("order", "id") if c.kind != Criterion.Kind.GROUP]


def make_cards(period, table, agencies=None, *, points=None, status=Scorecard.Status.SUBMITTED):
    """A scorecard per agency with a self score on every leaf.

    ``points`` maps an agency to {criterion code: points}; unnamed scored leaves get their
    maximum minus one, bonus and penalty 0.
    """
    if agencies is None:
        agencies = [
            m.agency
            for m in Membership.objects.filter(term=period.term, left_on__isnull=True)
            .select_related("agency")
            .order_by("agency__sort_key", "id")
        ]
    points = points or {}
    criteria = leaves(table)
    cards = {}
    for agency in agencies:
        card = Scorecard.objects.create(period=period, agency=agency, table=table, status=status)
        given = points.get(agency, {})
        ScoreLine.objects.bulk_create(
            ScoreLine(
                scorecard=card,
                criterion=c,
                self_points=D(given[c.code])
                if c.code in given
                else (c.max_points - 1 if c.kind == Criterion.Kind.SCORED else D("0")),
            )
            for c in criteria
        )
        cards[agency] = card
    return cards


def assign(period, pairs, by):
    for reviewer, reviewed in pairs:
        CrossCheck.objects.create(
            period=period, reviewer=reviewer, reviewed=reviewed, assigned_by=by
        )


def line(card, code):
    return ScoreLine.objects.select_related("criterion", "scorecard__period__term").get(
        scorecard=card, criterion__code=code
    )
