"""Scoring periods of a term, their deadline extensions and cross-check assignments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm
from khoithidua.fields import VIETNAM

__all__ = ["DEADLINE_ZONE", "CrossCheck", "DeadlineExtension", "Period", "format_deadline"]

# Deadlines are kept as aware datetimes and always shown in the province's time zone, the one
# the deadline inputs read them in.
DEADLINE_ZONE = VIETNAM


def format_deadline(value) -> str:
    """Show an aware datetime as "17:00 30/06/2026 (GMT+7)" in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    local = timezone.localtime(value, DEADLINE_ZONE)
    offset = local.utcoffset()
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    minutes = rest // 60
    zone = f"GMT{hours:+d}" + (f":{minutes:02d}" if minutes else "")
    return f"{local:%H:%M %d/%m/%Y} ({zone})"


class Period(models.Model):
    """A scoring round of a term: the half-year (sơ kết) or the year-end (tổng kết)."""

    class Kind(models.TextChoices):
        SEMIANNUAL = "semiannual", _("Sơ kết 6 tháng")
        ANNUAL = "annual", _("Tổng kết năm")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang tự chấm")
        REVIEWING = "reviewing", _("Đang chấm chéo")
        AGREED = "agreed", _("Đã thống nhất")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="periods", verbose_name=_("năm thi đua")
    )
    kind = models.CharField(_("kỳ"), max_length=12, choices=Kind.choices)
    self_deadline = models.DateTimeField(_("hạn tự chấm"))
    review_deadline = models.DateTimeField(_("hạn chấm chéo"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    agreed_at = models.DateTimeField(_("thống nhất lúc"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chốt"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("kỳ chấm điểm")
        verbose_name_plural = _("kỳ chấm điểm")
        ordering = ["term", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "kind"], name="campaigns_period_unique"),
            models.CheckConstraint(
                condition=Q(review_deadline__gte=F("self_deadline")),
                name="campaigns_period_review_after_self",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.term.year} – {self.term.bloc}"

    @property
    def self_deadline_label(self):
        return format_deadline(self.self_deadline)

    @property
    def review_deadline_label(self):
        return format_deadline(self.review_deadline)

    def deadline_for(self, extensions) -> "timezone.datetime":
        """The self-score deadline of one agency, given its extensions (the latest grant wins)."""
        latest = max(extensions, key=lambda e: (e.granted_at, e.pk), default=None)
        # An extension only ever extends: a later move of the period's deadline still counts.
        return max(latest.until, self.self_deadline) if latest else self.self_deadline


class DeadlineExtension(models.Model):
    """A later self-score deadline for one agency in one period; every grant is kept."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("kỳ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    until = models.DateTimeField(_("gia hạn đến"))
    reason = models.CharField(_("lý do"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người gia hạn"),
    )
    granted_at = models.DateTimeField(_("gia hạn lúc"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("gia hạn tự chấm")
        verbose_name_plural = _("gia hạn tự chấm")
        ordering = ["period", "agency", "-granted_at", "-id"]

    def __str__(self):
        return f"{self.agency} → {format_deadline(self.until)}"

    @property
    def until_label(self):
        return format_deadline(self.until)


class CrossCheck(models.Model):
    """A reviewer agency assigned to cross-check another agency's scorecard in a period."""

    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="cross_checks", verbose_name=_("kỳ")
    )
    reviewer = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chấm")
    )
    reviewed = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được chấm")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người phân công"),
    )
    assigned_at = models.DateTimeField(_("phân công lúc"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("phân công chấm chéo")
        verbose_name_plural = _("phân công chấm chéo")
        ordering = ["period", "reviewer", "reviewed", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "reviewed"], name="campaigns_crosscheck_one_reviewer"
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=F("reviewed")), name="campaigns_crosscheck_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.reviewed}"
