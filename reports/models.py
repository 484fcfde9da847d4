import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm, DocumentProfile
from campaigns.models import Period

# Unambiguous letters and digits for codes read aloud or typed from paper (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def number_line(number: str, type_code: str, abbreviation: str, layout: str) -> str:
    """The number line of a document's header in its layout: "Số: 07/BC-KTĐ" (Nghị định 30)
    or "Số 07-BC/KTĐ" (Hướng dẫn 36)."""
    if layout == DocumentProfile.PARTY:
        return f"Số {number}-{type_code}/{abbreviation}"
    return f"Số: {number}/{type_code}-{abbreviation}"


def nominee_of(params) -> tuple:
    """The (agency id, award code) an achievement report is written for, from its parameters:
    a nominee's report is for one award."""
    params = params or {}
    return params.get("agency"), params.get("award")


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(term__in=BlocTerm.objects.visible_to(user))

    def issued(self):
        """Ready, numbered, and not replaced by a newer document that is ready."""
        return self.filter(status=Document.Status.READY, provisional=False).exclude(
            replaced_by__status=Document.Status.READY
        )


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
    # A draft (a ranking not yet agreed, say) takes no number in the official series.
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    provisional = models.BooleanField(
        _("dự thảo"),
        default=False,
        help_text=_("Làm từ dữ liệu chưa chốt: không số, không chữ ký, in chữ DỰ THẢO."),
    )
    type_code = models.CharField(_("ký hiệu loại văn bản"), max_length=10)
    # The layout in force when it was asked for: a later change of layout or leader never
    # changes how an issued document is named.
    layout = models.CharField(
        _("thể thức"), max_length=10, choices=DocumentProfile.choices, default=DocumentProfile.STATE
    )
    title = models.CharField(_("trích yếu"), max_length=255)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    narrative = models.JSONField(_("nội dung do thư ký viết"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("tệp"), upload_to="documents/", blank=True)
    # The same document as an editable Word copy; the PDF stays the verifiable version.
    docx_file = models.FileField(_("bản Word"), upload_to="documents/", blank=True)
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
    # When the render was last handed to the broker (empty while the broker could not take it),
    # and the task that holds the claim: the same task delivered again means its worker died.
    queued_at = models.DateTimeField(_("đưa vào hàng đợi lúc"), null=True, blank=True)
    task_id = models.CharField(_("mã tác vụ"), max_length=64, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # A document made again from newer data: the old one keeps its number and still verifies.
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("được thay bằng"),
    )

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
            models.CheckConstraint(
                condition=Q(provisional=True, number__isnull=True)
                | Q(provisional=False, number__isnull=False),
                name="reports_document_draft_has_no_number",
            ),
        ]

    def __str__(self):
        return f"{self.number_label} – {self.title}"

    def get_absolute_url(self):
        return reverse("reports:document_detail", args=[self.pk])

    def get_verify_url(self):
        return reverse("reports:verify", args=[self.verification_code])

    def verify_address(self) -> str:
        """The full address of the verification page, as printed on the document (SITE_URL)."""
        return settings.SITE_URL.rstrip("/") + self.get_verify_url()

    @property
    def header_number(self) -> str:
        """The number in the layout of the council (Nghị định 30 or Hướng dẫn 36).

        A draft leaves the number blank, as a draft on paper does.
        """
        number = f"{self.number:02d}" if self.number is not None else "\u2003\u2003"
        return number_line(number, self.type_code, self.term.bloc.doc_abbreviation, self.layout)

    @property
    def number_label(self) -> str:
        """How pages and messages name the document: its number, or that it is a draft."""
        if self.provisional:
            return str(_("Dự thảo (không số)"))
        return self.header_number

    @property
    def download_name(self) -> str:
        number = f"{self.number:02d}" if self.number is not None else "DU-THAO"
        return f"{self.type_code}-{number}-{self.term.bloc.code}-{self.term.year}.pdf"

    @property
    def replacement(self):
        """The newer document that replaces this one, once it is ready."""
        newer = self.replaced_by
        return newer if newer is not None and newer.status == self.Status.READY else None

    @property
    def docx_download_name(self) -> str:
        return self.download_name.removesuffix(".pdf") + ".docx"

    @property
    def waits_for_queue(self) -> bool:
        """Pending and never taken by the broker: it will be rendered when the queue is back."""
        return self.status == self.Status.PENDING and self.queued_at is None

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)


