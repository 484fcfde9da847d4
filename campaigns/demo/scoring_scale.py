"""The benchmark blocs' scoring (``seed_demo --scale``): an 80-leaf table, both periods of
2026 and every card submitted, reviewed and agreed, written in bulk."""

import datetime
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from blocs.models import BlocTerm, Membership
from campaigns.demo import review as review_demo
from campaigns.demo import shift_into_past, vietnam_time, write_rows
from campaigns.demo.scoring import PERIODS, PERIODS_2026_SEMIANNUAL, _deadlines, _points, _staff
from campaigns.models import CriteriaTable, Criterion, Period, Scorecard, ScoreLine


def scale_rows() -> list[tuple]:
    """A table of 80 leaves: 10 groups of 7 scored criteria (10 points each), 5 + 5 extras."""
    rows = []
    for g in range(1, 11):
        rows.append((str(g), "", "group", f"Nhóm tiêu chí số {g}", 0, False))
        for i in range(1, 8):
            points = Decimal("1.5") if i < 7 else Decimal("1")
            rows.append((f"{g}.{i}", str(g), "scored", f"Tiêu chí {g}.{i}", points, i == 1))
    rows.append(("11", "", "group", "Điểm thưởng", 0, False))
    rows += [(f"11.{i}", "11", "bonus", f"Điểm thưởng {i}", 2, False) for i in range(1, 6)]
    rows.append(("12", "", "group", "Điểm trừ", 0, False))
    rows += [(f"12.{i}", "12", "penalty", f"Điểm trừ {i}", 2, False) for i in range(1, 6)]
    return rows


# Terms written per transaction by ``seed_scale`` (12 agencies × 80 criteria × 2 periods each).
SCALE_BATCH = 25
SCALE_PERIODS = (("semiannual", PERIODS_2026_SEMIANNUAL), ("annual", PERIODS["annual"]))
SCALE_LINE_FIELDS = (
    "scorecard_id",
    "criterion_id",
    "self_points",
    "review_points",
    "reviewer_id",
    "agreed_points",
)


def seed_scale(objects: dict, blocs: list) -> None:
    """Fill the extra benchmark blocs: an 80-criterion table, both periods, complete cards.

    Written in bulk, a fixed number of queries for each ``SCALE_BATCH`` terms; terms that
    already have a table are left as they are.
    """
    rows = scale_rows()
    terms = list(
        BlocTerm.objects.filter(bloc__in=blocs, year=2026)
        .exclude(pk__in=CriteriaTable.objects.values("term_id"))
        .order_by("pk")
    )
    points = {}
    for start in range(0, len(terms), SCALE_BATCH):
        with transaction.atomic():
            _scale_terms(terms[start : start + SCALE_BATCH], rows, objects["admin"], points)


def _scale_terms(terms, rows, admin, points):
    tables = bulk_create_with_history(
        [
            CriteriaTable(
                term=term,
                version=1,
                status=CriteriaTable.Status.ADOPTED,
                title=f"Bảng tiêu chí chấm điểm thi đua năm {term.year}",
                adopted_at=vietnam_time(term.year, 2, 1, 9, 0),
                adopted_by=admin,
            )
            for term in terms
        ],
        CriteriaTable,
    )
    numbered = list(enumerate(rows, start=1))
    groups = Criterion.objects.bulk_create(
        Criterion(table=table, code=code, title=text, kind=kind, max_points=0, order=position * 10)
        for table in tables
        for position, (code, _parent, kind, text, _points, _evidence) in numbered
        if kind == "group"
    )
    by_code = {(g.table_id, g.code): g for g in groups}
    leaves = Criterion.objects.bulk_create(
        (
            Criterion(
                table=table,
                parent=by_code[table.pk, parent],
                code=code,
                title=text,
                kind=kind,
                max_points=Decimal(str(points_)),
                evidence_required=evidence,
                order=position * 10,
            )
            for table in tables
            for position, (code, parent, kind, text, points_, evidence) in numbered
            if kind != "group"
        ),
        batch_size=2000,
    )
    leaves_of = {}
    for leaf in leaves:
        leaves_of.setdefault(leaf.table_id, []).append(leaf)
    periods = _scale_periods(terms)
    members = {}
    for m in Membership.objects.filter(term__in=terms).order_by("agency_id"):
        members.setdefault(m.term_id, []).append(m)
    heads, _officers = _staff([m.agency_id for ms in members.values() for m in ms])
    cards = []
    for term, table in zip(terms, tables, strict=True):
        for kind in dict(SCALE_PERIODS):
            period = periods[term.pk, kind]
            submitted_at = (
                period.self_deadline
                - shift_into_past(period.self_deadline)
                - datetime.timedelta(days=1)
            )
            cards += [
                Scorecard(
                    period=period,
                    agency_id=m.agency_id,
                    table=table,
                    status=Scorecard.Status.SUBMITTED,
                    submitted_at=submitted_at,
                    submitted_by=heads.get(m.agency_id),
                )
                for m in members.get(term.pk, [])
            ]
    cards = Scorecard.objects.bulk_create(cards, batch_size=2000)
    # The periods with cards are reviewed (a period without any is left open).
    batch = list({card.period_id: card.period for card in cards}.values())
    reviewers = review_demo.scale_cross_checks(batch, admin)
    lines, index = [], {}
    for card in cards:
        # The card's place among its period's cards, as the agency's index in the points.
        position = index[card.period_id] = index.get(card.period_id, -1) + 1
        kind = card.period.kind
        reviewer = reviewers.get((card.period_id, card.agency_id))
        for leaf in leaves_of[card.table_id]:
            key = (position, leaf.code, kind, reviewer is not None)
            if key not in points:
                self_points = _points(position, leaf, len(kind))
                layers = review_demo.scale_layers(card.period, reviewer, self_points)
                points[key] = (self_points, layers["review_points"], layers["agreed_points"])
            self_points, review_points, agreed_points = points[key]
            lines.append((card.pk, leaf.pk, self_points, review_points, reviewer, agreed_points))
    write_rows(ScoreLine, SCALE_LINE_FIELDS, lines)
    review_demo.scale_agree(batch, cards, admin)


def _scale_periods(terms) -> dict:
    """Both periods of each term, by (term id, kind), as ``_period`` finds or makes them."""
    found = {(p.term_id, p.kind): p for p in Period.objects.filter(term__in=terms)}
    bulk_create_with_history(
        [
            Period(term=term, kind=kind, **_deadlines(term, deadlines))
            for term in terms
            for kind, deadlines in SCALE_PERIODS
            if (term.pk, kind) not in found
        ],
        Period,
    )
    return {(p.term_id, p.kind): p for p in Period.objects.filter(term__in=terms)}
