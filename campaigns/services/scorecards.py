"""Writes of scorecards: opening, the member's draft and its evidence, submission, reopening."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from blocs.history import record_by
from campaigns import evidence as evidence_checks
from campaigns.models import (
    Criterion,
    Evidence,
    Period,
    Scorecard,
    ScorecardEvent,
    ScoreLine,
    ScoreLineChange,
    format_deadline,
    rules_for,
)
from campaigns.scoring import CriteriaTree, line_problem
from campaigns.services.criteria import criterion_label, current_table
from campaigns.services.periods import effective_deadline, lock_period, refuse_if_agreed
from campaigns.services.points import (
    history_value,
    parse_points,
    points_label,
    storable_problem,
    validate_points,
)

# The points of an entry that leaves the line's stored points as they are (only its note came).
UNCHANGED = object()


def _existing_card(period, agency) -> Scorecard | None:
    return Scorecard.objects.filter(period=period, agency=agency).first()


@transaction.atomic
def open_scorecard(*, period: Period, agency, by=None) -> Scorecard:
    """The agency's scorecard in ``period``, created with one line per leaf of the table."""
    existing = _existing_card(period, agency)
    if existing is not None:
        return existing
    refuse_if_agreed(Period.objects.get(pk=period.pk))
    table = current_table(period.term)
    if table is None:
        raise ValidationError(_("Bảng tiêu chí của năm chưa được thông qua nên chưa thể chấm."))
    # Two clicks on "start" race to create the same card: the unique constraint decides, and
    # the loser returns the winner's card.
    try:
        with transaction.atomic():
            scorecard = Scorecard(period=period, agency=agency, table=table)
            record_by(scorecard, by).save()
            leaves = table.criteria.exclude(kind=Criterion.Kind.GROUP).values_list("pk", flat=True)
            bulk_create_with_history(
                [ScoreLine(scorecard=scorecard, criterion_id=pk) for pk in leaves],
                ScoreLine,
                default_user=by,
            )
    except IntegrityError:
        return Scorecard.objects.get(period=period, agency=agency)
    return scorecard


def _points_problem(points, criterion, step) -> str:
    """Why ``points`` cannot be stored on the criterion's line, or "" (blank always can)."""
    if points is None:
        return ""
    try:
        value = parse_points(points)
    except ValueError:
        return _("Điểm phải là một số, ví dụ 7,5.")
    problem = storable_problem(value)
    if problem:
        return problem
    try:
        validate_points(value, criterion=criterion, step=step)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


@transaction.atomic
def save_self_scores(*, scorecard: Scorecard, by, entries: dict) -> int:
    """Store the member's points and notes; ``entries`` maps criterion id → (points, note).

    Only the lines in ``entries`` change; a ``None`` note leaves the line's note as it was and
    ``UNCHANGED`` points leave its points. Points out of the criterion's range, off the term's
    step or negative refuse the whole save: the ``ValidationError`` maps ``points-<criterion
    id>`` to the reason, and nothing is stored.

    Returns the number of lines changed; each change is written to the line's history.
    """
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("period__term")
        .get(pk=scorecard.pk)
    )
    refuse_if_agreed(scorecard.period)
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể sửa."))
    lines = {
        line.criterion_id: line
        for line in ScoreLine.objects.filter(scorecard=scorecard)
        .exclude(criterion__kind=Criterion.Kind.GROUP)
        .select_related("criterion")
    }
    step = rules_for(scorecard.period.term).score_step
    problems = {}
    for criterion_id, (points, _note) in entries.items():
        line = lines.get(criterion_id)
        if line is None or points is UNCHANGED:
            continue
        problem = _points_problem(points, line.criterion, step)
        if problem:
            problems[f"points-{criterion_id}"] = problem
    # The line's live total caps a value out of range, but the stored value must never be one:
    # the history, the review layers and the agreement all start from it.
    if problems:
        raise ValidationError(problems)
    changes, changed = [], []
    for criterion_id, (points, note) in entries.items():
        line = lines.get(criterion_id)
        if line is None:
            continue
        # A note the request did not carry stays as it was, and so do points it did not carry.
        note = line.self_note if note is None else note.strip()
        if points is UNCHANGED:
            points = line.self_points
        elif points is not None:
            points = validate_points(points, criterion=line.criterion, step=step)
        if line.self_points == points and line.self_note == note:
            continue
        value = history_value(points)
        changes.append(
            ScoreLineChange(
                line=line,
                layer=ScoreLineChange.Layer.SELF,
                old_value=history_value(line.self_points) if line.self_points != points else value,
                new_value=value,
                note=note,
                changed_by=by,
            )
        )
        line.self_points, line.self_note = points, note
        changed.append(line)
    bulk_update_with_history(changed, ScoreLine, ["self_points", "self_note"], default_user=by)
    ScoreLineChange.objects.bulk_create(changes)
    return len(changed)


