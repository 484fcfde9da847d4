"""The provisional ranking of a period and the members' appeals against its lines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency
from campaigns.models import Period, ScoreLine
from campaigns.models.criteria import POINTS

__all__ = ["Appeal", "AppealLine", "RankingPublication"]


class RankingPublication(models.Model):
    """The agreed ranking of a period published as provisional, then made final."""

    period = models.OneToOneField(
        Period, on_delete=models.PROTECT, related_name="publication", verbose_name=_("kỳ")
    )
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người công bố"),
    )
    appeal_days = models.PositiveSmallIntegerField(_("số ngày nhận kiến nghị"))
    closes_at = models.DateTimeField(_("hết hạn kiến nghị lúc"))
    finalized_at = models.DateTimeField(_("chính thức lúc"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố chính thức"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("công bố kết quả xếp hạng")
        verbose_name_plural = _("công bố kết quả xếp hạng")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gte=models.F("published_at")),
                name="awards_publication_closes_after_published",
            ),
        ]

    def __str__(self):
        return _("Công bố %(period)s") % {"period": self.period}

    @property
    def is_final(self) -> bool:
        return self.finalized_at is not None

    def window_open(self, now=None) -> bool:
        return not self.is_final and (now or timezone.now()) < self.closes_at


class Appeal(models.Model):
    """A member head's request that lines of the provisional ranking be looked at again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ trả lời")
        UPHELD = "upheld", _("Chấp nhận")
        REJECTED = "rejected", _("Không chấp nhận")

    publication = models.ForeignKey(
        RankingPublication,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("kết quả công bố"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("đơn vị kiến nghị")
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    reason = models.TextField(_("lý do kiến nghị"))
    evidence = models.FileField(
        _("tài liệu kèm theo"), upload_to="appeals/%Y/", blank=True, max_length=255
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("kiến nghị về kết quả")
        verbose_name_plural = _("kiến nghị về kết quả")
        ordering = ["publication", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "number"], name="awards_appeal_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(answer=""),
                name="awards_appeal_answer_has_reason",
            ),
        ]

    def __str__(self):
        return _("Kiến nghị số %(n)s của %(agency)s") % {"n": self.number, "agency": self.agency}

    @property
    def is_answered(self) -> bool:
        return self.status != self.Status.PENDING


class AppealLine(models.Model):
    """One line an appeal asks about, with the points asked for and, if upheld, granted."""

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="lines", verbose_name=_("kiến nghị")
    )
    line = models.ForeignKey(
        ScoreLine,
        on_delete=models.PROTECT,
        related_name="appeal_lines",
        verbose_name=_("dòng điểm"),
    )
    requested_points = models.DecimalField(_("điểm đề nghị"), null=True, blank=True, **POINTS)
    old_points = models.DecimalField(_("điểm trước khi trả lời"), null=True, blank=True, **POINTS)
    new_points = models.DecimalField(_("điểm sau khi trả lời"), null=True, blank=True, **POINTS)

    history = AuditTrail()

    class Meta:
        verbose_name = _("dòng điểm kiến nghị")
        verbose_name_plural = _("dòng điểm kiến nghị")
        ordering = ["appeal", "line__criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "line"], name="awards_appealline_unique"),
        ]

    def __str__(self):
        return f"{self.appeal}: {self.line}"
