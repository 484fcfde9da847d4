"""The nomination list per award that the secretariat confirms and sends to the board."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from awards.models.catalogue import AwardType
from awards.models.meetings import Ballot
from blocs.history import AuditTrail
from blocs.models import Agency, BlocTerm

__all__ = ["Nomination", "NominationList"]


class NominationList(models.Model):
    """The agencies a term proposes for one award."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự kiến")
        CONFIRMED = "confirmed", _("Đã chốt")

    term = models.ForeignKey(
        BlocTerm, on_delete=models.PROTECT, related_name="nomination_lists", verbose_name=_("năm")
    )
    award_type = models.ForeignKey(
        AwardType, on_delete=models.PROTECT, related_name="+", verbose_name=_("khen thưởng")
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    confirmed_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người chốt"),
    )

    history = AuditTrail()

    class Meta:
        verbose_name = _("danh sách đề nghị khen thưởng")
        verbose_name_plural = _("danh sách đề nghị khen thưởng")
        ordering = ["term", "award_type__order", "award_type__code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "award_type"], name="awards_nominationlist_one_per_award"
            ),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.term}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class Nomination(models.Model):
    """One agency proposed for an award, with the round that elected it."""

    nomination_list = models.ForeignKey(
        NominationList,
        on_delete=models.CASCADE,
        related_name="nominations",
        verbose_name=_("danh sách"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("đơn vị")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    ballot = models.ForeignKey(
        Ballot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lượt bỏ phiếu"),
    )
    votes = models.PositiveSmallIntegerField(_("số phiếu"), null=True, blank=True)

    history = AuditTrail()

    class Meta:
        verbose_name = _("đơn vị được đề nghị")
        verbose_name_plural = _("đơn vị được đề nghị")
        ordering = ["nomination_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination_list", "agency"], name="awards_nomination_unique"
            ),
        ]

    def __str__(self):
        return f"{self.agency} – {self.nomination_list}"
