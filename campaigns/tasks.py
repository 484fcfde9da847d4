"""Celery tasks of the campaigns app: thin wrappers that take ids and call one service."""

from celery import shared_task


@shared_task
def remind_unsigned_pledges_task() -> int:
    """Daily: email the heads of members that have not signed an open pledge."""
    from campaigns.services.pledges import remind_all_open_pledges

    return remind_all_open_pledges()


@shared_task
def send_deadline_reminders_task() -> int:
    """Hourly: remind, 7 days and 1 day before, the agencies with a deadline still to meet."""
    from campaigns.services.notifications import send_deadline_reminders

    return send_deadline_reminders()
