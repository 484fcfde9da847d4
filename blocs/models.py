from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from blocs.vnsort import vietnamese_sort_key


class User(AbstractUser):
    """A person who logs in; names are written in Vietnamese order in ``full_name``."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.get_username()

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.get_username()


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
    sort_key = models.CharField(max_length=2000, editable=False, db_index=True, default="")

    objects = AgencyQuerySet.as_manager()

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

    def clean(self):
        self.name = " ".join(self.name.split())
        self.abbreviation = self.abbreviation.strip().upper()
        self.sort_key = vietnamese_sort_key(self.name)
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
    active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = BlocQuerySet.as_manager()

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


class BlocTermQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Terms the user may read: board of the council, or a role in a member agency."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        member = Membership.objects.filter(term=OuterRef("pk"), agency__roles__user=user)
        return self.filter(Q(bloc__council__board_officers__user=user) | Exists(member)).distinct()


class BlocTerm(models.Model):
    """One bloc in one year (năm thi đua); leader and deputy live on its memberships."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Chuẩn bị")
        ACTIVE = "active", _("Đang thực hiện")
        CLOSED = "closed", _("Đã kết thúc")

    bloc = models.ForeignKey(
        Bloc, on_delete=models.PROTECT, related_name="terms", verbose_name=_("khối")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNING
    )
    # Rules as data (DESIGN.md): the scoring parameters live in ``campaigns.ScoringRules``;
    # the quorum of the review meeting is kept here until the awards app owns the meeting.
    quorum = models.DecimalField(
        _("tỷ lệ có mặt tối thiểu"), max_digits=4, decimal_places=3, default="0.667"
    )
    legal_bases = models.TextField(
        _("căn cứ pháp lý in trên văn bản"),
        blank=True,
        help_text=_("Mỗi dòng một căn cứ."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người mở"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = BlocTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("năm thi đua của khối")
        verbose_name_plural = _("năm thi đua của khối")
        ordering = ["bloc", "-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bloc", "year"], name="blocs_term_one_per_bloc_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="blocs_term_year_sane"
            ),
        ]

    def __str__(self):
        return f"{self.bloc} – {self.year}"

    def _membership_with(self, role):
        for m in self.memberships.all():
            if m.role == role:
                return m
        return None

    @property
    def leader(self):
        m = self._membership_with(Membership.Role.LEADER)
        return m.agency if m else None

    @property
    def deputy(self):
        m = self._membership_with(Membership.Role.DEPUTY)
        return m.agency if m else None

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def council(self):
        return self.bloc.council


class Membership(models.Model):
    """An agency's place in one term; the lead and the deputy are roles of a membership.

    Keeping leader and deputy on the membership lets the database itself guarantee that both
    are members of the term, that each term has at most one of each, and that they differ.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Thành viên")
        LEADER = "leader", _("Khối trưởng")
        DEPUTY = "deputy", _("Khối phó")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("năm")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("ngày tham gia"))
    left_on = models.DateField(_("ngày rời khối"), null=True, blank=True)
    left_reason = models.CharField(_("lý do rời khối"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("thành viên khối")
        verbose_name_plural = _("thành viên khối")
        ordering = ["term", "agency__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "agency"], name="blocs_membership_unique"),
            models.UniqueConstraint(
                fields=["term"], condition=Q(role="leader"), name="blocs_membership_one_leader"
            ),
            models.UniqueConstraint(
                fields=["term"], condition=Q(role="deputy"), name="blocs_membership_one_deputy"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(role="member"),
                name="blocs_membership_leader_deputy_present",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="blocs_membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.agency} ({self.term})"

    @property
    def is_current(self):
        return self.left_on is None


class LeadershipElection(models.Model):
    """The vote at a year-end meeting choosing the next year's leader and deputy."""

    term = models.OneToOneField(
        BlocTerm,
        on_delete=models.PROTECT,
        related_name="election",
        verbose_name=_("năm tổ chức bầu"),
    )
    held_on = models.DateField(_("ngày bầu"))
    leader = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("khối trưởng được bầu")
    )
    deputy = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("khối phó được bầu")
    )
    voters = models.PositiveSmallIntegerField(_("số đơn vị tham gia bỏ phiếu"))
    leader_votes = models.PositiveSmallIntegerField(_("số phiếu khối trưởng"))
    deputy_votes = models.PositiveSmallIntegerField(_("số phiếu khối phó"))
    minutes = models.FileField(_("biên bản"), upload_to="elections/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả bầu khối trưởng, khối phó")
        verbose_name_plural = _("kết quả bầu khối trưởng, khối phó")
        constraints = [
            models.CheckConstraint(
                condition=~Q(leader=models.F("deputy")), name="blocs_election_leader_not_deputy"
            ),
            models.CheckConstraint(
                condition=Q(leader_votes__lte=models.F("voters"))
                & Q(deputy_votes__lte=models.F("voters")),
                name="blocs_election_votes_within_voters",
            ),
        ]

    def __str__(self):
        return _("Bầu cho năm %(year)s") % {"year": self.term.year + 1}

    def clean(self):
        if self.leader_id and self.leader_id == self.deputy_id:
            raise ValidationError({"deputy": _("Khối phó phải khác khối trưởng.")})
        errors = {}
        if self.voters is not None:
            if self.leader_votes is not None and self.leader_votes > self.voters:
                errors["leader_votes"] = _("Số phiếu không thể lớn hơn số đơn vị bỏ phiếu.")
            if self.deputy_votes is not None and self.deputy_votes > self.voters:
                errors["deputy_votes"] = _("Số phiếu không thể lớn hơn số đơn vị bỏ phiếu.")
        if errors:
            raise ValidationError(errors)


