"""Demo cross-checks, explanations, agreed scores, one board adjustment and one broken tie.

Runs after the scoring demo and does nothing where it left no scorecards. Every period gets a
rotation of cross-checks and review points; the 2025 periods and the 2026 half-year are agreed,
the 2026 year-end stays under review so that the pages can be tried. In the Party bloc's 2026
half-year two agencies end equal on total and the fewer penalty points decide; in its 2025
year-end the board lowers one agreed line with a reason.
"""

import hashlib
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from blocs.models import BlocTerm
from campaigns import layers
from campaigns.demo import acting_people, secretariat_of
from campaigns.models import (
    Criterion,
    CrossCheck,
    Period,
    Scorecard,
    ScoreLine,
    ScoreLineChange,
)
from campaigns.selectors import load_period
from campaigns.services import agreement
from campaigns.services import review as services

QUARTER = Decimal("0.25")
REVIEW_NOTES = [
    "Minh chứng chưa thể hiện đầy đủ kết quả thực hiện.",
    "Báo cáo gửi chậm so với thời hạn của Khối.",
    "Chưa có văn bản triển khai kèm theo.",
]
EXPLANATION = "Đơn vị đã bổ sung văn bản, đề nghị Khối xem xét giữ nguyên điểm tự chấm."


def _hash(*parts) -> int:
    return int.from_bytes(hashlib.sha256("-".join(map(str, parts)).encode()).digest()[:4], "big")


def _review(period, heads, *, differ=True):
    """Every submitted line gets review points from the assigned reviewer, a few lower."""
    checks = {c.reviewed_id: c.reviewer_id for c in CrossCheck.objects.filter(period=period)}
    lines = list(
        ScoreLine.objects.filter(scorecard__period=period, self_points__isnull=False)
        .exclude(scorecard__status=Scorecard.Status.DRAFT)
        .select_related("criterion", "scorecard")
    )
    changes = []
    for line in lines:
        reviewer = checks.get(line.scorecard.agency_id)
        user = heads.get(reviewer)
        if reviewer is None or user is None:
            continue
        value, note = line.self_points, ""
        roll = _hash(period.pk, line.scorecard.agency_id, line.criterion.code) % 100
        if differ and line.criterion.kind == Criterion.Kind.SCORED and roll < 12 and value > 0:
            value = max(value - QUARTER * (1 + roll % 3), Decimal("0"))
            note = REVIEW_NOTES[roll % len(REVIEW_NOTES)]
        line.review_points, line.review_note, line.reviewer_id = value, note, reviewer
        changes.append(
            ScoreLineChange(
                line=line,
                layer=ScoreLineChange.Layer.REVIEW,
                old_value="",
                new_value=str(value),
                note=note,
                changed_by=user,
            )
        )
    ScoreLine.objects.bulk_update(
        lines, ["review_points", "review_note", "reviewer"], batch_size=1000
    )
    ScoreLineChange.objects.bulk_create(changes, batch_size=1000)
    Scorecard.objects.filter(period=period, status=Scorecard.Status.SUBMITTED).update(
        status=Scorecard.Status.REVIEWED
    )
    return [ln for ln in lines if ln.review_points != ln.self_points]


def _explain(differing, heads, limit=4):
    for line in differing[:limit]:
        user = heads.get(line.scorecard.agency_id)
        if user:
            services.record_explanation(line=line, text=EXPLANATION, by=user)


def _agree_some(differing, secretariat, limit=2):
    """The meeting keeps a middle value on a couple of disputed lines (e.g. 96 / 91 → 93)."""
    for line in differing[-limit:]:
        middle = (line.self_points + line.review_points) / 2
        middle = (middle / QUARTER).to_integral_value() * QUARTER
        services.record_agreed(
            line=line, points=middle, note="Thống nhất tại hội nghị của Khối.", by=secretariat
        )


