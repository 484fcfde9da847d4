import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from blocs.models import Council
from campaigns.models import Period
from reports import province_ranking, services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=services.transient_errors(),
    retry_backoff=True,
    max_retries=3,
)
def render_document_task(self, document_id: int, force: bool = False):
    # The task id lets a message delivered again after its worker died take the row back.
    document = services.render_document(document_id, force=force, task_id=self.request.id or "")
    return document.status if document else "skipped"


@shared_task
def sweep_documents_task():
    """Hand the broker again every render left waiting or abandoned (beat runs this)."""
    queued = [document_id for document_id in services.documents_to_queue() if publish(document_id)]
    if queued:
        logger.info("queued again: documents %s", queued)
    return len(queued)


def publish(document_id: int) -> bool:
    """Send one render to the broker now; False (logged) when the broker cannot take it.

    The row stays pending and the sweep sends it again once the broker is back, so a broker
    outage never loses a document nor fails the request that asked for it.
    """
    try:
        render_document_task.delay(document_id)
    except Exception:
        logger.warning("the broker did not take document %s; the sweep will retry", document_id)
        return False
    services.mark_queued(document_id)
    return True


def queue_render(document_id: int) -> bool:
    """Render a pending document in a worker once the current transaction commits.

    Outside a transaction the render is sent at once and the answer says whether the broker
    took it; inside one it is sent on commit and the answer is True.
    """
    sent = []
    transaction.on_commit(lambda: sent.append(publish(document_id)))
    return all(sent)


@shared_task
def refresh_cross_rankings_task(council_id=None, year=None, kind=None):
    """Total every bloc of the board's cross-bloc rankings again into the cache (beat runs this
    more often than ``province_ranking.CACHE_SECONDS``, so no request waits for it).

    Without arguments: this year's ranking of every council for each kind of period; with
    them, the one a request found too old. Returns how many were built.
    """
    councils = Council.objects.all()
    if council_id is not None:
        councils = councils.filter(pk=council_id)
    year = year or timezone.localdate().year
    kinds = [kind] if kind else Period.Kind.values
    built = 0
    for council in councils:
        for each in kinds:
            built += province_ranking.rebuild(council, year=year, kind=each)
    return built