@transaction.atomic
def attach_evidence(
    *, scorecard: Scorecard, criterion: Criterion, uploaded, by, replaces: Evidence | None = None
) -> Evidence:
    """Store a checked evidence file for a line; a replaced file stays in history."""
    refuse_if_agreed(Period.objects.get(pk=scorecard.period_id))
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể thêm minh chứng."))
    if criterion.table_id != scorecard.table_id or criterion.kind == Criterion.Kind.GROUP:
        raise ValidationError(_("Tiêu chí không thuộc phiếu này."))
    checked = evidence_checks.check_upload(uploaded)
    evidence = Evidence(
        scorecard=scorecard,
        criterion=criterion,
        original_name=(uploaded.name or "")[-255:],
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=by,
    )
    uploaded.seek(0)
    evidence.file.save(f"{uuid.uuid4().hex}.{checked.kind}", uploaded, save=False)
    record_by(evidence, by).save()
    if replaces is not None:
        if replaces.scorecard_id != scorecard.pk or not replaces.is_current:
            raise ValidationError(_("Minh chứng cần thay không còn hiệu lực."))
        replaces.replaced_by = evidence
        record_by(replaces, by).save(update_fields=["replaced_by"])
    return evidence


@transaction.atomic
def withdraw_evidence(*, evidence: Evidence, by) -> Evidence:
    """Take a file off a draft line; the file itself is kept for the record."""
    refuse_if_agreed(Period.objects.get(pk=evidence.scorecard.period_id))
    if not evidence.scorecard.is_editable:
        raise ValidationError(_("Phiếu đã nộp, không thể gỡ minh chứng."))
    if evidence.is_current:
        evidence.withdrawn_at = timezone.now()
        record_by(evidence, by).save(update_fields=["withdrawn_at"])
    return evidence


@transaction.atomic
def save_scorecard_draft(
    *, scorecard: Scorecard, by, entries: dict, uploads=(), replacements=(), withdrawals=()
) -> tuple[int, int]:
    """Save a member's draft as one whole: points and notes, then evidence files.

    ``entries`` as for :func:`save_self_scores`; ``uploads`` are (criterion, file) pairs,
    ``replacements`` (current evidence, file) pairs and ``withdrawals`` evidence ids. Nothing is
    kept when any part is refused. Returns (lines changed, files added).
    """
    changed = save_self_scores(scorecard=scorecard, by=by, entries=entries)
    for evidence in Evidence.objects.filter(scorecard=scorecard, pk__in=list(withdrawals)):
        if evidence.is_current:
            withdraw_evidence(evidence=evidence, by=by)
    criteria = {c.pk: c for c in Criterion.objects.filter(table_id=scorecard.table_id)}
    for old, upload in replacements:
        attach_evidence(
            scorecard=scorecard,
            criterion=criteria[old.criterion_id],
            uploaded=upload,
            by=by,
            replaces=old,
        )
    for criterion, upload in uploads:
        attach_evidence(scorecard=scorecard, criterion=criterion, uploaded=upload, by=by)
    return changed, len(uploads) + len(replacements)


def submission_problems(
    *, scorecard: Scorecard, criteria, lines, evidence, deadline, now
) -> list[str]:
    """Why the card cannot be submitted, one message per line at fault (Vietnamese)."""
    step = rules_for(scorecard.period.term).score_step
    by_criterion = {line.criterion_id: line for line in lines}
    with_evidence = {e.criterion_id for e in evidence if e.is_current}
    problems = []
    if now > deadline:
        problems.append(
            _("Đã quá hạn tự chấm (%(deadline)s).") % {"deadline": format_deadline(deadline)}
        )
    for criterion in CriteriaTree(criteria).leaves:
        line = by_criterion.get(criterion.id)
        value = line.self_points if line else None
        label = criterion_label(criterion)
        if value is None and criterion.kind == Criterion.Kind.SCORED:
            problems.append(_("%(line)s: chưa nhập điểm.") % {"line": label})
            continue
        problem = line_problem(value, criterion.max_points, step)
        if problem == "range":
            problems.append(
                _("%(line)s: điểm %(value)s nằm ngoài khoảng 0 – %(max)s.")
                % {
                    "line": label,
                    "value": points_label(value),
                    "max": points_label(criterion.max_points),
                }
            )
        elif problem == "step":
            problems.append(
                _("%(line)s: điểm %(value)s không phải bội số của bước điểm %(step)s.")
                % {"line": label, "value": points_label(value), "step": points_label(step)}
            )
        if criterion.evidence_required and value and criterion.id not in with_evidence:
            problems.append(_("%(line)s: thiếu minh chứng bắt buộc.") % {"line": label})
    return problems


