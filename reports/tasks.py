from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    autoretry_for=(OperationalError, InterfaceError, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def render_document_task(document_id: int, force: bool = False):
    from reports.services import render_document

    document = render_document(document_id, force=force)
    return document.status if document else "skipped"
