"""The award catalogue of a council and the year's rules for each award (DESIGN.md "Rules as data").

The legal basis changed in 2024 and again in mid-2025, so quotas, thresholds, quorum,
prerequisites and the legal source of each award are data of the year, never constants in code.
A term without rules of its own votes under its bloc's latest earlier year's, or under the
defaults of ``awards.services.catalogue``: opening a year carries them over.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards import rules
from blocs.history import AuditTrail
from blocs.models import BlocTerm, Council

__all__ = ["AwardRule", "AwardType", "SHARE"]

# A share (quorum, vote threshold, quota share) to a tenth of a percent; see ``awards.rules``.
SHARE = {
    "max_digits": 4,
    "decimal_places": 3,
    "validators": [MinValueValidator(0), MaxValueValidator(1)],
}


# The levels a bloc proposes to the provincial council; a bloc-level award is its own decision.
PROPOSED_LEVELS = ("national", "provincial")


class AwardType(models.Model):
    """An award a bloc's members may be proposed for (for collectives)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("Trung ương")
        PROVINCIAL = "provincial", _("Tỉnh")
        BLOC = "bloc", _("Khối")

    class Kind(models.TextChoices):
        FLAG = "flag", _("Cờ thi đua")
        MERIT = "merit", _("Bằng khen")
        TITLE = "title", _("Danh hiệu")

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="award_types", verbose_name=_("hội đồng")
    )
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên hình thức khen thưởng"), max_length=255)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    issuer = models.CharField(
        _("cấp quyết định"), max_length=120, blank=True, help_text=_("Ví dụ: Thủ tướng Chính phủ.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        ordering = ["council", "order", "code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "code"], name="awards_awardtype_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_proposed_upward(self) -> bool:
        """Whether the bloc proposes it to a higher level; a bloc-level award is its own."""
        return self.level in PROPOSED_LEVELS


class AwardRule(models.Model):
    """How one award is voted and limited in one term."""

    class Base(models.TextChoices):
        PRESENT = rules.PRESENT, _("số thành viên có mặt")
        ALL = rules.ALL, _("tổng số thành viên")

    term = models.ForeignKey(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="award_rules",
        verbose_name=_("năm thi đua"),
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="rules", verbose_name=_("khen thưởng")
    )
    max_count = models.PositiveSmallIntegerField(
        _("số lượng tối đa"), null=True, blank=True, help_text=_("Để trống nếu không giới hạn.")
    )
    max_share = models.DecimalField(
        _("tỷ lệ tối đa trên số thành viên"), null=True, blank=True, **SHARE
    )
    min_vote_share = models.DecimalField(
        _("tỷ lệ phiếu tối thiểu"), default=Decimal("0.5"), **SHARE
    )
    vote_strict = models.BooleanField(
        _("phải trên tỷ lệ"),
        default=True,
        help_text=_("Bật: phải trên tỷ lệ (>); tắt: từ tỷ lệ trở lên (≥)."),
    )
    vote_base = models.CharField(
        _("tính tỷ lệ phiếu trên"), max_length=8, choices=Base.choices, default=Base.PRESENT
    )
    quorum = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu riêng"),
        null=True,
        blank=True,
        help_text=_("Để trống để dùng tỷ lệ có mặt của hội nghị."),
        **SHARE,
    )
    requires = models.ForeignKey(
        AwardType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ xét đơn vị đã được đề nghị"),
    )
    # The bloc's leading unit (đơn vị dẫn đầu) is voted for with this award; its first-round
    # votes break ties in the ranking (DESIGN.md defaults: "more review-meeting votes").
    leading = models.BooleanField(_("bình chọn đơn vị dẫn đầu khối"), default=False)
    min_band = models.CharField(_("xếp loại tối thiểu"), max_length=30, blank=True)
    legal_source = models.TextField(_("căn cứ pháp lý"), blank=True)
    changed_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sửa"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("quy định khen thưởng của năm")
        verbose_name_plural = _("quy định khen thưởng của năm")
        ordering = ["term", "award_type__order", "award_type__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "award_type"], name="awards_awardrule_one_per_term_award"
            ),
            models.UniqueConstraint(
                fields=["term"], condition=Q(leading=True), name="awards_awardrule_one_leading"
            ),
            models.CheckConstraint(
                condition=~Q(requires=models.F("award_type")),
                name="awards_awardrule_not_its_own_prerequisite",
            ),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.term}"

    def clean(self):
        if self.requires_id and self.requires_id == self.award_type_id:
            raise ValidationError(
                {"requires": _("Một hình thức không thể là điều kiện của chính nó.")}
            )
        if self.max_count == 0:
            raise ValidationError({"max_count": _("Số lượng tối đa phải từ 1 trở lên.")})

    def quota(self, members: int) -> int:
        return rules.quota(members=members, max_count=self.max_count, max_share=self.max_share)