class ReviewReport(models.Model):
    """What the secretariat writes in a bloc's half-year or year-end review report.

    Figures and tables come from the data when the document is made; these are the words
    around them, one text per part of the report's outline. Each save is kept in the history.
    """

    SECTIONS = ("situation", "results", "shortcomings", "directions", "proposals")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="review_reports", verbose_name=_("năm")
    )
    period_kind = models.CharField(_("kỳ"), max_length=12, choices=Period.Kind.choices)
    situation = models.TextField(_("I. Đặc điểm tình hình"), blank=True)
    results = models.TextField(_("II. Kết quả thực hiện"), blank=True)
    shortcomings = models.TextField(_("III. Hạn chế, nguyên nhân"), blank=True)
    directions = models.TextField(_("IV. Phương hướng, nhiệm vụ"), blank=True)
    proposals = models.TextField(_("V. Kiến nghị, đề xuất"), blank=True)
    contributions_due = models.DateField(
        _("hạn gửi báo cáo của đơn vị"),
        null=True,
        blank=True,
        help_text=_("Hạn các đơn vị thành viên gửi báo cáo của mình cho thường trực khối."),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sửa"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("nội dung báo cáo sơ kết, tổng kết")
        verbose_name_plural = _("nội dung báo cáo sơ kết, tổng kết")
        ordering = ["term", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "period_kind"], name="reports_review_report_unique"
            )
        ]

    def __str__(self):
        return f"{self.term} – {self.get_period_kind_display()}"

    def sections(self) -> dict:
        return {name: getattr(self, name) for name in self.SECTIONS}


class MemberReport(models.Model):
    """A member agency's own half-year or year-end report, sent to the bloc's secretariat."""

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="member_reports", verbose_name=_("năm")
    )
    period_kind = models.CharField(_("kỳ"), max_length=12, choices=Period.Kind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="member_reports", verbose_name=_("đơn vị")
    )
    text = models.TextField(_("nội dung báo cáo"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("báo cáo của đơn vị thành viên")
        verbose_name_plural = _("báo cáo của đơn vị thành viên")
        ordering = ["term", "period_kind", "agency__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "period_kind", "agency"], name="reports_member_report_unique"
            )
        ]

    def __str__(self):
        return f"{self.agency} – {self.term} – {self.get_period_kind_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class MemberReportFile(models.Model):
    """A file attached to a member agency's report."""

    report = models.ForeignKey(
        MemberReport, on_delete=models.PROTECT, related_name="files", verbose_name=_("báo cáo")
    )
    file = models.FileField(_("tệp"), upload_to="member_reports/%Y/")
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
        verbose_name = _("tệp kèm báo cáo của đơn vị")
        verbose_name_plural = _("tệp kèm báo cáo của đơn vị")
        ordering = ["report", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ResultsPublication(models.Model):
    """A bloc-year's final ranking and decided awards, published on the public results page.

    The secretariat or the board publishes; withdrawing keeps the row (and its history) with
    ``withdrawn_at`` set, and nothing of the year shows publicly while it is withdrawn.
    """

    term = models.OneToOneField(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="results_publication",
        verbose_name=_("năm"),
    )
    published_at = models.DateTimeField(_("công khai lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người công khai"),
    )
    withdrawn_at = models.DateTimeField(_("thôi công khai lúc"), null=True, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("công khai kết quả")
        verbose_name_plural = _("công khai kết quả")

    def __str__(self):
        return _("Công khai kết quả %(term)s") % {"term": self.term}

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None
