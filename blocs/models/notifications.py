"""A person's notifications (the inbox, and the e-mail each one still owes) and their choices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs import notices
from blocs.notices import Delivery

__all__ = ["Notification", "NotificationPreference"]


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person: shown in the inbox, and mailed as the person chose."""

    class Mail(models.TextChoices):
        NONE = "none", _("Không gửi thư")
        PENDING = "pending", _("Chờ gửi thư")
        DIGEST = "digest", _("Chờ thư tổng hợp")
        SENT = "sent", _("Đã gửi thư")
        FAILED = "failed", _("Gửi thư không được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=80)
    params = models.JSONField(_("nội dung"), default=dict, blank=True)
    url = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    # What makes a notification once-only for a person (a reminder of one deadline, say).
    key = models.CharField(_("khóa"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("lúc tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("lúc đọc"), null=True, blank=True)
    mail = models.CharField(_("thư"), max_length=10, choices=Mail.choices, default=Mail.NONE)
    mailed_at = models.DateTimeField(_("lúc gửi thư"), null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="blocs_notification_key_once"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="blocs_notif_user_read"),
            models.Index(fields=["mail", "created_at"], name="blocs_notif_mail"),
        ]

    def __str__(self):
        return f"{self.user} – {self.subject}"

    @property
    def kind_info(self):
        return notices.find(self.kind)

    @property
    def subject(self) -> str:
        kind = self.kind_info
        return kind.subject_for(self.params) if kind else self.kind

    @property
    def bloc(self) -> str:
        return (self.params or {}).get("bloc", "")

    @property
    def mail_subject(self) -> str:
        """The subject of its mail: the bloc in brackets, so a mailbox sorts by bloc."""
        return f"[{self.bloc}] {self.subject}" if self.bloc else self.subject

    @property
    def body(self) -> str:
        kind = self.kind_info
        return kind.body_for(self.params) if kind else ""

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person wants one kind of notification: mailed at once, in a digest, or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("người dùng"),
    )
    kind = models.CharField(_("loại"), max_length=80)
    delivery = models.CharField(_("cách nhận"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        ordering = ["user_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="blocs_notifpref_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.kind}: {self.get_delivery_display()}"
