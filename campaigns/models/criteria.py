"""Criteria tables and their rows: a bloc-year's scoring grid, frozen once adopted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import BlocTerm

__all__ = ["POINTS", "CriteriaTable", "Criterion"]

POINTS = {"max_digits": 6, "decimal_places": 2}


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

    history = AuditTrail()

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

    history = AuditTrail()

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
