"""People: users, their roles in agencies and the board officers of a council."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from blocs.history import AuditTrail
from blocs.models.organisations import Agency, Council

__all__ = ["AgencyRole", "BoardOfficer", "User"]


class User(AbstractUser):
    """A person who logs in; names are written in Vietnamese order in ``full_name``."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    # The language of the mail and notifications this person receives; empty means the site's.
    language = models.CharField(
        _("ngôn ngữ"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.get_username()

    @property
    def mail_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.get_username()


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

    history = AuditTrail()

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

    history = AuditTrail()

    class Meta:
        verbose_name = _("cán bộ Ban Thi đua – Khen thưởng")
        verbose_name_plural = _("cán bộ Ban Thi đua – Khen thưởng")
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="blocs_boardofficer_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.council.short_name}"
