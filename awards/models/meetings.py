"""The review meeting (hội nghị bình xét, suy tôn): attendance, quorum and the secret ballots.

An online ballot keeps only the counts per candidate and, per agency, a receipt that it voted:
nothing links an agency to its choice. That is why ``BallotCandidate`` and ``BallotReceipt`` carry
no audit trail, no "changed at" and no "changed by", and why a vote rewrites every candidate row
of its ballot (see ``awards.services.ballots.cast_vote``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.catalogue import SHARE, AwardType
from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm

__all__ = [
    "Attendance",
    "Ballot",
    "BallotCandidate",
    "BallotReceipt",
    "QuorumCheck",
    "ReviewMeeting",
]


class ReviewMeeting(models.Model):
    """The half-year or year-end meeting of a term."""

    class PeriodKind(models.TextChoices):
        # The same values as ``campaigns.Period.Kind``: a meeting reviews that period.
        SEMIANNUAL = "semiannual", _("Sơ kết 6 tháng")
        ANNUAL = "annual", _("Tổng kết năm")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Chuẩn bị")
        VOTING = "voting", _("Đang bỏ phiếu")
        CLOSED = "closed", _("Đã kết thúc")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="review_meetings", verbose_name=_("năm")
    )
    period_kind = models.CharField(_("kỳ"), max_length=12, choices=PeriodKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    held_at = models.DateTimeField(_("thời gian"))
    place = models.CharField(_("địa điểm"), max_length=255)
    chair = models.CharField(_("chủ trì"), max_length=255, help_text=_("Họ tên, chức vụ."))
    secretary = models.CharField(_("thư ký hội nghị"), max_length=255, blank=True)
    ballot_committee = models.TextField(
        _("tổ kiểm phiếu"), blank=True, help_text=_("Mỗi dòng một người: họ tên, chức vụ.")
    )
    board_representative = models.CharField(
        _("đại diện Ban Thi đua – Khen thưởng"), max_length=255, blank=True
    )
    # The quorum voting opened under is kept on the met ``QuorumCheck`` row, with its numbers.
    opened_at = models.DateTimeField(_("mở bỏ phiếu lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("hội nghị bình xét")
        verbose_name_plural = _("hội nghị bình xét")
        ordering = ["term", "period_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "period_kind"], name="awards_meeting_one_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_period_kind_display()} – {self.term}"

    @property
    def rules_frozen(self) -> bool:
        """The year's award rules stand still once voting has opened."""
        return self.status != self.Status.PLANNED

    @property
    def committee_members(self) -> list[str]:
        return [line.strip() for line in self.ballot_committee.splitlines() if line.strip()]


class Attendance(models.Model):
    """Whether a member agency attended, by whom, or why not."""

    meeting = models.ForeignKey(
        ReviewMeeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("hội nghị"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    present = models.BooleanField(_("có mặt"), default=False)
    representative = models.CharField(_("người dự"), max_length=255, blank=True)
    representative_title = models.CharField(_("chức vụ"), max_length=255, blank=True)
    absence_reason = models.CharField(_("lý do vắng"), max_length=255, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        ordering = ["meeting", "agency__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="awards_attendance_unique"),
            models.CheckConstraint(
                condition=Q(present=False) | ~Q(representative=""),
                name="awards_attendance_present_has_representative",
            ),
        ]

    def __str__(self):
        return f"{self.agency}: {_('có mặt') if self.present else _('vắng')}"


class QuorumCheck(models.Model):
    """One check of the quorum when voting was to open; a failed one is kept, not lost."""

    meeting = models.ForeignKey(
        ReviewMeeting,
        on_delete=models.CASCADE,
        related_name="quorum_checks",
        verbose_name=_("hội nghị"),
    )
    checked_at = models.DateTimeField(_("kiểm tra lúc"), auto_now_add=True)
    present = models.PositiveSmallIntegerField(_("số có mặt"))
    members = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    quorum = models.DecimalField(_("tỷ lệ có mặt tối thiểu"), **SHARE)
    met = models.BooleanField(_("đủ điều kiện"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người kiểm tra"),
    )

    class Meta:
        verbose_name = _("kiểm tra số thành viên có mặt")
        verbose_name_plural = _("kiểm tra số thành viên có mặt")
        ordering = ["meeting", "checked_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("members")),
                name="awards_quorumcheck_present_within_members",
            ),
        ]

    def __str__(self):
        return f"{self.meeting}: {self.present}/{self.members}"


class Ballot(models.Model):
    """One round of the secret ballot for one award at a meeting."""

    class Mode(models.TextChoices):
        PAPER = "paper", _("Phiếu giấy, kiểm tại hội nghị")
        ONLINE = "online", _("Bỏ phiếu trực tuyến")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang bỏ phiếu")
        CLOSED = "closed", _("Đã kết thúc")

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("hội nghị")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("khen thưởng")
    )
    round = models.PositiveSmallIntegerField(_("vòng"), default=1)
    mode = models.CharField(_("hình thức"), max_length=8, choices=Mode.choices)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    seats = models.PositiveSmallIntegerField(_("số suất"))
    # Members present when the round opened: the most ballots that can be issued.
    voters = models.PositiveSmallIntegerField(_("số đơn vị có mặt"))
    issued = models.PositiveSmallIntegerField(_("số phiếu phát ra"), null=True, blank=True)
    returned = models.PositiveSmallIntegerField(_("số phiếu thu về"), null=True, blank=True)
    valid = models.PositiveSmallIntegerField(_("số phiếu hợp lệ"), null=True, blank=True)
    invalid = models.PositiveSmallIntegerField(_("số phiếu không hợp lệ"), null=True, blank=True)
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người mở"),
    )
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người kết thúc"),
    )

    class Meta:
        verbose_name = _("lượt bỏ phiếu")
        verbose_name_plural = _("lượt bỏ phiếu")
        ordering = ["meeting", "award_type__order", "award_type__code", "round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "award_type", "round"], name="awards_ballot_round_unique"
            ),
            models.CheckConstraint(condition=Q(round__gte=1), name="awards_ballot_round_positive"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="awards_ballot_seats_positive"),
        ]

    def __str__(self):
        return _("%(award)s – vòng %(round)s") % {"award": self.award_type, "round": self.round}

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class BallotCandidate(models.Model):
    """A candidate of a round and its votes; its outcome is set when the round closes."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("lượt bỏ phiếu")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự trên phiếu"))
    rank = models.PositiveSmallIntegerField(_("hạng"), default=0)
    votes = models.PositiveSmallIntegerField(_("số phiếu"), default=0)
    outcome = models.CharField(_("kết quả"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        ordering = ["ballot", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "agency"], name="awards_ballotcandidate_unique"
            ),
        ]

    def __str__(self):
        return f"{self.ballot}: {self.agency}"


class BallotReceipt(models.Model):
    """That an agency has voted in an online round, and nothing about how."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("lượt bỏ phiếu")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )

    class Meta:
        verbose_name = _("xác nhận đã bỏ phiếu")
        verbose_name_plural = _("xác nhận đã bỏ phiếu")
        ordering = ["ballot", "agency__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "agency"], name="awards_receipt_one_per_agency"
            ),
        ]

    def __str__(self):
        return f"{self.ballot}: {self.agency}"
