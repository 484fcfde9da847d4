"""Terms: a bloc's year, its memberships, and the election and changes of its lead."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models.organisations import Agency, Bloc

__all__ = [
    "BlocTerm",
    "BlocTermQuerySet",
    "LeadershipChange",
    "LeadershipElection",
    "Membership",
]


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
    # Rules as data (DESIGN.md): the scoring parameters live in ``campaigns.ScoringRules`` and
    # the awards' in ``awards.AwardRule``; the review meeting's quorum is the term's own, here
    # (an award's rule may ask for a stricter one).
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
    history = AuditTrail()

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
    def document_profile(self) -> str:
        """The layout of the year's documents: the bloc's own choice, else its issuer's.

        The leader agency issues the bloc's documents, so a Party leader agency uses the Party
        layout (Hướng dẫn 36-HD/VPTW) and any other the state one (Nghị định 30/2020); a year
        without a leader falls back on the council's.
        """
        if self.bloc.document_profile:
            return self.bloc.document_profile
        leader = self.leader
        if leader is not None:
            return leader.document_profile
        return self.bloc.council.document_profile

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

    history = AuditTrail()

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
    # The minutes are the legal record of the vote: a scanned copy, or at least their number and
    # date, is required by the election form.
    minutes_number = models.CharField(_("số biên bản"), max_length=30, blank=True)
    minutes_date = models.DateField(_("ngày biên bản"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    history = AuditTrail()

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
