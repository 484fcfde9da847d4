"""The one notifications service: every app calls ``notify``; no app sends mail itself.

A notification is a row in the recipient's inbox. Whether it is also mailed, at once or in the
daily digest, is the recipient's choice per kind. Mail is sent after the change that caused it
has committed, by a task that a broker outage or a dead worker cannot lose: the row keeps the
mail it still owes and the next run (beat, every minute) sends it.
"""

import contextlib
import contextvars
import logging
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from blocs import notices
from blocs.models import AgencyRole, Notification, NotificationPreference
from blocs.notices import Delivery

logger = logging.getLogger(__name__)

__all__ = [
    "absolute_url",
    "mark_all_read",
    "mark_read",
    "Message",
    "notify",
    "notify_all",
    "people_by_agency",
    "people_of",
    "save_preferences",
    "send_digests",
    "send_pending_mail",
    "without_mail",
]

# Inside ``without_mail`` (the demo data, an import of past years) notifications are only kept.
_mail_off = contextvars.ContextVar("notifications_without_mail", default=False)

# A mail that failed this many times is given up (the row stays in the inbox, marked failed).
MAX_MAIL_ATTEMPTS = 5


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def people_by_agency(agency_ids: Iterable[int], *, heads_only: bool = False) -> dict[int, list]:
    """The active users of each of these agencies, in one query: heads and officers, or heads."""
    roles = AgencyRole.objects.filter(agency_id__in=list(agency_ids), user__is_active=True)
    if heads_only:
        roles = roles.filter(role=AgencyRole.Role.HEAD)
    people: dict[int, list] = {}
    ordered = roles.select_related("user").order_by("agency__sort_key", "agency_id", "role", "id")
    for role in ordered:
        people.setdefault(role.agency_id, []).append(role.user)
    return people


def people_of(agency_ids: Iterable[int], *, heads_only: bool = False) -> list:
    """The active users of these agencies, each once: heads and officers, or the heads alone."""
    users = {}
    for people in people_by_agency(agency_ids, heads_only=heads_only).values():
        for user in people:
            users.setdefault(user.pk, user)
    return list(users.values())


def _chosen_deliveries(user_ids, codes) -> dict[tuple[int, str], str]:
    """What these users chose for these kinds, by (user, kind); a kind not chosen is absent."""
    return {
        (user_id, code): delivery
        for user_id, code, delivery in NotificationPreference.objects.filter(
            user__in=list(user_ids), kind__in=list(codes)
        ).values_list("user_id", "kind", "delivery")
    }


@contextlib.contextmanager
def without_mail():
    """Keep the notifications made inside the block in the inbox but mail none of them."""
    token = _mail_off.set(True)
    try:
        yield
    finally:
        _mail_off.reset(token)


def _mail_state(user, delivery: str) -> str:
    if not user.email or delivery == Delivery.INAPP or _mail_off.get():
        return Notification.Mail.NONE
    if delivery == Delivery.DIGEST:
        return Notification.Mail.DIGEST
    return Notification.Mail.PENDING


class Message(NamedTuple):
    """One notification to some people, as ``notify`` takes it; ``notify_all`` takes many."""

    recipients: Iterable
    kind: str
    params: dict
    url: str = ""
    key: str = ""


def notify(*, recipients, kind: str, params: dict, url: str = "", key: str = "", by=None) -> int:
    """Put a notification in each recipient's inbox and owe them the mail they chose.

    ``key`` makes the call once-only per person: a recipient who already has a notification
    with this key gets nothing new (a reminder run twice sends once). ``by``, the person whose
    action caused it, is not notified of their own action. Returns how many were notified.
    """
    return notify_all([Message(recipients, kind, params, url, key)], by=by)


@transaction.atomic
def notify_all(messages: Iterable[Message], *, by=None) -> int:
    """Store many notifications as ``notify`` does each, in a constant number of queries.

    A run that tells every agency of several blocs something of its own (a reminder) makes
    one query for the keys already sent, one for the people's choices and one insert.
    """
    wanted = []
    kinds = {}
    for message in messages:
        # An unknown kind is a programming error: it fails before anything is stored.
        kinds[message.kind] = notices.get(message.kind)
        users = {}
        for user in message.recipients:
            if user is None or not user.is_active or (by is not None and user.pk == by.pk):
                continue
            users.setdefault(user.pk, user)
        wanted.extend((user, message) for user in users.values())
    keys = {message.key for _user, message in wanted if message.key}
    sent = set()
    if keys:
        sent = set(
            Notification.objects.filter(
                user__in={user.pk for user, _message in wanted}, key__in=keys
            ).values_list("user_id", "key")
        )
    todo = []
    for user, message in wanted:
        if message.key:
            if (user.pk, message.key) in sent:
                continue
            sent.add((user.pk, message.key))
        todo.append((user, message))
    if not todo:
        return 0
    chosen = _chosen_deliveries({user.pk for user, _message in todo}, kinds)
    now = timezone.now()
    rows = [
        Notification(
            user=user,
            kind=message.kind,
            params=message.params,
            url=message.url,
            key=message.key,
            created_at=now,
            mail=_mail_state(
                user,
                chosen.get((user.pk, message.kind), kinds[message.kind].default),
            ),
        )
        for user, message in todo
    ]
    # A concurrent call with the same key may have won the race: its row stands, ours is dropped.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(keys))
    if any(r.mail == Notification.Mail.PENDING for r in rows):
        transaction.on_commit(_queue_mail)
    return len(rows)


