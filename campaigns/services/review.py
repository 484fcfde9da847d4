"""Cross-checks, the review layers of score lines and board adjustments.

Each layer of a line is written by one role and never overwrites another: review points by the
assigned cross-checking agency, the explanation by the member, agreed points by the secretariat,
board points by the provincial board. Every change writes a ``ScoreLineChange`` (who, when,
old → new, note or reason). Once a period is agreed (``services.agreement``) only the board
may still change a line.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from blocs.history import delete_with_history, record_by
from blocs.models import Membership
from campaigns import crosscheck
from campaigns.models import (
    CrossCheck,
    Period,
    Scorecard,
    ScoreLine,
    ScoreLineChange,
    rules_for,
)
from campaigns.services import notifications
from campaigns.services.periods import refuse_if_agreed
from campaigns.services.points import history_value, validate_points


def current_members(term):
    return list(
        Membership.objects.filter(term=term, left_on__isnull=True)
        .select_related("agency")
        .order_by("agency__sort_key", "agency_id")
    )


@transaction.atomic
def assign_cross_checks(*, period: Period, pairs, by) -> list[CrossCheck]:
    """Replace the period's cross-check assignment with ``pairs`` of (reviewer, reviewed) ids."""
    refuse_if_agreed(period)
    members = current_members(period.term)
    names = {m.agency_id: m.agency.name for m in members}
    pairs = [(int(a), int(b)) for a, b in pairs]
    errors = crosscheck.check_assignment(list(names), pairs, names=names)
    errors += _reviewed_already(period, dict((b, a) for a, b in pairs), names)
    if errors:
        raise ValidationError(errors)
    delete_with_history(CrossCheck.objects.filter(period=period), by=by)
    checks = [
        CrossCheck(period=period, reviewer_id=a, reviewed_id=b, assigned_by=by) for a, b in pairs
    ]
    for check in checks:
        check.full_clean(validate_constraints=False)
    checks = bulk_create_with_history(checks, CrossCheck, default_user=by)
    notifications.crosschecks_assigned(period=period, checks=checks)
    return checks


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


NOTE_NEEDED = _lazy("Điểm chấm chéo khác điểm tự chấm: cần ghi nhận xét nêu lý do.")


