"""Demo cross-checks, explanations, agreed scores, one board adjustment and one broken tie.

Runs after the scoring demo and does nothing where it left no scorecards. Every period gets a
rotation of cross-checks and review points; the 2025 periods and the 2026 half-year are agreed,
the 2026 year-end stays under review so that the pages can be tried. In the Party bloc's 2026
half-year two agencies end equal on total and the fewer penalty points decide; in its 2025
year-end the board lowers one agreed line with a reason.
"""

import hashlib
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from blocs.models import BlocTerm, Membership
from campaigns import crosscheck, layers
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
from campaigns.services.points import history_value

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


# The benchmark blocs (``scoring_scale.seed_scale``) are reviewed as the rotation proposes, each
# reviewer giving the self points, and their half-year is agreed; written in bulk as the cards
# are, with what ``services.assign_cross_checks`` and ``agreement.agree_period`` leave: the same
# audit trail and score-line history. The benchmark agencies have no people: nobody is notified.
SCALE_AGREED = {Period.Kind.SEMIANNUAL}


def scale_cross_checks(periods, admin) -> dict:
    """Assign each period's proposed rotation and open its review: (period id, reviewed agency
    id) → reviewer agency id."""
    members = {}
    for m in (
        Membership.objects.filter(term__in={p.term_id for p in periods}, left_on__isnull=True)
        .select_related("agency")
        .order_by("agency__sort_key", "agency_id")
    ):
        members.setdefault(m.term_id, []).append(m.agency_id)
    checks = [
        CrossCheck(period=period, reviewer_id=a, reviewed_id=b, assigned_by=admin)
        for period in periods
        for a, b in crosscheck.rotation(members.get(period.term_id, []), shift=1)
    ]
    bulk_create_with_history(checks, CrossCheck, batch_size=2000, default_user=admin)
    Period.objects.filter(pk__in=[p.pk for p in periods]).update(status=Period.Status.REVIEWING)
    for period in periods:
        period.status = Period.Status.REVIEWING
    return {(c.period_id, c.reviewed_id): c.reviewer_id for c in checks}


def scale_layers(period, reviewer_id, self_points) -> dict:
    """The review and agreed layers of a benchmark line whose card ``reviewer_id`` reviews."""
    line = ScoreLine(self_points=self_points)
    if reviewer_id is not None:
        line.review_points, line.reviewer_id = self_points, reviewer_id
    if period.kind in SCALE_AGREED:
        line.agreed_points = line.value(upto=layers.REVIEW)
    return {
        "review_points": line.review_points,
        "reviewer_id": line.reviewer_id,
        "agreed_points": line.agreed_points,
    }


def scale_agree(periods, cards, admin):
    """Once the lines of ``cards`` are written, what ``agreement.agree_period`` leaves on the
    agreed ones: a history row and a score-line change for each line given agreed points, the
    cards and periods agreed."""
    periods = [p for p in periods if p.kind in SCALE_AGREED]
    ids = {p.pk for p in periods}
    cards = [c for c in cards if c.period_id in ids and c.status != Scorecard.Status.DRAFT]
    if not cards:
        return
    now = timezone.now()
    agreed = ScoreLine.objects.filter(scorecard__in=cards, agreed_points__isnull=False)
    trail = ScoreLine.history.model
    tracked = [f.attname for f in trail.tracked_fields]
    row = trail(history_date=now, history_user=admin, history_type="~")
    _insert_select(
        trail,
        agreed,
        {
            **{name: F(name) for name in tracked},
            **{
                f.attname: Value(getattr(row, f.attname), output_field=f)
                for f in trail._meta.concrete_fields
                if f.attname not in tracked and f.attname != "history_id"
            },
        },
    )
    points = agreed.order_by().values_list("agreed_points", flat=True).distinct()
    _insert_select(
        ScoreLineChange,
        agreed,
        {
            "line_id": F("pk"),
            "layer": Value(ScoreLineChange.Layer.AGREED),
            "old_value": Value(""),
            "new_value": Case(
                *(When(agreed_points=p, then=Value(history_value(p))) for p in points),
                default=Value(""),
            ),
            # As ``agreement.agree_period`` words it.
            "note": Value(_("Thống nhất theo điểm chấm chéo (mặc định).")),
            "changed_by_id": Value(admin.pk),
            "changed_at": Value(now, output_field=ScoreLineChange._meta.get_field("changed_at")),
        },
    )
    for card in cards:
        card.status = Scorecard.Status.AGREED
    bulk_update_with_history(cards, Scorecard, ["status"], batch_size=1000, default_user=admin)
    for period in periods:
        period.status, period.agreed_at, period.agreed_by = Period.Status.AGREED, now, admin
    bulk_update_with_history(
        periods, Period, ["status", "agreed_at", "agreed_by"], default_user=admin
    )


def _insert_select(model, source, columns: dict) -> None:
    """Insert one ``model`` row for each row of the queryset ``source``, in one statement that
    the database runs: ``columns`` maps each field's attname to its expression over ``source``."""
    aliases = {f"column_{i}": name for i, name in enumerate(columns)}
    query = source.order_by().annotate(**dict(zip(aliases, columns.values(), strict=True)))
    compiler = query.values_list(*aliases).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    # The columns in the order the select lists them.
    names = [aliases[alias] for _expression, _sql, alias in compiler.select]
    quote = connection.ops.quote_name
    fields = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({fields}) {sql}", params)
