"""Eligibility holds: an agency that may not be proposed for an award for a while."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency

__all__ = ["EligibilityHold"]

# Nghị định 152/2025/NĐ-CP, Điều 4: no award is considered for a collective under discipline,
# inspection, or a complaint or allegation still being verified.
DEFAULT_LEGAL_NOTE = "Nghị định số 152/2025/NĐ-CP, Điều 4"


class EligibilityHoldQuerySet(models.QuerySet):
    def active_on(self, day):
        """Holds in force on ``day`` (from and until both included)."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=day), starts_on__lte=day)


class EligibilityHold(models.Model):
    """The board's hold on an agency: it stays ranked but is neither candidate nor nominee."""

    class Reason(models.TextChoices):
        DISCIPLINE = "discipline", _("Đang xem xét kỷ luật")
        INSPECTION = "inspection", _("Đang thanh tra, kiểm tra")
        COMPLAINT = "complaint", _("Có đơn thư khiếu nại, tố cáo đang xác minh")
        PRESS = "press", _("Có phản ánh của báo chí đang xác minh")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="eligibility_holds", verbose_name=_("đơn vị")
    )
    reason = models.CharField(_("lý do"), max_length=12, choices=Reason.choices)
    details = models.TextField(_("nội dung"), blank=True)
    starts_on = models.DateField(_("từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    legal_note = models.CharField(
        _("căn cứ"), max_length=255, blank=True, default=DEFAULT_LEGAL_NOTE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    objects = EligibilityHoldQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("tạm dừng xét khen thưởng")
        verbose_name_plural = _("tạm dừng xét khen thưởng")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("starts_on")),
                name="awards_hold_until_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.agency}: {self.get_reason_display()}"

    def clean(self):
        if self.until and self.starts_on and self.until < self.starts_on:
            raise ValidationError({"until": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day and (self.until is None or self.until >= day)

    @property
    def summary(self) -> str:
        """ "Chưa xét" and why, as pages and minutes print it."""
        text = str(self.get_reason_display())
        if self.details:
            text += f": {self.details}"
        if self.legal_note:
            text += f" ({self.legal_note})"
        return text