def _make_tie(period, secretariat):
    """Bring two agencies with different penalty points to the same total by an agreed line."""
    period = Period.objects.select_related("term__bloc").get(pk=period.pk)
    data = load_period(period)
    ranked = data.ranked
    best = None
    for i, high in enumerate(ranked):
        for low in ranked[i + 1 :]:
            gap = high.row.total - low.row.total
            if gap <= 0 or high.row.penalty == low.row.penalty:
                continue
            if best is None or gap < best[0]:
                best = (gap, high, low)
    if best is None:
        return
    gap, high, _low = best
    card = data.card_for(high.agency_id)
    leaves = {c.id: c for c in data.trees[card.table_id].leaves}
    for criterion_id, line in sorted(card.lines.items()):
        criterion = leaves.get(criterion_id)
        if criterion is None or criterion.kind != Criterion.Kind.SCORED:
            continue
        value = line.value(upto=layers.AGREED)
        if value is not None and value >= gap:
            line = ScoreLine.objects.select_related("criterion", "scorecard__period__term").get(
                pk=line.pk
            )
            services.record_agreed(
                line=line,
                points=value - gap,
                note="Thống nhất tại hội nghị sơ kết: trừ điểm do chậm triển khai.",
                by=secretariat,
            )
            return


def _board_adjust(period, board):
    line = (
        ScoreLine.objects.filter(
            scorecard__period=period,
            criterion__kind=Criterion.Kind.SCORED,
            agreed_points__gt=1,
            board_points__isnull=True,
        )
        .select_related("criterion", "scorecard__period__term")
        .order_by("scorecard__agency__sort_key", "criterion__order", "id")
        .first()
    )
    if line is not None and not agreement.board_adjusted_lines(period).exists():
        services.adjust_by_board(
            line=line,
            points=line.agreed_points - 1,
            reason=(
                "Qua kiểm tra hồ sơ, đơn vị chưa hoàn thành chỉ tiêu báo cáo quý IV "
                "(Công văn số 215/BTĐKT ngày 12/01/2026)."
            ),
            by=board,
        )


def _run_period(period, heads, secretariat, *, agree, tie=False):
    if CrossCheck.objects.filter(period=period).exists():
        return False
    if not Scorecard.objects.filter(period=period).exists():
        return False
    services.assign_cross_checks(
        period=period, pairs=services.proposed_rotation(period), by=secretariat
    )
    Period.objects.filter(pk=period.pk, status=Period.Status.OPEN).update(
        status=Period.Status.REVIEWING
    )
    period.refresh_from_db()
    differing = _review(period, heads)
    _explain(differing, heads)
    if agree:
        _agree_some(differing, secretariat)
        if tie:
            _make_tie(period, secretariat)
        agreement.agree_period(period=period, by=secretariat)
    return True


def seed(objects: dict) -> None:
    """Create this part's demo data (idempotent); nothing without the scoring demo."""
    board = objects.get("board") or objects["admin"]
    blocs = [objects["party_bloc"], objects["state_bloc"]]
    terms = BlocTerm.objects.filter(bloc__in=blocs, year__in=[2025, 2026]).select_related("bloc")
    for term in terms.order_by("bloc_id", "year"):
        periods = {p.kind: p for p in Period.objects.filter(term=term).select_related("term")}
        if not periods:
            continue
        heads = acting_people(term)
        secretariat = secretariat_of(term, heads, objects["admin"])
        party = term.bloc_id == objects["party_bloc"].pk
        with transaction.atomic():
            semi = periods.get(Period.Kind.SEMIANNUAL)
            if semi:
                _run_period(semi, heads, secretariat, agree=True, tie=party and term.year == 2026)
            annual = periods.get(Period.Kind.ANNUAL)
            if annual:
                done = _run_period(annual, heads, secretariat, agree=term.year == 2025)
                if done and party and term.year == 2025:
                    _board_adjust(annual, board)


def seed_scale(objects: dict, blocs: list) -> None:
    """Cross-checks and review points on the benchmark blocs; their half-year is agreed."""
    admin = objects["admin"]
    for term in BlocTerm.objects.filter(bloc__in=blocs, year=2026):
        for period in Period.objects.filter(term=term).order_by("kind"):
            if CrossCheck.objects.filter(period=period).exists():
                continue
            if not Scorecard.objects.filter(period=period).exists():
                continue
            with transaction.atomic():
                services.assign_cross_checks(
                    period=period, pairs=services.proposed_rotation(period), by=admin
                )
                checks = {
                    c.reviewed_id: c.reviewer_id for c in CrossCheck.objects.filter(period=period)
                }
                for reviewed, reviewer in checks.items():
                    ScoreLine.objects.filter(
                        scorecard__period=period, scorecard__agency_id=reviewed
                    ).update(review_points=F("self_points"), reviewer_id=reviewer)
                Period.objects.filter(pk=period.pk).update(status=Period.Status.REVIEWING)
                period.refresh_from_db()
                if period.kind == Period.Kind.SEMIANNUAL:
                    agreement.agree_period(period=period, by=admin)
