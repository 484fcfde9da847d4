"""Criteria tables, scoring periods, scorecards with their review layers, evidence, cross-checks.

The layers of a score line are never overwritten by one another: self points (the member),
review points (the cross-checking agency), agreed points (the secretariat) and board points (the
provincial board). The final value of a line is the latest layer present.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.models import Agency, BlocTerm
from campaigns import layers

POINTS = {"max_digits": 6, "decimal_places": 2}

# Deadlines are kept as aware datetimes and always shown in the province's time zone.
DEADLINE_ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


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


class CriteriaTable(models.Model):
    """A bloc-year's criteria table (bảng tiêu chí chấm điểm), frozen once adopted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ADOPTED = "adopted", _("Đã thông qua")
        SUPERSEDED = "superseded", _("Đã thay thế")

    term = models.ForeignKey(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="criteria_tables",
        verbose_name=_("năm thi đua"),
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên bảng"), max_length=255, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    base_max = models.DecimalField(_("điểm chuẩn tối đa"), default=100, **POINTS)
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa"), default=10, **POINTS)
    penalty_cap = models.DecimalField(_("điểm trừ tối đa"), default=10, **POINTS)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay thế phiên bản"),
    )
    change_note = models.TextField(_("nội dung thay đổi"), blank=True)
    adopted_at = models.DateTimeField(_("thông qua lúc"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thông qua"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("bảng tiêu chí chấm điểm")
        verbose_name_plural = _("bảng tiêu chí chấm điểm")
        ordering = ["term", "-version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "version"], name="campaigns_criteriatable_version_unique"
            ),
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(status="adopted"),
                name="campaigns_criteriatable_one_adopted",
            ),
            models.CheckConstraint(
                condition=Q(base_max__gt=0) & Q(bonus_cap__gte=0) & Q(penalty_cap__gte=0),
                name="campaigns_criteriatable_caps_positive",
            ),
        ]

    def __str__(self):
        return _("Bảng tiêu chí %(term)s, phiên bản %(v)s") % {"term": self.term, "v": self.version}

    @property
    def is_frozen(self):
        return self.status != self.Status.DRAFT


class Criterion(models.Model):
    """A row of the table: a group, or a leaf that is scored, a bonus or a penalty."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Nhóm tiêu chí")
        SCORED = "scored", _("Tiêu chí chấm điểm")
        BONUS = "bonus", _("Điểm thưởng")
        PENALTY = "penalty", _("Điểm trừ")

    table = models.ForeignKey(
        CriteriaTable,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bảng tiêu chí"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc nhóm"),
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung tiêu chí"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    max_points = models.DecimalField(_("điểm tối đa"), default=0, **POINTS)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=False)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["table", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "code"], name="campaigns_criterion_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="campaigns_criterion_max_nonnegative"
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    @property
    def is_leaf(self):
        return self.kind != self.Kind.GROUP


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

    class Meta:
        verbose_name = _("gia hạn tự chấm")
        verbose_name_plural = _("gia hạn tự chấm")
        ordering = ["period", "agency", "-granted_at", "-id"]

    def __str__(self):
        return f"{self.agency} → {format_deadline(self.until)}"

    @property
    def until_label(self):
        return format_deadline(self.until)


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
    """A submission or a reopening of a scorecard; reopening needs a reason."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Nộp phiếu")
        REOPENED = "reopened", _("Mở lại phiếu")

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
        return layers.latest(layers.of(self), upto)

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

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["scorecard", "criterion", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_current(self):
        return self.replaced_by_id is None and self.withdrawn_at is None


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
