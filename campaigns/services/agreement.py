"""Agreeing a period's scores (the lock that closes it) and giving an agreed period back.

Agreeing fills the agreed layer of every submitted line with the points below it where the
secretariat wrote none, closes the cards and tells the members; reopening, with a reason, undoes
those defaults and gives the period back to the review. Once the board has adjusted a line the
period stays agreed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from blocs.history import record_by
from campaigns import layers, selectors
from campaigns.models import Period, Scorecard, ScoreLine, ScoreLineChange, format_deadline
from campaigns.services import notifications
from campaigns.services.periods import refuse_if_agreed
from campaigns.services.points import history_value

# The reason of a reopening is kept as the change reason of the period's history row.
REOPEN_REASON_MAX = 100


def lock_refusal(pending, now) -> str:
    """Why the period cannot be locked at ``now`` (Vietnamese), or "" when it can.

    ``pending`` are the members that have not submitted (``selectors.pending_members``). While
    one of them is still within its self-score deadline (extensions included), locking would
    take its card out of the ranking before its time is up.
    """
    still_open = [p for p in pending if p.is_open(now)]
    if not still_open:
        return ""
    names = "; ".join(
        _("%(agency)s (hạn %(deadline)s)")
        % {"agency": p.agency.name, "deadline": format_deadline(p.deadline)}
        for p in still_open
    )
    return _(
        "Chưa thể khóa kỳ: còn đơn vị chưa nộp phiếu trong khi hạn tự chấm của đơn vị đó "
        "chưa hết: %(names)s. Hãy chờ đơn vị nộp phiếu hoặc hết hạn."
    ) % {"names": names}


@transaction.atomic
def agree_period(*, period: Period, by, now=None) -> Period:
    """Close the period for members: every line without agreed points takes the review points
    (or the self points where nobody reviewed it), each recorded in the history.

    Refused while a member that has not submitted is still within its self-score deadline
    (``lock_refusal``); the caller asks the secretariat to confirm before calling.
    """
    period = Period.objects.select_for_update().select_related("term").get(pk=period.pk)
    refuse_if_agreed(period)
    refusal = lock_refusal(selectors.pending_members(period), now or timezone.now())
    if refusal:
        raise ValidationError(refusal)
    if not Scorecard.objects.filter(period=period).exclude(status=Scorecard.Status.DRAFT).exists():
        raise ValidationError(_("Chưa có phiếu nào được nộp; chưa thể thống nhất điểm."))
    pending = list(
        ScoreLine.objects.filter(scorecard__period=period, agreed_points__isnull=True)
        .exclude(scorecard__status=Scorecard.Status.DRAFT)
        .select_related("criterion")
    )
    changes = []
    for line in pending:
        value = line.value(upto=layers.REVIEW)
        if value is None:
            continue
        line.agreed_points = value
        changes.append(
            ScoreLineChange(
                line=line,
                layer=ScoreLineChange.Layer.AGREED,
                old_value="",
                new_value=history_value(value),
                note=_("Thống nhất theo điểm chấm chéo (mặc định)."),
                changed_by=by,
            )
        )
    bulk_update_with_history(
        [c.line for c in changes], ScoreLine, ["agreed_points"], batch_size=1000, default_user=by
    )
    ScoreLineChange.objects.bulk_create(changes, batch_size=1000)
    cards = list(Scorecard.objects.filter(period=period).exclude(status=Scorecard.Status.DRAFT))
    for card in cards:
        card.status = Scorecard.Status.AGREED
    bulk_update_with_history(cards, Scorecard, ["status"], batch_size=1000, default_user=by)
    period.status, period.agreed_at, period.agreed_by = Period.Status.AGREED, timezone.now(), by
    record_by(period, by).save(update_fields=["status", "agreed_at", "agreed_by"])
    notifications.period_agreed(period=period)
    return period


def board_adjusted_lines(period: Period):
    """The lines of ``period`` the board has adjusted: once there is one, the period stays agreed."""
    return ScoreLine.objects.filter(scorecard__period=period, board_points__isnull=False)


# Other apps may hold an agreed period too (awards: a published ranking changes only through
# its appeals). Each registered check takes the period and returns a refusal, or "".
_reopen_checks = []


def add_reopen_check(check) -> None:
    """Register ``check(period) -> str`` that may refuse reopening an agreed period."""
    if check not in _reopen_checks:
        _reopen_checks.append(check)


@transaction.atomic
def reopen_period(*, period: Period, by, reason: str) -> Period:
    """Give an agreed period back to the review (the secretariat, with a reason).

    Layers stay as they are; cards go back to reviewed (or submitted where nobody reviewed
    them), and members may again write to it, a late member submit within its deadline. The
    reason is the change reason of the period's and the cards' history rows. Refused once the
    board has adjusted a line: its adjustment was made on the agreed result.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Phải ghi lý do mở lại kỳ.")})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError(
            {"reason": _("Lý do mở lại kỳ tối đa %(n)s ký tự.") % {"n": REOPEN_REASON_MAX}}
        )
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != Period.Status.AGREED:
        raise ValidationError(_("Kỳ chưa được thống nhất điểm nên không cần mở lại."))
    adjusted = board_adjusted_lines(period).count()
    if adjusted:
        raise ValidationError(
            _(
                "Không thể mở lại kỳ: Ban Thi đua – Khen thưởng đã điều chỉnh điểm "
                "%(n)s dòng của kỳ này sau khi thống nhất."
            )
            % {"n": adjusted}
        )
    for check in _reopen_checks:
        refusal = check(period)
        if refusal:
            raise ValidationError(refusal)
    reviewed = ScoreLine.objects.filter(scorecard=OuterRef("pk"), review_points__isnull=False)
    cards = list(
        Scorecard.objects.filter(period=period, status=Scorecard.Status.AGREED).annotate(
            was_reviewed=Exists(reviewed)
        )
    )
    for card in cards:
        card.status = Scorecard.Status.REVIEWED if card.was_reviewed else Scorecard.Status.SUBMITTED
    bulk_update_with_history(
        cards, Scorecard, ["status"], batch_size=1000, default_user=by, default_change_reason=reason
    )
    _release_default_agreed(period=period, by=by, reason=reason)
    period.status, period.agreed_at, period.agreed_by = Period.Status.REVIEWING, None, None
    period._change_reason = reason
    record_by(period, by).save(update_fields=["status", "agreed_at", "agreed_by"])
    notifications.period_agreed(period=period, reopened_reason=reason)
    return period


def _release_default_agreed(*, period: Period, by, reason: str) -> None:
    """Empty the agreed points that only repeat the layers below (the lock's default), so that
    a review changed after reopening reaches the result when the period is locked again.

    Agreed points the secretariat set to another value stay. Each emptied line is recorded.
    """
    lines = list(
        ScoreLine.objects.filter(
            scorecard__period=period, agreed_points__isnull=False
        ).select_related("criterion")
    )
    released = [line for line in lines if line.agreed_points == line.value(upto=layers.REVIEW)]
    changes = []
    for line in released:
        changes.append(
            ScoreLineChange(
                line=line,
                layer=ScoreLineChange.Layer.AGREED,
                old_value=history_value(line.agreed_points),
                new_value="",
                note=_("Mở lại kỳ (%(reason)s): điểm thống nhất mặc định sẽ lấy lại khi khóa kỳ.")
                % {"reason": reason},
                changed_by=by,
            )
        )
        line.agreed_points = None
    bulk_update_with_history(
        released,
        ScoreLine,
        ["agreed_points"],
        batch_size=1000,
        default_user=by,
        default_change_reason=reason,
    )
    ScoreLineChange.objects.bulk_create(changes, batch_size=1000)
