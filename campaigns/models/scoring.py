"""Scorecards, their lines with every review layer, their logs and their evidence.

The layers of a score line are never overwritten by one another: self points (the member),
review points (the cross-checking agency), agreed points (the secretariat) and board points (the
provincial board). The final value of a line is the latest layer present.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency
from campaigns import layers
from campaigns.models.criteria import POINTS, CriteriaTable, Criterion
from campaigns.models.periods import Period

__all__ = ["Evidence", "ScoreLine", "ScoreLineChange", "Scorecard", "ScorecardEvent"]


class Scorecard(models.Model):
    """One agency's scores in one period, under one version of the criteria table."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp")
        REVIEWED = "reviewed", _("Đã chấm chéo")
        AGREED = "agreed", _("Đã thống nhất")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("kỳ")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("đơn vị")
    )
    table = models.ForeignKey(
        CriteriaTable,
        on_delete=models.PROTECT,
        related_name="scorecards",
        verbose_name=_("bảng tiêu chí áp dụng"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nộp"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        ordering = ["period", "agency__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="campaigns_scorecard_unique"),
        ]

    def __str__(self):
        return f"{self.agency} – {self.period}"

    @property
    def is_editable(self):
        """Members may change a card only while it is a draft."""
        return self.status == self.Status.DRAFT


class ScorecardEvent(models.Model):
    """A submission, a reopening or a recall of a scorecard; reopening needs a reason."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Nộp phiếu")
        REOPENED = "reopened", _("Mở lại phiếu")
        RECALLED = "recalled", _("Đơn vị rút lại phiếu")

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="events", verbose_name=_("phiếu")
    )
    kind = models.CharField(_("sự kiện"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("lý do"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký phiếu chấm điểm")
        verbose_name_plural = _("nhật ký phiếu chấm điểm")
        ordering = ["scorecard", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reopened") | ~Q(reason=""),
                name="campaigns_scorecardevent_reopen_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.scorecard}"


class ScoreLine(models.Model):
    """One criterion on one scorecard, with every layer side by side."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="lines", verbose_name=_("phiếu")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="lines", verbose_name=_("tiêu chí")
    )
    self_points = models.DecimalField(_("điểm tự chấm"), null=True, blank=True, **POINTS)
    self_note = models.TextField(_("giải trình tự chấm"), blank=True)
    review_points = models.DecimalField(_("điểm chấm chéo"), null=True, blank=True, **POINTS)
    review_note = models.TextField(_("nhận xét chấm chéo"), blank=True)
    reviewer = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chấm chéo"),
    )
    explanation = models.TextField(_("giải trình của đơn vị"), blank=True)
    agreed_points = models.DecimalField(_("điểm thống nhất"), null=True, blank=True, **POINTS)
    agreed_note = models.TextField(_("ghi chú thống nhất"), blank=True)
    board_points = models.DecimalField(
        _("điểm Ban TĐKT điều chỉnh"), null=True, blank=True, **POINTS
    )
    board_reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("dòng điểm")
        verbose_name_plural = _("dòng điểm")
        ordering = ["scorecard", "criterion__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="campaigns_scoreline_unique"
            ),
            models.CheckConstraint(
                condition=(Q(self_points__isnull=True) | Q(self_points__gte=0))
                & (Q(review_points__isnull=True) | Q(review_points__gte=0))
                & (Q(agreed_points__isnull=True) | Q(agreed_points__gte=0))
                & (Q(board_points__isnull=True) | Q(board_points__gte=0)),
                name="campaigns_scoreline_points_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(board_points__isnull=True) | ~Q(board_reason=""),
                name="campaigns_scoreline_board_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} – {self.criterion.code}"

    def value(self, upto=layers.BOARD):
        """The latest layer present up to ``upto`` (``campaigns.layers``)."""
        return layers.value_of(self, upto)

    @property
    def final_points(self):
        return self.value()


class ScoreLineChange(models.Model):
    """History of a score line: who changed which layer, when, old → new, and why."""

    class Layer(models.TextChoices):
        SELF = "self", _("Tự chấm")
        REVIEW = "review", _("Chấm chéo")
        EXPLANATION = "explanation", _("Giải trình")
        AGREED = "agreed", _("Thống nhất")
        BOARD = "board", _("Ban TĐKT điều chỉnh")

    line = models.ForeignKey(
        ScoreLine, on_delete=models.CASCADE, related_name="changes", verbose_name=_("dòng điểm")
    )
    layer = models.CharField(_("lớp điểm"), max_length=12, choices=Layer.choices)
    old_value = models.CharField(_("giá trị cũ"), max_length=50, blank=True)
    new_value = models.CharField(_("giá trị mới"), max_length=50, blank=True)
    note = models.TextField(_("ghi chú / lý do"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thay đổi"),
    )
    changed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch sử dòng điểm")
        verbose_name_plural = _("lịch sử dòng điểm")
        ordering = ["line", "changed_at", "id"]

    def __str__(self):
        return f"{self.get_layer_display()}: {self.old_value} → {self.new_value}"


class Evidence(models.Model):
    """A file proving a line (minh chứng); a replaced file stays in history."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("phiếu")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("tiêu chí")
    )
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    content_type = models.CharField(_("loại tệp"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("thay bằng"),
    )
    withdrawn_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["scorecard", "criterion", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_current(self):
        return self.replaced_by_id is None and self.withdrawn_at is None