def _log(line, layer, old, new, note, by):
    return ScoreLineChange.objects.create(
        line=line,
        layer=layer,
        old_value=history_value(old),
        new_value=history_value(new),
        note=note,
        changed_by=by,
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
def record_review(*, line: ScoreLine, points, note: str | None, reviewer_id: int, by) -> ScoreLine:
    """The assigned reviewer's points for a line; a note is required when they differ from self.

    A ``None`` note (the request carried none) keeps the line's review note.
    """
    line = _lock(line)
    card = line.scorecard
    refuse_if_agreed(card.period)
    _refuse_unless_assigned(card, reviewer_id)
    points = validate_points(
        points, criterion=line.criterion, step=rules_for(card.period.term).score_step
    )
    note = line.review_note if note is None else note.strip()
    if points != line.self_points and not note:
        raise ValidationError({"note": NOTE_NEEDED})
    _write_reviews(card, [(line, line.review_points, points, note)], reviewer_id, by)
    return line


@transaction.atomic
def record_reviews(*, scorecard: Scorecard, entries: dict, reviewer_id: int, by) -> int:
    """The assigned reviewer's points and notes for many lines of a card, all or nothing.

    ``entries`` maps a line id to ``(points, note)``: points as typed (``None`` when the request
    did not carry them, which keeps the line's review points) and a ``None`` note keeps the
    line's review note. Only lines whose points or note change are written, each with its own
    history row. Refused lines raise one ``ValidationError`` mapping ``points-<line id>`` or
    ``note-<line id>`` to the reason, and nothing is stored. Returns the number of lines written.
    """
    period = (
        Period.objects.select_for_update(of=("self",))
        .select_related("term")
        .get(pk=scorecard.period_id)
    )
    refuse_if_agreed(period)
    card = Scorecard.objects.select_for_update(of=("self",)).get(pk=scorecard.pk)
    card.period = period
    _refuse_unless_assigned(card, reviewer_id)
    lines = ScoreLine.objects.select_for_update(of=("self",)).filter(
        scorecard=card, pk__in=list(entries)
    )
    errors, changed = _review_changes(lines, entries, rules_for(period.term).score_step)
    if errors:
        raise ValidationError(errors)
    _write_reviews(card, changed, reviewer_id, by)
    return len(changed)


def _refuse_unless_assigned(card: Scorecard, reviewer_id: int) -> None:
    """Only the agency assigned to cross-check a submitted card may write its review layer."""
    if not CrossCheck.objects.filter(
        period_id=card.period_id, reviewer_id=reviewer_id, reviewed_id=card.agency_id
    ).exists():
        raise ValidationError(_("Đơn vị của bạn không được phân công chấm chéo phiếu này."))
    if card.status == Scorecard.Status.DRAFT:
        raise ValidationError(_("Phiếu chưa được nộp nên chưa thể chấm chéo."))


def _write_reviews(card: Scorecard, changed, reviewer_id: int, by) -> None:
    """Write each (line, old points, new points, note) with its history; the card is reviewed
    and, where the cross-check differs, its agency is asked to explain."""
    for line, old, value, note in changed:
        line.review_points, line.review_note, line.reviewer_id = value, note, reviewer_id
        record_by(line, by).save(update_fields=["review_points", "review_note", "reviewer"])
        _log(line, ScoreLineChange.Layer.REVIEW, old, value, note, by)
    if not changed:
        return
    if card.status == Scorecard.Status.SUBMITTED:
        card.status = Scorecard.Status.REVIEWED
        record_by(card, by).save(update_fields=["status"])
    if any(value != line.self_points for line, _old, value, _note in changed):
        notifications.explanation_asked(scorecard=card)


def _review_changes(lines, entries: dict, step) -> tuple[dict, list]:
    """The errors of ``entries`` (``points-<id>`` / ``note-<id>`` → reason) and the lines they
    change, as (line, old points, new points, new note)."""
    lines = {ln.pk: ln for ln in lines.select_related("criterion")}
    errors, changed = {}, []
    for line_id, (points, note) in entries.items():
        line = lines.get(line_id)
        if line is None:
            continue
        if points is None:
            value = line.review_points
        else:
            try:
                value = validate_points(points, criterion=line.criterion, step=step)
            except ValidationError as exc:
                errors[f"points-{line_id}"] = " ".join(exc.messages)
                continue
        new_note = line.review_note if note is None else note.strip()
        if value is None:
            if new_note != line.review_note:
                errors[f"points-{line_id}"] = _("Hãy nhập điểm chấm chéo trước khi ghi nhận xét.")
            continue
        if value != line.self_points and not new_note:
            errors[f"note-{line_id}"] = NOTE_NEEDED
            continue
        if value == line.review_points and new_note == line.review_note:
            continue
        changed.append((line, line.review_points, value, new_note))
    return errors, changed


def review_problems(*, scorecard: Scorecard, entries: dict) -> dict:
    """The errors ``record_reviews`` would give for ``entries``, without writing anything.

    Lets a page refused for one unreadable line also name every other line at fault.
    """
    lines = ScoreLine.objects.filter(scorecard=scorecard, pk__in=list(entries))
    return _review_changes(lines, entries, rules_for(scorecard.period.term).score_step)[0]


def review_queue(period: Period, agency_ids) -> list[dict]:
    """The cards of ``period`` given to ``agency_ids`` to cross-check, waiting ones first.

    A card waits while it is submitted and some of its lines have no review points yet. One
    query; in the reviewed agencies' order.
    """
    assigned = CrossCheck.objects.filter(period=period, reviewer_id__in=list(agency_ids)).values(
        "reviewed_id"
    )
    cards = (
        Scorecard.objects.filter(period=period, agency_id__in=assigned)
        .exclude(status=Scorecard.Status.DRAFT)
        .annotate(
            lines_total=Count("lines", distinct=True),
            lines_open=Count("lines", filter=Q(lines__review_points__isnull=True), distinct=True),
        )
        .values_list(
            "agency_id",
            "agency__name",
            "agency__abbreviation",
            "status",
            "lines_total",
            "lines_open",
        )
        .order_by("agency__sort_key", "agency_id")
    )
    rows = [
        {
            "agency_id": agency_id,
            "name": name,
            "abbreviation": abbr,
            "status": status,
            "lines_total": total,
            "lines_open": open_,
            "waiting": open_ > 0,
        }
        for agency_id, name, abbr, status, total, open_ in cards
    ]
    return [r for r in rows if r["waiting"]] + [r for r in rows if not r["waiting"]]


def next_in_queue(queue: list[dict], after_agency_id) -> dict | None:
    """The next waiting card of the queue after ``after_agency_id`` (wrapping), if any."""
    waiting = [r for r in queue if r["waiting"] and r["agency_id"] != after_agency_id]
    if not waiting:
        return None
    ids = [r["agency_id"] for r in queue]
    if after_agency_id in ids:
        here = ids.index(after_agency_id)
        ordered = sorted(waiting, key=lambda r: (ids.index(r["agency_id"]) - here) % len(ids))
        return ordered[0]
    return waiting[0]


@transaction.atomic
def record_explanation(*, line: ScoreLine, text: str, by) -> ScoreLine:
    """The member's explanation of a line (giải trình), before agreement."""
    line = _lock(line)
    refuse_if_agreed(line.scorecard.period)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Hãy nhập nội dung giải trình.")})
    old = line.explanation
    line.explanation = text
    record_by(line, by).save(update_fields=["explanation"])
    _log(line, ScoreLineChange.Layer.EXPLANATION, old, text[:50], text, by)
    return line


@transaction.atomic
def record_agreed(*, line: ScoreLine, points, note: str | None, by) -> ScoreLine:
    """The secretariat's agreed points for a line, before the period is agreed.

    A ``None`` note (the request carried none) keeps the line's agreed note.
    """
    line = _lock(line)
    period = line.scorecard.period
    refuse_if_agreed(period)
    if line.scorecard.status == Scorecard.Status.DRAFT:
        raise ValidationError(_("Phiếu chưa được nộp nên chưa thể ghi điểm thống nhất."))
    points = validate_points(
        points, criterion=line.criterion, step=rules_for(period.term).score_step
    )
    old = line.agreed_points
    note = line.agreed_note if note is None else note.strip()
    line.agreed_points, line.agreed_note = points, note
    record_by(line, by).save(update_fields=["agreed_points", "agreed_note"])
    _log(line, ScoreLineChange.Layer.AGREED, old, points, line.agreed_note, by)
    return line


def _after_agreement(line: ScoreLine, points, reason: str, *, not_agreed, no_reason):
    """Lock a line of an agreed period and check a change to it: a reason, points in range.

    Returns the locked line, the checked points and the stripped reason.
    """
    line = _lock(line)
    period = line.scorecard.period
    if period.status != Period.Status.AGREED:
        raise ValidationError(not_agreed)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": no_reason})
    points = validate_points(
        points, criterion=line.criterion, step=rules_for(period.term).score_step
    )
    return line, points, reason


@transaction.atomic
def adjust_by_board(*, line: ScoreLine, points, reason: str, by) -> ScoreLine:
    """The board's adjustment of an agreed line, with a required reason; agreed points stay."""
    line, points, reason = _after_agreement(
        line,
        points,
        reason,
        not_agreed=_(
            "Ban Thi đua – Khen thưởng chỉ điều chỉnh điểm sau khi khối đã thống nhất điểm."
        ),
        no_reason=_("Điều chỉnh điểm phải có lý do."),
    )
    # The history shows the value the board changed (e.g. agreed 93 → 90), not just its layer.
    old = line.final_points
    line.board_points, line.board_reason = points, reason
    record_by(line, by).save(update_fields=["board_points", "board_reason"])
    _log(line, ScoreLineChange.Layer.BOARD, old, points, reason, by)
    notifications.board_adjusted(line=line, old=old, new=points, reason=reason)
    return line


@transaction.atomic
def amend_agreed_after_appeal(*, line: ScoreLine, points, reason: str, by) -> ScoreLine:
    """Change the agreed points of a line of an agreed period, when an appeal is upheld.

    The caller (the appeals of the provisional ranking) names the appeal in ``reason``; the
    old value stays in the line's history next to it. Board points, if any, still take
    precedence over the agreed layer.
    """
    line, points, reason = _after_agreement(
        line,
        points,
        reason,
        not_agreed=_("Chỉ sửa điểm thống nhất theo kiến nghị khi kỳ chấm điểm đã thống nhất."),
        no_reason=_("Sửa điểm theo kiến nghị phải có lý do."),
    )
    old = line.value(upto="agreed")
    line.agreed_points = points
    record_by(line, by).save(update_fields=["agreed_points"])
    _log(line, ScoreLineChange.Layer.AGREED, old, points, reason, by)
    return line
