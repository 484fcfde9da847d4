"""What the sweep and the pages do with a render nobody is doing, and with a double click."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import require_services
from reports import services, tasks
from reports.models import Document


@pytest.fixture
def document(db, term, personas):
    return services.request_document(
        term=term, kind="member_list", by=personas["secretariat"]
    ).document


def ago(delta):
    return timezone.now() - delta - datetime.timedelta(seconds=1)


def test_the_sweep_queues_what_the_broker_never_took_or_lost(document, term):
    # Never taken by the broker (it was down): queued at the next sweep.
    assert services.documents_to_queue() == [document.pk]
    # Taken a moment ago: left alone, its message is on its way.
    services.mark_queued(document.pk)
    assert services.documents_to_queue() == []
    # Taken long ago and never started: the broker lost it (restarted without persistence).
    Document.objects.filter(pk=document.pk).update(queued_at=ago(services.REQUEUE_AFTER))
    assert services.documents_to_queue() == [document.pk]


def test_the_sweep_gives_back_a_stale_claim_and_leaves_a_fresh_one(document):
    assert services.claim_document(document.pk, task_id="t-1")
    assert services.documents_to_queue() == []
    Document.objects.filter(pk=document.pk).update(started_at=ago(services.STALE_CLAIM))
    assert services.documents_to_queue() == [document.pk]
    document.refresh_from_db()
    assert (document.status, document.task_id, document.queued_at) == ("pending", "", None)


def test_the_same_task_delivered_again_takes_its_claim_back_and_no_other_task_does(document):
    assert services.claim_document(document.pk, task_id="t-1")
    # Another task (a duplicate message from the sweep) does not render it twice.
    assert not services.claim_document(document.pk, task_id="t-2")
    # The broker delivers t-1 again only when the worker running it died.
    assert services.claim_document(document.pk, task_id="t-1")
    document.refresh_from_db()
    assert document.attempts == 2
    services.render_document(document.pk, task_id="t-1")
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    # Once ready, no delivery renders it again.
    assert services.render_document(document.pk, task_id="t-1") is None


def test_a_render_that_never_finishes_fails_with_a_message_after_its_attempts(document):
    Document.objects.filter(pk=document.pk).update(
        status="rendering", started_at=ago(services.STALE_CLAIM), attempts=services.MAX_ATTEMPTS
    )
    assert services.documents_to_queue() == []
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "bị ngắt giữa chừng" in document.error


def test_the_sweep_task_sends_each_waiting_document_and_marks_it_queued(document):
    other = services.request_document(
        term=document.term, kind="member_list", params={"copy": "2"}
    ).document
    # In-process tasks: the sweep renders both at once.
    assert tasks.sweep_documents_task() == 2
    statuses = set(Document.objects.values_list("status", flat=True))
    assert statuses == {"ready"}
    assert other.pk != document.pk


def test_a_stale_render_can_be_restarted_from_its_page(
    client, document, personas, django_capture_on_commit_callbacks
):
    services.claim_document(document.pk, task_id="t-1")
    client.force_login(personas["secretariat"])
    url = reverse("reports:document_rerender", args=[document.pk])
    page = client.get(reverse("reports:document_detail", args=[document.pk])).content.decode()
    assert url not in page
    response = client.post(url, follow=True)
    assert "đang được tạo" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Document.Status.RENDERING
    Document.objects.filter(pk=document.pk).update(started_at=ago(services.STALE_CLAIM))
    page = client.get(reverse("reports:document_detail", args=[document.pk])).content.decode()
    assert url in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    document.refresh_from_db()
    # Rendered in-process at once, under its own number.
    assert (document.status, document.number) == ("ready", 1)


def test_a_member_cannot_restart_a_document(client, document, personas):
    client.force_login(personas["member_head"])
    response = client.post(reverse("reports:document_rerender", args=[document.pk]))
    assert response.status_code in (403, 404)


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_requests_spend_one_number(term, personas, monkeypatch):
    if connection.vendor != "postgresql":
        if require_services():
            pytest.fail("the race needs PostgreSQL")
        pytest.skip("SQLite serialises every writer; the race needs PostgreSQL")
    # The broker takes the render and no worker has started it yet, however slow the threads.
    monkeypatch.setattr(tasks, "publish", lambda document_id: True)
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    barrier = threading.Barrier(5)
    codes = []

    def ask():
        client = Client()
        client.force_login(personas["secretariat"])
        barrier.wait()
        codes.append(client.post(url, {"kind": "member_list"}).status_code)
        connection.close()

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * 5
    assert Document.objects.filter(term=term).count() == 1
    assert Document.objects.get(term=term).number == 1


def test_a_paused_queue_is_said_on_a_request_and_on_a_restart(client, term, personas, monkeypatch):
    monkeypatch.setattr(tasks, "publish", lambda document_id: False)
    client.force_login(personas["secretariat"])
    url = reverse("reports:document_request", args=[term.bloc.code, term.year])
    body = client.post(url, {"kind": "member_list"}, follow=True).content.decode()
    assert "hàng đợi hoạt động trở lại" in body
    document = Document.objects.get(term=term)
    assert (document.status, document.queued_at) == ("pending", None)
    Document.objects.filter(pk=document.pk).update(status="failed", error="x")
    restart = reverse("reports:document_rerender", args=[document.pk])
    body = client.post(restart, follow=True).content.decode()
    assert "hàng đợi hoạt động trở lại" in body and document.number_label in body
    document.refresh_from_db()
    assert (document.status, document.error) == ("pending", "")
