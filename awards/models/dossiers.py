"""The award dossier a bloc sends to the board, its versions and events, and the decision.

A dossier moves ``draft → submitted → returned | accepted → decided``; the bloc may withdraw it
before acceptance and reopen a withdrawn one. Which move is allowed is decided by the pure
function ``awards.dossier_rules.transition``; every move is recorded as a ``DossierEvent``, and
every submission keeps a ``DossierVersion`` listing exactly what was sent, so that a returned and
resubmitted dossier keeps both. A granted award is never deleted: a revocation (Luật Thi đua,
khen thưởng 2022, chương VII) is recorded on it with its reason.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models.catalogue import AwardType
from awards.models.nominations import Nomination
from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm

__all__ = [
    "AwardDecision",
    "Dossier",
    "DossierAttachment",
    "DossierEvent",
    "DossierVersion",
    "GrantedAward",
]


class Dossier(models.Model):
    """One bloc-year's award dossier (hồ sơ đề nghị khen thưởng)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang chuẩn bị")
        SUBMITTED = "submitted", _("Đã gửi Ban")
        RETURNED = "returned", _("Ban trả lại")
        ACCEPTED = "accepted", _("Ban đã tiếp nhận")
        DECIDED = "decided", _("Đã có quyết định")
        WITHDRAWN = "withdrawn", _("Khối đã rút")

    term = models.OneToOneField(
        BlocTerm, on_delete=models.PROTECT, related_name="dossier", verbose_name=_("năm")
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["term"]

    def __str__(self):
        return _("Hồ sơ khen thưởng %(term)s") % {"term": self.term}

    # While the bloc prepares it (or after the board returned it) its parts may change; once
    # sent, accepted or decided, what it proposes is frozen: the attachments and the lists.
    EDITABLE = (State.DRAFT, State.RETURNED, State.WITHDRAWN)

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    @classmethod
    def freezes(cls, term) -> bool:
        """Whether the term's dossier is with the board or decided (1 query)."""
        return cls.objects.filter(term=term).exclude(state__in=cls.EDITABLE).exists()


class DossierEvent(models.Model):
    """One move of a dossier: who, when, from which state to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Gửi Ban")
        WITHDRAW = "withdraw", _("Rút hồ sơ")
        REOPEN = "reopen", _("Mở lại hồ sơ đã rút")
        RETURN = "return", _("Trả lại")
        ACCEPT = "accept", _("Tiếp nhận")
        DECIDE = "decide", _("Ghi quyết định")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("hồ sơ")
    )
    action = models.CharField(_("thao tác"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("từ trạng thái"), max_length=10, choices=Dossier.State.choices)
    to_state = models.CharField(_("sang trạng thái"), max_length=10, choices=Dossier.State.choices)
    version = models.PositiveSmallIntegerField(_("lần gửi"))
    reason = models.TextField(_("lý do"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["dossier", "at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} – {self.dossier}"


class DossierVersion(models.Model):
    """What one submission sent: the parts as they were, kept after a return."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="versions", verbose_name=_("hồ sơ")
    )
    number = models.PositiveSmallIntegerField(_("lần gửi"))
    submitted_at = models.DateTimeField(_("gửi lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    parts = models.JSONField(_("thành phần"), default=list)

    class Meta:
        verbose_name = _("lần gửi hồ sơ")
        verbose_name_plural = _("lần gửi hồ sơ")
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number"], name="awards_dossier_version"),
        ]

    def __str__(self):
        return _("Lần gửi %(number)s – %(dossier)s") % {
            "number": self.number,
            "dossier": self.dossier,
        }


class DossierAttachment(models.Model):
    """A file the secretariat adds to the dossier (a scan, a confirmation, a photo)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("hồ sơ")
    )
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/")
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
    withdrawn_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("tài liệu kèm hồ sơ")
        verbose_name_plural = _("tài liệu kèm hồ sơ")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self):
        return self.title


class AwardDecision(models.Model):
    """The council's decision on a dossier: number, date, signer."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="decision", verbose_name=_("hồ sơ")
    )
    number = models.CharField(_("số quyết định"), max_length=50)
    signed_on = models.DateField(_("ngày ký"))
    signer_name = models.CharField(_("người ký"), max_length=255)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), default=timezone.now)

    history = AuditTrail()

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-signed_on", "id"]

    def __str__(self):
        return _("Quyết định số %(number)s") % {"number": self.number}


class GrantedAwardQuerySet(models.QuerySet):
    def in_force(self):
        """Awards granted and not revoked."""
        return self.filter(granted=True, revoked_at__isnull=True)


class GrantedAward(models.Model):
    """The decision's answer for one nominee: granted or not; a later revocation."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.PROTECT, related_name="awards", verbose_name=_("quyết định")
    )
    nomination = models.OneToOneField(
        Nomination, on_delete=models.PROTECT, related_name="grant", verbose_name=_("đề nghị")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="granted_awards", verbose_name=_("đơn vị")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("khen thưởng")
    )
    granted = models.BooleanField(_("được khen thưởng"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_on = models.DateField(_("ngày quyết định thu hồi"), null=True, blank=True)
    revocation_number = models.CharField(_("số quyết định thu hồi"), max_length=50, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi thu hồi"),
    )

    objects = GrantedAwardQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("kết quả khen thưởng")
        verbose_name_plural = _("kết quả khen thưởng")
        ordering = ["decision", "award_type__order", "nomination__position", "id"]

    def __str__(self):
        return f"{self.award_type} – {self.agency}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def in_force(self) -> bool:
        return self.granted and not self.is_revoked
