from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports import services


@shared_task(
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def render_document_task(document_id: int, force: bool = False):
    document = services.render_document(document_id, force=force)
    return document.status if document else "skipped"


def queue_render(document_id: int) -> None:
    """Render a pending document in a worker once the current transaction commits."""
    render_document_task.delay_on_commit(document_id)
