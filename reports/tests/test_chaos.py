"""Documents survive what dies: a worker killed mid-render, a broker stopped and restarted.

Each test runs a real `celery worker` on the test database. The broker outage uses a Redis of
the test's own on a free port, never the shared one. In every case each document ends ready
exactly once, no number is lost or given twice, and no request answers 500.
"""

import datetime
import hashlib
import os
import signal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import Document
from reports.tests.workers import (
    TEST_REDIS_URL,
    OwnRedis,
    new_queue,
    require_worker_services,
    sending_to,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def assert_each_rendered_exactly_once(documents, log):
    """Ready, the file is the hashed one, one 'ready' in each history, numbers in series."""
    folder_files = set()
    for document in documents:
        document.refresh_from_db()
        assert document.status == Document.Status.READY, (document.error, log.read_text())
        with document.file.open("rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == document.sha256
        statuses = list(document.history.order_by("history_id").values_list("status", flat=True))
        # Rendered once: one change into "ready" (a later save, such as being marked as
        # replaced by a newer list, keeps the status).
        became_ready = [b for a, b in zip(["", *statuses], statuses, strict=False) if b != a]
        assert became_ready.count("ready") == 1, statuses
        folder = Path(document.file.path).parent
        folder_files |= {folder / name for name in os.listdir(folder)}
    numbers = sorted(d.number for d in documents)
    assert numbers == list(range(1, len(documents) + 1)), numbers
    # No stray file from an interrupted attempt: one PDF and its Word copy per document.
    expected = {Path(d.file.path) for d in documents} | {Path(d.docx_file.path) for d in documents}
    assert folder_files == expected


def all_finished(documents):
    return all(d.is_finished for d in Document.objects.filter(pk__in=[d.pk for d in documents]))


def test_a_pool_process_killed_mid_render_gives_its_document_back_to_the_queue(bloc_world):
    require_worker_services(TEST_REDIS_URL)
    queue = new_queue()
    worker = start_worker(TEST_REDIS_URL, queue, pool="prefork")
    try:
        with sending_to(TEST_REDIS_URL, queue):
            documents = [
                services.request_document(
                    term=bloc_world.term, kind="member_list", params={"copy": str(i)}
                ).document
                for i in range(6)
            ]
            for document in documents:
                assert tasks.queue_render(document.pk)
            assert wait_for(
                lambda: Document.objects.filter(status="rendering").exists(),
                timeout=60,
                interval=0.01,
            ), worker.log.read_text()
            victim = Document.objects.get(status="rendering")
            (child,) = worker.children()
            os.kill(child, signal.SIGKILL)
            assert wait_for(lambda: all_finished(documents), timeout=180), worker.log.read_text()
        log = worker.log.read_text()
        assert "WorkerLostError" in log or "signal 9" in log, log
        victim.refresh_from_db()
        # Claimed by the killed process, then again by the same task delivered once more.
        assert victim.attempts == 2, victim.attempts
        assert_each_rendered_exactly_once(documents, worker.log)
    finally:
        worker.stop()


def test_a_worker_that_dies_whole_is_taken_over_by_the_sweep(bloc_world):
    require_worker_services(TEST_REDIS_URL)
    queue = new_queue()
    worker = start_worker(TEST_REDIS_URL, queue)
    with sending_to(TEST_REDIS_URL, queue):
        document = services.request_document(term=bloc_world.term, kind="member_list").document
        tasks.queue_render(document.pk)
        assert wait_for(
            lambda: Document.objects.get(pk=document.pk).status == "rendering",
            timeout=60,
            interval=0.01,
        ), worker.log.read_text()
        worker.kill_everything()
        document.refresh_from_db()
        assert document.status == Document.Status.RENDERING
        # A page offers no restart while the claim is fresh; the sweep leaves it too.
        assert not services.is_abandoned(document)
        assert document.pk not in services.documents_to_queue()
        # Time passes beyond the stale claim; a new worker starts and beat runs the sweep.
        Document.objects.filter(pk=document.pk).update(
            started_at=timezone.now() - services.STALE_CLAIM - datetime.timedelta(seconds=5)
        )
        assert services.is_abandoned(document)
        worker = start_worker(TEST_REDIS_URL, queue)
        try:
            assert tasks.sweep_documents_task() == 1
            assert wait_for(lambda: all_finished([document]), timeout=120), worker.log.read_text()
        finally:
            worker.stop()
    document.refresh_from_db()
    assert document.attempts == 2
    assert_each_rendered_exactly_once([document], worker.log)


def test_a_broker_outage_queues_the_request_and_the_sweep_renders_it_when_it_is_back(
    bloc_world, client, settings
):
    require_worker_services(TEST_REDIS_URL)
    settings.TASKS_EAGER = False
    redis = OwnRedis()
    redis.start()
    queue = new_queue()
    worker = start_worker(redis.url, queue)
    term = bloc_world.term
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    client.force_login(bloc_world.secretariat)
    try:
        with sending_to(redis.url, queue):
            first = client.post(url, {"kind": "member_list"})
            assert first.status_code == 302
            before = Document.objects.get()
            assert wait_for(lambda: all_finished([before]), timeout=60), worker.log.read_text()

            redis.stop()
            health = client.get("/healthz")
            assert health.status_code == 503 and health.json()["broker"] == "error"
            # Asked for during the outage, twice (a double click): one row, no 500.
            responses = [client.post(url, {"kind": "member_list"}, follow=True) for _ in range(2)]
            assert [r.status_code for r in responses] == [200, 200]
            for response in responses:
                assert "hàng đợi hoạt động trở lại" in response.content.decode()
            waiting = Document.objects.exclude(pk=before.pk).get()
            assert waiting.status == Document.Status.PENDING and waiting.queued_at is None
            assert waiting.number == 2
            assert client.get("/healthz").json()["documents_waiting"] == 1
            page = client.get(reverse("reports:document_detail", args=[waiting.pk]))
            assert page.status_code == 200 and 'id="queue-waiting"' in page.content.decode()

            redis.start()
            health = client.get("/healthz")
            assert health.status_code == 200 and health.json()["documents_waiting"] == 1
            # Beat's sweep hands the broker what it missed; the worker reconnected by itself.
            assert tasks.sweep_documents_task() == 1
            assert wait_for(lambda: all_finished([waiting]), timeout=120), worker.log.read_text()
            assert client.get("/healthz").json()["documents_waiting"] == 0
        waiting.refresh_from_db()
        assert waiting.attempts == 1
        assert_each_rendered_exactly_once([before, waiting], worker.log)
    finally:
        worker.stop()
        redis.stop()
