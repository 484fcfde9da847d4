"""Celery tasks of the awards app: thin wrappers that call one service."""

from celery import shared_task


@shared_task
def finalize_rankings_task() -> int:
    """Hourly: make final every provisional ranking whose appeal window closed, all answered."""
    from awards.services.appeals import finalize_due_rankings

    return finalize_due_rankings()
