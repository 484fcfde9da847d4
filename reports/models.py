import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import BlocTerm

# Unambiguous letters and digits for codes read aloud or typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(term__in=BlocTerm.objects.visible_to(user))


class Document(models.Model):
    """A generated document: its number in the bloc's yearly series, its file and its proof."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        RENDERING = "rendering", _("Đang tạo")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại văn bản"), max_length=40)
    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="documents", verbose_name=_("năm thi đua")
    )
    number = models.PositiveIntegerField(_("số"))
    type_code = models.CharField(_("ký hiệu loại văn bản"), max_length=10)
    title = models.CharField(_("trích yếu"), max_length=255)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    narrative = models.JSONField(_("nội dung do thư ký viết"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("tệp"), upload_to="documents/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    pages = models.PositiveSmallIntegerField(_("số trang"), null=True, blank=True)
    verification_code = models.CharField(
        _("mã xác thực"), max_length=14, unique=True, default=new_verification_code
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu tạo lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần tạo"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    objects = DocumentQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "number"], name="reports_document_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(sha256=""),
                name="reports_document_ready_has_hash",
            ),
        ]

    def __str__(self):
        return f"{self.number_label} – {self.title}"

    def get_absolute_url(self):
        return reverse("reports:document_detail", args=[self.pk])

    def get_verify_url(self):
        return reverse("reports:verify", args=[self.verification_code])

    @property
    def number_label(self) -> str:
        """The document number in the layout of the council (Nghị định 30 or Hướng dẫn 36)."""
        number = f"{self.number:02d}"
        abbr = self.term.bloc.doc_abbreviation
        if self.term.bloc.council.document_profile == "party":
            return f"Số {number}-{self.type_code}/{abbr}"
        return f"Số: {number}/{self.type_code}-{abbr}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
