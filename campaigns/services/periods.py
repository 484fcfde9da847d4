"""Writes of scoring periods: deadlines, extensions, and the lock that closes a period."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.history import record_by
from blocs.models import BlocTerm, Membership
from campaigns.models import DeadlineExtension, Period
from campaigns.services import notifications


@transaction.atomic
def save_period(*, term: BlocTerm, kind: str, self_deadline, review_deadline, by) -> Period:
    """Open a period of ``term`` or change its deadlines."""
    period = Period.objects.filter(term=term, kind=kind).first() or Period(term=term, kind=kind)
    period.self_deadline, period.review_deadline = self_deadline, review_deadline
    if review_deadline < self_deadline:
        raise ValidationError({"review_deadline": _("Hạn chấm chéo phải sau hạn tự chấm.")})
    period.full_clean()
    record_by(period, by)
    if period.pk:
        period.save(update_fields=["self_deadline", "review_deadline"])
    else:
        period.save()
        notifications.period_opened(period=period)
    return period


def refuse_if_agreed(period: Period) -> None:
    """Members' cards are closed once the period is agreed."""
    if period.status == Period.Status.AGREED:
        raise ValidationError(_("Kỳ chấm điểm đã thống nhất; không thể thay đổi nữa."))


def lock_period(period_id) -> Period:
    """The period row, locked so that an agreement and a member's write never interleave."""
    period = Period.objects.select_for_update().get(pk=period_id)
    refuse_if_agreed(period)
    return period


@transaction.atomic
def extend_deadline(*, period: Period, agency, until, reason: str, by) -> DeadlineExtension:
    """Give one agency a later self-score deadline; each grant is kept as the log."""
    lock_period(period.pk)
    if not Membership.objects.filter(term=period.term_id, agency=agency).exists():
        raise ValidationError({"agency": _("Đơn vị không thuộc khối trong năm này.")})
    if until <= period.self_deadline:
        raise ValidationError({"until": _("Hạn gia hạn phải sau hạn tự chấm chung.")})
    extension = DeadlineExtension(
        period=period, agency=agency, until=until, reason=reason.strip(), granted_by=by
    )
    extension.full_clean()
    record_by(extension, by).save()
    return extension


def effective_deadline(period: Period, agency_id):
    return period.deadline_for(DeadlineExtension.objects.filter(period=period, agency_id=agency_id))
