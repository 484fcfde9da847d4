"""Campaigns, pledges, commitments, title registrations and signatures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm
from campaigns import pledge_hash

__all__ = [
    "Campaign",
    "CampaignAttachment",
    "Commitment",
    "Pledge",
    "PledgeEvent",
    "PledgeSignature",
    "TitleRegistration",
]


class Campaign(models.Model):
    """A launch of an emulation movement (phát động phong trào thi đua) in a bloc-year."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Phong trào thi đua năm")
        THEMATIC = "thematic", _("Phong trào thi đua chuyên đề")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("năm thi đua")
    )
    kind = models.CharField(_("loại phong trào"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("tên phong trào"), max_length=255)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    content = models.TextField(_("nội dung"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("phong trào thi đua")
        verbose_name_plural = _("phong trào thi đua")
        ordering = ["term", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaigns_campaign_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "campaigns:campaign_detail",
            args=[self.term.bloc.code, self.term.year, self.pk],
        )


class CampaignAttachment(models.Model):
    """A file launched with a campaign (kế hoạch, hướng dẫn), kept with its SHA-256."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("phong trào"),
    )
    file = models.FileField(_("tệp"), upload_to="campaigns/%Y/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("tệp đính kèm phong trào")
        verbose_name_plural = _("tệp đính kèm phong trào")
        ordering = ["campaign", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class PledgeQuerySet(models.QuerySet):
    def current(self):
        """Pledges that are not withdrawn (at most one per term)."""
        return self.exclude(status=Pledge.Status.VOID)


class Pledge(models.Model):
    """One version of a bloc-year's emulation pledge (giao ước thi đua).

    From the moment it is opened for signing its content is frozen and identified by
    ``content_hash``; a change withdraws it (void) and issues the next version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        OPEN = "open", _("Đang ký")
        SIGNED = "signed", _("Đã ký đủ")
        VOID = "void", _("Đã thu hồi")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="pledges", verbose_name=_("năm thi đua")
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tiêu đề"), max_length=255)
    slogan = models.CharField(_("khẩu hiệu thi đua"), max_length=500, blank=True)
    legal_bases = models.TextField(_("căn cứ"), blank=True, help_text=_("Mỗi dòng một căn cứ."))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The member agencies at opening ({id, name, abbreviation} in order): part of what is signed.
    members = models.JSONField(_("đơn vị tham gia ký"), default=list, blank=True)
    content_hash = models.CharField(_("mã băm nội dung (SHA-256)"), max_length=64, blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay thế phiên bản"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    created_at = models.DateTimeField(_("soạn lúc"), auto_now_add=True)
    opened_at = models.DateTimeField(_("mở ký lúc"), null=True, blank=True)
    signed_at = models.DateTimeField(_("ký đủ lúc"), null=True, blank=True)
    voided_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    void_reason = models.TextField(_("lý do thu hồi"), blank=True)

    objects = PledgeQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")
        ordering = ["term", "-version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "version"], name="campaigns_pledge_version"),
            models.UniqueConstraint(
                fields=["term"],
                condition=~Q(status="void"),
                name="campaigns_pledge_one_current_per_term",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(content_hash=""),
                name="campaigns_pledge_frozen_has_hash",
            ),
        ]

    def __str__(self):
        return _("%(title)s (phiên bản %(version)s)") % {
            "title": self.title,
            "version": self.version,
        }

    @property
    def is_frozen(self):
        return self.status != self.Status.DRAFT

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def legal_bases_list(self):
        return [b.strip() for b in self.legal_bases.splitlines() if b.strip()]

    def hash_fields(self, *, members=None) -> dict:
        """The plain values that :mod:`campaigns.pledge_hash` serialises."""
        return {
            "bloc_code": self.term.bloc.code,
            "year": self.term.year,
            "version": self.version,
            "title": self.title,
            "slogan": self.slogan,
            "legal_bases": self.legal_bases_list,
            "commitments": [c.text for c in self.commitments.all()],
            "members": self.members if members is None else members,
        }

    def compute_hash(self, *, members=None) -> str:
        """The SHA-256 of the pledge's canonical content, recomputed from its rows."""
        return pledge_hash.pledge_hash(**self.hash_fields(members=members))

    @property
    def member_ids(self) -> list[int]:
        return [m["id"] for m in self.members]


class Commitment(models.Model):
    """One numbered commitment of a pledge, in order."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("giao ước")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung"))

    history = AuditTrail()

    class Meta:
        verbose_name = _("nội dung giao ước")
        verbose_name_plural = _("nội dung giao ước")
        ordering = ["pledge", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "order"], name="campaigns_commitment_order_unique"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.text[:60]}"


class PledgeSignature(models.Model):
    """An agency's signature of one pledge version: who, as what, when, on which content."""

    class Authority(models.TextChoices):
        NONE = "", _("Ký trực tiếp")
        KT = "KT.", _("KT. (ký thay)")
        TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")

    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("giao ước")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="pledge_signatures", verbose_name=_("đơn vị")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pledge_signatures",
        verbose_name=_("tài khoản ký"),
    )
    signer_name = models.CharField(_("họ và tên người ký"), max_length=150)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    authority = models.CharField(
        _("thẩm quyền ký"), max_length=4, choices=Authority.choices, default="", blank=True
    )
    signed_at = models.DateTimeField(_("ký lúc"))
    content_hash = models.CharField(_("mã băm nội dung đã ký"), max_length=64)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=500, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("chữ ký giao ước")
        verbose_name_plural = _("chữ ký giao ước")
        ordering = ["pledge", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "agency"], name="campaigns_pledgesignature_once_per_agency"
            ),
        ]

    def __str__(self):
        signed_at = timezone.localtime(self.signed_at)
        return f"{self.agency} – {self.signer_name} ({signed_at:%d/%m/%Y %H:%M})"

    @property
    def signer_label(self) -> str:
        return f"{self.authority} {self.signer_name}".strip()


class PledgeEvent(models.Model):
    """History of a pledge: every status change, with who, when and why."""

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="events", verbose_name=_("giao ước")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=10, choices=Pledge.Status.choices, blank=True
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=10, choices=Pledge.Status.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lịch sử giao ước")
        verbose_name_plural = _("lịch sử giao ước")
        ordering = ["pledge", "at", "id"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"


class TitleRegistration(models.Model):
    """A member's registration of the emulation title it aims for in a year."""

    class Title(models.TextChoices):
        GOV_FLAG = "gov_flag", _("Cờ thi đua của Chính phủ")
        PROVINCE_FLAG = "province_flag", _("Cờ thi đua của UBND tỉnh")
        PROVINCE_MERIT = "province_merit", _("Bằng khen của UBND tỉnh")
        EXCELLENT_COLLECTIVE = "excellent_collective", _("Tập thể lao động xuất sắc")
        ADVANCED_COLLECTIVE = "advanced_collective", _("Tập thể lao động tiên tiến")

    term = models.ForeignKey(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="title_registrations",
        verbose_name=_("năm thi đua"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="title_registrations",
        verbose_name=_("đơn vị"),
    )
    title = models.CharField(_("danh hiệu đăng ký"), max_length=30, choices=Title.choices)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đăng ký"),
    )
    registered_at = models.DateTimeField(_("đăng ký lúc"), auto_now_add=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("đăng ký danh hiệu")
        verbose_name_plural = _("đăng ký danh hiệu")
        ordering = ["term", "agency__sort_key", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "agency", "title"], name="campaigns_titleregistration_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agency} – {self.get_title_display()} ({self.term.year})"
