"""Celery tasks of the blocs app: the notification mail, sent at once and in the daily digest."""

from celery import shared_task


@shared_task
def send_notification_mail_task() -> int:
    """Send the immediate notification mails still owed (after a change, and every minute)."""
    from blocs.services.notifications import send_pending_mail

    return send_pending_mail()


@shared_task
def send_notification_digests_task() -> int:
    """Daily: one mail per person who chose the digest, with everything waiting."""
    from blocs.services.notifications import send_digests

    return send_digests()
