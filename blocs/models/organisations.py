"""Organisations: councils, agencies (with their renames) and blocs with their rotation order."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.vnsort import fold, vietnamese_sort_key

__all__ = [
    "Agency",
    "AgencyNameChange",
    "AgencyQuerySet",
    "Bloc",
    "BlocQuerySet",
    "Council",
    "DocumentProfile",
    "RotationSlot",
]


class DocumentProfile(models.TextChoices):
    STATE = "state", _("Nhà nước (Nghị định 30/2020/NĐ-CP)")
    PARTY = "party", _("Đảng (Hướng dẫn 36-HD/VPTW)")


class Council(models.Model):
    """A provincial emulation council and its board office (Ban Thi đua – Khen thưởng)."""

    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=50)
    province = models.CharField(_("tỉnh, thành phố"), max_length=100)
    document_profile = models.CharField(
        _("thể thức văn bản"),
        max_length=10,
        choices=DocumentProfile.choices,
        default=DocumentProfile.STATE,
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("hội đồng thi đua – khen thưởng")
        verbose_name_plural = _("hội đồng thi đua – khen thưởng")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def vietnamese_order(self):
        return self.order_by("sort_key", "id")

    def matching(self, text: str):
        """Agencies whose name or abbreviation holds every word of ``text``, marks ignored:
        "so tai chinh", "Sở Tài chính" and "STC" all find "Sở Tài chính" (STC)."""
        query = self
        for word in fold(text).split():
            query = query.filter(search_text__contains=word)
        return query


class Agency(models.Model):
    """A member agency (cơ quan, đơn vị); renamed or merged agencies keep their history."""

    class Kind(models.TextChoices):
        STATE = "state", _("Cơ quan nhà nước")
        PARTY = "party", _("Cơ quan Đảng")
        MASS = "mass", _("Tổ chức chính trị - xã hội")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("hội đồng")
    )
    name = models.CharField(_("tên cơ quan, đơn vị"), max_length=255)
    abbreviation = models.CharField(
        _("tên viết tắt"),
        max_length=30,
        help_text=_("Dùng trong số văn bản, ví dụ VPTU trong 07/BC-VPTU."),
    )
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    parent_body = models.CharField(_("cơ quan cấp trên"), max_length=255, blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("đã hợp nhất vào"),
    )
    merged_on = models.DateField(_("ngày hợp nhất"), null=True, blank=True)
    # Nghị định 152/2025/NĐ-CP, Điều 4: among equal collectives, preference goes to those with at
    # least 70 % women. Unknown unless recorded.
    women_share = models.DecimalField(
        _("tỷ lệ nữ (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Tỷ lệ nữ trong tổng số cán bộ, công chức, người lao động, nếu có."),
    )
    sort_key = models.CharField(max_length=2000, editable=False, db_index=True, default="")
    # The name and abbreviation without marks, so that a search typed with or without them is
    # one plain comparison in any database (SQLite has no ``unaccent``).
    search_text = models.CharField(max_length=300, editable=False, default="")

    objects = AgencyQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "abbreviation"],
                condition=Q(active=True),
                name="blocs_agency_active_abbreviation_unique",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="blocs_agency_not_merged_into_itself",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(active=False),
                name="blocs_agency_merged_is_inactive",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def document_profile(self) -> str:
        """The layout of the documents it issues: a Party body uses the Party one (Hướng dẫn
        36-HD/VPTW), any other the state one (Nghị định 30/2020/NĐ-CP)."""
        return DocumentProfile.PARTY if self.kind == self.Kind.PARTY else DocumentProfile.STATE

    def clean(self):
        self.name = " ".join(self.name.split())
        self.abbreviation = self.abbreviation.strip().upper()
        self.sort_key = vietnamese_sort_key(self.name)
        self.search_text = fold(f"{self.name} {self.abbreviation}")
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("Không thể hợp nhất một đơn vị vào chính nó.")})

    def name_on(self, day):
        """Return the name the agency bore on ``day`` (renames are kept in history)."""
        later = [c for c in self.name_changes.all() if c.changed_on > day]
        return min(later, key=lambda c: (c.changed_on, c.pk)).old_name if later else self.name


class AgencyNameChange(models.Model):
    """One rename of an agency: documents of earlier years keep the old name."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="name_changes", verbose_name=_("đơn vị")
    )
    old_name = models.CharField(_("tên cũ"), max_length=255)
    new_name = models.CharField(_("tên mới"), max_length=255)
    old_abbreviation = models.CharField(_("viết tắt cũ"), max_length=30)
    new_abbreviation = models.CharField(_("viết tắt mới"), max_length=30)
    changed_on = models.DateField(_("ngày đổi tên"))
    reason = models.CharField(_("căn cứ"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần đổi tên")
        verbose_name_plural = _("lịch sử đổi tên")
        ordering = ["agency", "changed_on", "id"]

    def __str__(self):
        return f"{self.old_name} → {self.new_name} ({self.changed_on:%d/%m/%Y})"


class BlocQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """Blocs the user may see: board officers see their council's, members their own."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        # Terms are built on blocs, so their module is imported here rather than at the top.
        from blocs.models.terms import Membership

        member_term = Membership.objects.filter(term__bloc=OuterRef("pk"), agency__roles__user=user)
        return self.filter(Q(council__board_officers__user=user) | Exists(member_term)).distinct()


class Bloc(models.Model):
    """An emulation bloc (khối thi đua) of agencies with similar functions."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="blocs", verbose_name=_("hội đồng")
    )
    code = models.SlugField(
        _("mã khối"),
        max_length=50,
        unique=True,
        help_text=_("Ổn định, dùng trong địa chỉ trang và lệnh quản trị."),
    )
    name = models.CharField(_("tên khối"), max_length=255)
    established_by = models.CharField(_("quyết định thành lập"), max_length=255, blank=True)
    doc_abbreviation = models.CharField(
        _("ký hiệu trên văn bản"),
        max_length=30,
        default="KTĐ",
        help_text=_("Phần sau dấu gạch trong số văn bản, ví dụ KTĐ trong 07/BC-KTĐ."),
    )
    # Empty: the layout of the year's leader agency, which issues the bloc's documents.
    document_profile = models.CharField(
        _("thể thức văn bản của khối"),
        max_length=10,
        choices=DocumentProfile.choices,
        blank=True,
        default="",
        help_text=_(
            "Để trống thì theo cơ quan khối trưởng của năm: cơ quan Đảng dùng thể thức Đảng "
            "(Hướng dẫn 36-HD/VPTW), cơ quan khác dùng thể thức Nghị định 30/2020/NĐ-CP."
        ),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = BlocQuerySet.as_manager()
    history = AuditTrail()

    class Meta:
        verbose_name = _("khối thi đua")
        verbose_name_plural = _("khối thi đua")
        ordering = ["council", "name", "id"]

    def __str__(self):
        return self.name


class RotationSlot(models.Model):
    """One place in the bloc's rotation order for the lead (luân phiên khối trưởng)."""

    bloc = models.ForeignKey(
        Bloc, on_delete=models.CASCADE, related_name="rotation", verbose_name=_("khối")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="rotation_slots", verbose_name=_("đơn vị")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))

    history = AuditTrail()

    class Meta:
        verbose_name = _("thứ tự luân phiên")
        verbose_name_plural = _("thứ tự luân phiên")
        ordering = ["bloc", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "agency"], name="blocs_rotation_agency_unique"),
            models.UniqueConstraint(
                fields=["bloc", "position"], name="blocs_rotation_position_unique"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.agency}"
