"""Cross-checks, the review layers of score lines, agreement, board adjustments and the ranking.

Each layer of a line is written by one role and never overwrites another: review points by the
assigned cross-checking agency, the explanation by the member, agreed points by the secretariat,
board points by the provincial board. Every change writes a ``ScoreLineChange`` (who, when,
old → new, note or reason). Once a period is agreed only the board may still change a line.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Membership
from campaigns import crosscheck, ranking
from campaigns.models import (
    Criterion,
    CrossCheck,
    Period,
    Scorecard,
    ScoreLine,
    ScoreLineChange,
    rules_for,
)
from campaigns.scoring import CriterionSpec, compute_totals

LAYERS = ("self", "review", "agreed", "board")
LAYER_FIELDS = {
    "self": "self_points",
    "review": "review_points",
    "agreed": "agreed_points",
    "board": "board_points",
}


# --- Reading a period: the ORM → plain values adapter ------------------------------------------


@dataclass
class CardData:
    scorecard: Scorecard
    lines: dict  # criterion id → ScoreLine
    totals: object = None
    totals_before_board: object = None
    first_group: Decimal = Decimal("0")


@dataclass
class PeriodData:
    """Everything the grid, the ranking and the exports read, in a constant number of queries."""

    period: Period
    criteria: dict  # table id → [Criterion] in table order
    specs: dict  # table id → [CriterionSpec]
    cards: list  # [CardData] in Vietnamese agency order
    cross_checks: list
    ranked: list = field(default_factory=list)
    ranked_before_board: list = field(default_factory=list)

    @property
    def term(self):
        return self.period.term

    def card_for(self, agency_id):
        for card in self.cards:
            if card.scorecard.agency_id == agency_id:
                return card
        return None

    def reviewer_of(self, agency_id):
        for cc in self.cross_checks:
            if cc.reviewed_id == agency_id:
                return cc.reviewer
        return None

    @property
    def main_criteria(self):
        """The criteria of the most used table (the adopted one for almost every period)."""
        if not self.criteria:
            return []
        counts = {}
        for card in self.cards:
            counts[card.scorecard.table_id] = counts.get(card.scorecard.table_id, 0) + 1
        table_id = max(self.criteria, key=lambda t: (counts.get(t, 0), t))
        return self.criteria[table_id]

    @property
    def has_board_changes(self):
        return any(
            line.board_points is not None for card in self.cards for line in card.lines.values()
        )


def layer_value(line, upto="board"):
    """The latest layer present on ``line`` up to ``upto`` (``board`` gives the final value)."""
    stop = LAYERS.index(upto)
    for layer in reversed(LAYERS[: stop + 1]):
        value = getattr(line, LAYER_FIELDS[layer])
        if value is not None:
            return value
    return None


def _first_group_id(criteria):
    for c in criteria:
        if c.parent_id is None and c.kind == Criterion.Kind.GROUP:
            return c.id
    return None


def load_period(period, *, include_drafts=False, meeting_votes=None) -> PeriodData:
    """Load a period's scorecards, lines, criteria and cross-checks, and rank it.

    Four queries whatever the number of agencies or criteria. Draft scorecards are left out of
    the ranking (they are nobody's score yet) unless ``include_drafts``. ``meeting_votes`` maps
    an agency id to its review-meeting votes, for the ``meeting_votes`` tie-break; the meeting
    lives in the awards app, which passes them in (campaigns never imports awards).
    """
    meeting_votes = meeting_votes or {}
    cards = list(
        Scorecard.objects.filter(period=period)
        .select_related("agency", "table")
        .prefetch_related(
            Prefetch("lines", queryset=ScoreLine.objects.select_related("reviewer").order_by())
        )
        .order_by("agency__sort_key", "agency_id")
    )
    table_ids = {c.table_id for c in cards}
    criteria = {}
    for c in Criterion.objects.filter(table_id__in=table_ids).order_by("table_id", "order", "id"):
        criteria.setdefault(c.table_id, []).append(c)
    specs = {
        table_id: [
            CriterionSpec(
                id=c.id, parent_id=c.parent_id, kind=c.kind, max_points=c.max_points, code=c.code
            )
            for c in rows
        ]
        for table_id, rows in criteria.items()
    }
    cross_checks = list(
        CrossCheck.objects.filter(period=period)
        .select_related("reviewer", "reviewed")
        .order_by("reviewer__sort_key", "reviewer_id", "id")
    )
    data = PeriodData(
        period=period,
        criteria=criteria,
        specs=specs,
        cards=[
            CardData(scorecard=card, lines={line.criterion_id: line for line in card.lines.all()})
            for card in cards
        ],
        cross_checks=cross_checks,
    )
    term = period.term
    rows, rows_before = [], []
    for card in data.cards:
        sc = card.scorecard
        table = sc.table
        first = _first_group_id(criteria.get(sc.table_id, []))
        for upto, attr in (("board", "totals"), ("agreed", "totals_before_board")):
            values = {cid: layer_value(line, upto) for cid, line in card.lines.items()}
            totals = compute_totals(
                specs.get(sc.table_id, []),
                values,
                base_max=table.base_max,
                bonus_cap=table.bonus_cap,
                penalty_cap=table.penalty_cap,
            )
            setattr(card, attr, totals)
        card.first_group = card.totals.group_sums.get(first, Decimal("0"))
        if sc.status == Scorecard.Status.DRAFT and not include_drafts:
            continue
        for totals, out in ((card.totals, rows), (card.totals_before_board, rows_before)):
            out.append(
                ranking.RankInput(
                    agency_id=sc.agency_id,
                    name=sc.agency.name,
                    sort_key=sc.agency.sort_key,
                    abbreviation=sc.agency.abbreviation,
                    base=totals.base,
                    bonus=totals.bonus,
                    penalty=totals.penalty,
                    total=totals.total,
                    first_group=totals.group_sums.get(first, Decimal("0")),
                    meeting_votes=meeting_votes.get(sc.agency_id),
                )
            )
    rules = rules_for(term)
    data.ranked = ranking.rank(rows, tie_breaks=rules.tie_breaks, bands=rules.bands)
    data.ranked_before_board = ranking.rank(
        rows_before, tie_breaks=rules.tie_breaks, bands=rules.bands
    )
    return data


def export_rows(data: PeriodData) -> list[dict]:
    """The ranking as plain rows (points as decimal strings), as ``export_ranking`` prints it."""
    rows = []
    for r in data.ranked:
        rows.append(
            {
                "rank": r.rank,
                "agency": r.row.name,
                "agency_abbr": r.row.abbreviation,
                "base": str(r.row.base),
                "bonus": str(r.row.bonus),
                "penalty": str(r.row.penalty),
                "total": str(r.row.total),
                "classification": r.band.label if r.band else "",
                "tie_break": r.tie_break_label,
            }
        )
    return rows


def export_document(data: PeriodData) -> dict:
    term = data.term
    return {
        "bloc": term.bloc.code,
        "year": term.year,
        "period": data.period.kind,
        "rows": export_rows(data),
    }


EXPORT_COLUMNS = [
    "rank",
    "agency",
    "agency_abbr",
    "base",
    "bonus",
    "penalty",
    "total",
    "classification",
    "tie_break",
]


def render_export(data: PeriodData, fmt: str) -> bytes:
    """The ranking as JSON, CSV (UTF-8 with BOM, for Excel) or XLSX bytes."""
    import csv
    import io
    import json

    document = export_document(data)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(document["rows"])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Xếp hạng")[:31]
        sheet.append(
            [
                _("Hạng"),
                _("Cơ quan, đơn vị"),
                _("Viết tắt"),
                _("Điểm chuẩn"),
                _("Điểm thưởng"),
                _("Điểm trừ"),
                _("Tổng điểm"),
                _("Xếp loại"),
                _("Phân định khi bằng điểm"),
            ]
        )
        for row in document["rows"]:
            sheet.append(
                [
                    row["rank"],
                    row["agency"],
                    row["agency_abbr"],
                    *(Decimal(row[k]) for k in ("base", "bonus", "penalty", "total")),
                    row["classification"],
                    row["tie_break"],
                ]
            )
        for col in "DEFG":
            for cell in sheet[col][1:]:
                cell.number_format = "0.00"
        sheet.column_dimensions["B"].width = 48
        sheet.column_dimensions["I"].width = 40
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"Unknown format {fmt!r}")


# --- Cross-check assignment --------------------------------------------------------------------


def current_members(term):
    return list(
        Membership.objects.filter(term=term, left_on__isnull=True)
        .select_related("agency")
        .order_by("agency__sort_key", "agency_id")
    )


def _refuse_if_agreed(period):
    if period.status == Period.Status.AGREED:
        raise ValidationError(_("Kỳ chấm điểm đã thống nhất; không thể thay đổi nữa."))


@transaction.atomic
def assign_cross_checks(*, period: Period, pairs, by) -> list[CrossCheck]:
    """Replace the period's cross-check assignment with ``pairs`` of (reviewer, reviewed) ids."""
    _refuse_if_agreed(period)
    members = current_members(period.term)
    names = {m.agency_id: m.agency.name for m in members}
    pairs = [(int(a), int(b)) for a, b in pairs]
    errors = crosscheck.check_assignment(list(names), pairs, names=names)
    errors += _reviewed_already(period, dict((b, a) for a, b in pairs), names)
    if errors:
        raise ValidationError(errors)
    CrossCheck.objects.filter(period=period).delete()
    checks = [
        CrossCheck(period=period, reviewer_id=a, reviewed_id=b, assigned_by=by) for a, b in pairs
    ]
    for check in checks:
        check.full_clean(validate_constraints=False)
    return CrossCheck.objects.bulk_create(checks)


def _reviewed_already(period: Period, reviewer_of: dict, names: dict) -> list[str]:
    """Refuse to take a card from the agency that already entered review points on it.

    The review layer records its author; moving the card to another reviewer would leave
    points under a reviewer who is no longer assigned.
    """
    done = (
        ScoreLine.objects.filter(
            scorecard__period=period, review_points__isnull=False, reviewer__isnull=False
        )
        .values_list("scorecard__agency_id", "reviewer_id")
        .distinct()
    )
    errors = []
    for reviewed_id, reviewer_id in sorted(set(done)):
        if reviewer_of.get(reviewed_id) != reviewer_id:
            errors.append(
                _(
                    "%(reviewer)s đã chấm chéo %(reviewed)s; không thể đổi hoặc bỏ phân công "
                    "này khi đã có điểm chấm chéo."
                )
                % {
                    "reviewer": names.get(reviewer_id, reviewer_id),
                    "reviewed": names.get(reviewed_id, reviewed_id),
                }
            )
    return errors


def proposed_rotation(period: Period, *, shift=1) -> list[tuple]:
    """The balanced rotation offered to the secretariat, over current members in name order."""
    return crosscheck.rotation([m.agency_id for m in current_members(period.term)], shift=shift)


# --- Layers of a line --------------------------------------------------------------------------


def parse_points(value, *, criterion, step=None, field_label=None) -> Decimal:
    """Validate points for a criterion: a decimal from 0 to its maximum, on the term's step."""
    try:
        points = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Điểm phải là một số, ví dụ 7,5.")) from None
    if not points.is_finite() or points < 0 or points > criterion.max_points:
        raise ValidationError(
            _("Điểm của tiêu chí %(code)s phải từ 0 đến %(max)s.")
            % {"code": criterion.code, "max": criterion.max_points}
        )
    if step and Decimal(step) > 0 and points % Decimal(step) != 0:
        raise ValidationError(
            _("Điểm phải là bội số của %(step)s.") % {"step": Decimal(step).normalize()}
        )
    return points.quantize(Decimal("0.01"))


def _text(value):
    return "" if value is None else str(value)


def _log(line, layer, old, new, note, by):
    return ScoreLineChange.objects.create(
        line=line, layer=layer, old_value=_text(old), new_value=_text(new), note=note, changed_by=by
    )


def _lock(line) -> ScoreLine:
    """Lock the period, then the line, and refuse once the period is agreed.

    The period row is locked first (as ``agree_period`` does) so that a layer written while the
    period is being agreed waits for the agreement and then sees it.
    """
    period_id = ScoreLine.objects.filter(pk=line.pk).values_list("scorecard__period_id", flat=True)[
        0
    ]
    period = Period.objects.select_for_update(of=("self",)).select_related("term").get(pk=period_id)
    line = (
        ScoreLine.objects.select_for_update(of=("self",))
        .select_related("criterion", "scorecard")
        .get(pk=line.pk)
    )
    line.scorecard.period = period
    return line


@transaction.atomic
def record_review(*, line: ScoreLine, points, note: str, reviewer_id: int, by) -> ScoreLine:
    """The assigned reviewer's points for a line; a note is required when they differ from self."""
    line = _lock(line)
    card = line.scorecard
    _refuse_if_agreed(card.period)
    if not CrossCheck.objects.filter(
        period=card.period, reviewer_id=reviewer_id, reviewed_id=card.agency_id
    ).exists():
        raise ValidationError(_("Đơn vị của bạn không được phân công chấm chéo phiếu này."))
    if card.status == Scorecard.Status.DRAFT:
        raise ValidationError(_("Phiếu chưa được nộp nên chưa thể chấm chéo."))
    points = parse_points(
        points, criterion=line.criterion, step=rules_for(card.period.term).score_step
    )
    note = (note or "").strip()
    if points != line.self_points and not note:
        raise ValidationError(
            {"note": _("Điểm chấm chéo khác điểm tự chấm: cần ghi nhận xét nêu lý do.")}
        )
    old = line.review_points
    line.review_points, line.review_note, line.reviewer_id = points, note, reviewer_id
    line.save(update_fields=["review_points", "review_note", "reviewer"])
    _log(line, ScoreLineChange.Layer.REVIEW, old, points, note, by)
    if card.status == Scorecard.Status.SUBMITTED:
        card.status = Scorecard.Status.REVIEWED
        card.save(update_fields=["status"])
    return line


@transaction.atomic
def record_explanation(*, line: ScoreLine, text: str, by) -> ScoreLine:
    """The member's explanation of a line (giải trình), before agreement."""
    line = _lock(line)
    _refuse_if_agreed(line.scorecard.period)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy nhập nội dung giải trình.")})
    old = line.explanation
    line.explanation = text
    line.save(update_fields=["explanation"])
    _log(line, ScoreLineChange.Layer.EXPLANATION, old, text[:50], text, by)
    return line


@transaction.atomic
def record_agreed(*, line: ScoreLine, points, note: str, by) -> ScoreLine:
    """The secretariat's agreed points for a line, before the period is agreed."""
    line = _lock(line)
    period = line.scorecard.period
    _refuse_if_agreed(period)
    if line.scorecard.status == Scorecard.Status.DRAFT:
        raise ValidationError(_("Phiếu chưa được nộp nên chưa thể ghi điểm thống nhất."))
    points = parse_points(points, criterion=line.criterion, step=rules_for(period.term).score_step)
    old = line.agreed_points
    line.agreed_points, line.agreed_note = points, (note or "").strip()
    line.save(update_fields=["agreed_points", "agreed_note"])
    _log(line, ScoreLineChange.Layer.AGREED, old, points, line.agreed_note, by)
    return line


@transaction.atomic
def agree_period(*, period: Period, by) -> Period:
    """Close the period for members: every line without agreed points takes the review points
    (or the self points where nobody reviewed it), each recorded in the history."""
    period = Period.objects.select_for_update().select_related("term").get(pk=period.pk)
    _refuse_if_agreed(period)
    if not Scorecard.objects.filter(period=period).exclude(status=Scorecard.Status.DRAFT).exists():
        raise ValidationError(_("Chưa có phiếu nào được nộp; chưa thể thống nhất điểm."))
    pending = list(
        ScoreLine.objects.filter(scorecard__period=period, agreed_points__isnull=True)
        .exclude(scorecard__status=Scorecard.Status.DRAFT)
        .select_related("criterion")
    )
    changes = []
    for line in pending:
        value = layer_value(line, "review")
        if value is None:
            continue
        line.agreed_points = value
        changes.append(
            ScoreLineChange(
                line=line,
                layer=ScoreLineChange.Layer.AGREED,
                old_value="",
                new_value=str(value),
                note=_("Thống nhất theo điểm chấm chéo (mặc định)."),
                changed_by=by,
            )
        )
    ScoreLine.objects.bulk_update([c.line for c in changes], ["agreed_points"], batch_size=1000)
    ScoreLineChange.objects.bulk_create(changes, batch_size=1000)
    Scorecard.objects.filter(period=period).exclude(status=Scorecard.Status.DRAFT).update(
        status=Scorecard.Status.AGREED
    )
    period.status, period.agreed_at, period.agreed_by = Period.Status.AGREED, timezone.now(), by
    period.save(update_fields=["status", "agreed_at", "agreed_by"])
    return period


@transaction.atomic
def adjust_by_board(*, line: ScoreLine, points, reason: str, by) -> ScoreLine:
    """The board's adjustment of an agreed line, with a required reason; agreed points stay."""
    line = _lock(line)
    period = line.scorecard.period
    if period.status != Period.Status.AGREED:
        raise ValidationError(
            _("Ban Thi đua – Khen thưởng chỉ điều chỉnh điểm sau khi khối đã thống nhất điểm.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Điều chỉnh điểm phải có lý do.")})
    points = parse_points(points, criterion=line.criterion, step=rules_for(period.term).score_step)
    # The history shows the value the board changed (e.g. agreed 93 → 90), not just its layer.
    old = line.final_points
    line.board_points, line.board_reason = points, reason
    line.save(update_fields=["board_points", "board_reason"])
    _log(line, ScoreLineChange.Layer.BOARD, old, points, reason, by)
    return line