def _queue_mail() -> None:
    from blocs.tasks import send_notification_mail_task

    try:
        send_notification_mail_task.delay()
    except Exception:
        # The rows keep the mail they owe; the beat run sends it when the broker is back.
        logger.warning("the broker did not take the notification mail; the next run sends it")


def _message(user, subject: str, template: str, context: dict, connection) -> EmailMessage:
    with translation.override(user.mail_language):
        body = render_to_string(
            template,
            {
                **context,
                "user": user,
                "settings_url": absolute_url(reverse("blocs:inbox_settings")),
                "inbox_url": absolute_url(reverse("blocs:inbox")),
            },
        )
        subject = str(subject)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
    )


def _entries(user, rows) -> list[dict]:
    with translation.override(user.mail_language):
        return [
            {
                "subject": r.mail_subject,
                "body": r.body,
                "url": absolute_url(r.url),
                "at": r.created_at,
            }
            for r in rows
        ]


def _give_up_or_retry(rows) -> None:
    for row in rows:
        row.mail_attempts += 1
        if row.mail_attempts >= MAX_MAIL_ATTEMPTS:
            row.mail = Notification.Mail.FAILED
        row.save(update_fields=["mail", "mail_attempts"])


def send_pending_mail(*, limit: int = 500) -> int:
    """Send the immediate mails still owed; return how many went out.

    Each mail is sent while its row is locked, and the row is marked sent in the same
    transaction: a worker killed mid-send leaves the row owing, and it is sent on the next run.
    """
    sent = 0
    connection = get_connection()
    ids = list(
        Notification.objects.filter(mail=Notification.Mail.PENDING)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, mail=Notification.Mail.PENDING)
                .first()
            )
            if row is None:
                continue
            user = row.user
            try:
                [entry] = _entries(user, [row])
                message = _message(
                    user,
                    entry["subject"],
                    "blocs/mail/notification.txt",
                    {"entry": entry},
                    connection,
                )
                message.send(fail_silently=False)
            except Exception:
                logger.exception("could not mail notification %s", row.pk)
                _give_up_or_retry([row])
                continue
            row.mail = Notification.Mail.SENT
            row.mailed_at = timezone.now()
            row.save(update_fields=["mail", "mailed_at"])
            sent += 1
    return sent


def send_digests() -> int:
    """Send each person who chose the digest one mail with everything waiting; return mails."""
    sent = 0
    connection = get_connection()
    user_ids = list(
        Notification.objects.filter(mail=Notification.Mail.DIGEST)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )
    for user_id in user_ids:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(user_id=user_id, mail=Notification.Mail.DIGEST)
                .order_by("created_at", "id")
            )
            if not rows:
                continue
            user = rows[0].user
            with translation.override(user.mail_language):
                subject = ngettext(
                    "[Khối thi đua] %(count)d thông báo trong ngày",
                    "[Khối thi đua] %(count)d thông báo trong ngày",
                    len(rows),
                ) % {"count": len(rows)}
            try:
                _message(
                    user,
                    subject,
                    "blocs/mail/digest.txt",
                    {"entries": _entries(user, rows)},
                    connection,
                ).send(fail_silently=False)
            except Exception:
                logger.exception("could not mail the digest of user %s", user_id)
                _give_up_or_retry(rows)
                continue
            now = timezone.now()
            for row in rows:
                row.mail = Notification.Mail.SENT
                row.mailed_at = now
            Notification.objects.bulk_update(rows, ["mail", "mailed_at"])
            sent += 1
    return sent


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def save_preferences(*, user, language: str, deliveries: dict[str, str]) -> None:
    """Store the person's language and, per kind, how they want to be told."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    existing = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    added, changed = [], []
    for code, delivery in deliveries.items():
        kind = notices.get(code)
        pref = existing.get(code)
        if pref is None:
            if delivery != kind.default:
                added.append(NotificationPreference(user=user, kind=code, delivery=delivery))
        elif pref.delivery != delivery:
            pref.delivery = delivery
            changed.append(pref)
    NotificationPreference.objects.bulk_create(added)
    NotificationPreference.objects.bulk_update(changed, ["delivery"])