@transaction.atomic
def submit_scorecard(*, scorecard: Scorecard, by, now=None) -> Scorecard:
    """Submit the self-score (the head only; checked by the caller's access rights)."""
    # The period first, as ``agree_period`` locks it before the cards: a card submitted while
    # the period is being agreed would otherwise enter the ranking without agreed points.
    lock_period(scorecard.period_id)
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("period__term")
        .get(pk=scorecard.pk)
    )
    if not scorecard.is_editable:
        raise ValidationError(_("Phiếu đã được nộp."))
    now = now or timezone.now()
    problems = submission_problems(
        scorecard=scorecard,
        criteria=scorecard.table.criteria.all(),
        lines=scorecard.lines.all(),
        evidence=scorecard.evidence.all(),
        deadline=effective_deadline(scorecard.period, scorecard.agency_id),
        now=now,
    )
    if problems:
        raise ValidationError(problems)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = now
    scorecard.submitted_by = by
    record_by(scorecard, by).save(update_fields=["status", "submitted_at", "submitted_by"])
    ScorecardEvent.objects.create(scorecard=scorecard, kind=ScorecardEvent.Kind.SUBMITTED, by=by)
    return scorecard


@transaction.atomic
def reopen_scorecard(*, scorecard: Scorecard, by, reason: str) -> Scorecard:
    """Give a submitted card back to the member as a draft (the secretariat, with a reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi lý do mở lại phiếu.")})
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status != Scorecard.Status.SUBMITTED:
        raise ValidationError(_("Chỉ mở lại được phiếu đã nộp và chưa chấm chéo."))
    scorecard.status = Scorecard.Status.DRAFT
    record_by(scorecard, by).save(update_fields=["status"])
    ScorecardEvent.objects.create(
        scorecard=scorecard, kind=ScorecardEvent.Kind.REOPENED, reason=reason, by=by
    )
    return scorecard


def recall_refusal(*, scorecard: Scorecard, now, deadline, reviewed: bool) -> str:
    """Why the agency can no longer take its submitted card back (Vietnamese), or ""."""
    if scorecard.period.status == Period.Status.AGREED:
        return _("Kỳ chấm điểm đã thống nhất; không thể rút lại phiếu.")
    if scorecard.status != Scorecard.Status.SUBMITTED:
        if scorecard.status == Scorecard.Status.DRAFT:
            return _("Phiếu chưa được nộp nên không có gì để rút lại.")
        return _("Phiếu đã được chấm chéo nên không thể rút lại; hãy đề nghị thư ký khối mở lại.")
    if reviewed:
        return _("Đơn vị chấm chéo đã bắt đầu chấm phiếu này nên không thể rút lại.")
    if now > deadline:
        return _(
            "Đã quá hạn tự chấm (%(deadline)s) nên không thể rút lại phiếu; hãy đề nghị thư ký "
            "khối mở lại."
        ) % {"deadline": format_deadline(deadline)}
    return ""


@transaction.atomic
def recall_scorecard(*, scorecard: Scorecard, by, now=None) -> Scorecard:
    """The agency takes its own submitted card back as a draft, before the self-score deadline
    and before any cross-check line is written (the caller checks the agency's rights)."""
    lock_period(scorecard.period_id)
    scorecard = (
        Scorecard.objects.select_for_update(of=("self",))
        .select_related("period__term")
        .get(pk=scorecard.pk)
    )
    now = now or timezone.now()
    problem = recall_refusal(
        scorecard=scorecard,
        now=now,
        deadline=effective_deadline(scorecard.period, scorecard.agency_id),
        reviewed=scorecard.lines.filter(review_points__isnull=False).exists(),
    )
    if problem:
        raise ValidationError(problem)
    scorecard.status = Scorecard.Status.DRAFT
    scorecard.submitted_at = None
    scorecard.submitted_by = None
    record_by(scorecard, by).save(update_fields=["status", "submitted_at", "submitted_by"])
    ScorecardEvent.objects.create(scorecard=scorecard, kind=ScorecardEvent.Kind.RECALLED, by=by)
    return scorecard