class LeadershipChange(models.Model):
    """Who changed a term's leader or deputy, when, from what to what and why.

    The secretariat's rights follow the leader, so every change of the lead is kept.
    """

    class Source(models.TextChoices):
        OPENING = "opening", _("Mở năm thi đua")
        ELECTION = "election", _("Theo kết quả bầu")
        MANUAL = "manual", _("Thay đổi trực tiếp")
        MERGER = "merger", _("Do hợp nhất đơn vị")

    term = models.ForeignKey(
        BlocTerm,
        on_delete=models.CASCADE,
        related_name="leadership_changes",
        verbose_name=_("năm thi đua"),
    )
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    old_leader = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khối trưởng cũ"),
    )
    old_deputy = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khối phó cũ"),
    )
    new_leader = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khối trưởng mới"),
    )
    new_deputy = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khối phó mới"),
    )
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thay đổi"),
    )
    changed_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("thay đổi khối trưởng, khối phó")
        verbose_name_plural = _("lịch sử thay đổi khối trưởng, khối phó")
        ordering = ["term", "changed_at", "id"]

    def __str__(self):
        return f"{self.term}: {self.old_leader or '—'} → {self.new_leader or '—'}"


class AgencyRole(models.Model):
    """A user's role in an agency: the head (thủ trưởng) or an emulation officer."""

    class Role(models.TextChoices):
        HEAD = "head", _("Thủ trưởng")
        OFFICER = "officer", _("Cán bộ thi đua")

    class Authority(models.TextChoices):
        NONE = "", _("Ký trực tiếp")
        KT = "KT.", _("KT. (ký thay)")
        TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_roles",
        verbose_name=_("người dùng"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="roles", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    # A deputy head signing for the head (KT.) or an officer authorised by the head (TUQ.).
    signing_authority = models.CharField(
        _("thẩm quyền ký"), max_length=4, choices=Authority.choices, default="", blank=True
    )

    class Meta:
        verbose_name = _("vai trò tại đơn vị")
        verbose_name_plural = _("vai trò tại đơn vị")
        ordering = ["agency__sort_key", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="blocs_agencyrole_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.agency}"

    @property
    def can_sign(self):
        return self.role == self.Role.HEAD or bool(self.signing_authority)


class BoardOfficer(models.Model):
    """An officer of the council's board (Ban TĐKT): reads every bloc, reviews and adjusts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="board_roles",
        verbose_name=_("người dùng"),
    )
    council = models.ForeignKey(
        Council,
        on_delete=models.PROTECT,
        related_name="board_officers",
        verbose_name=_("hội đồng"),
    )

    class Meta:
        verbose_name = _("cán bộ Ban Thi đua – Khen thưởng")
        verbose_name_plural = _("cán bộ Ban Thi đua – Khen thưởng")
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="blocs_boardofficer_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.council.short_name}"
