"""A real Celery worker renders a document through Redis into the test database."""

import pytest

from reports import services, tasks
from reports.models import Document
from reports.tests.workers import (
    TEST_REDIS_URL,
    new_queue,
    require_worker_services,
    sending_to,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_process():
    """Start `celery worker` on its own Redis database and queue, against the test database."""
    require_worker_services(TEST_REDIS_URL)
    queue = new_queue()
    worker = start_worker(TEST_REDIS_URL, queue)
    with sending_to(TEST_REDIS_URL, queue):
        yield {"queue": queue, "log": worker.log}
    worker.stop()


def test_worker_renders_a_requested_document_through_redis(celery_worker_process, bloc_world):
    document = services.request_document(
        term=bloc_world.term, kind="member_list", by=bloc_world.secretariat
    ).document
    tasks.queue_render(document.pk)
    finished = wait_for(lambda: Document.objects.get(pk=document.pk).is_finished)
    log = celery_worker_process["log"].read_text()
    assert finished, f"the worker did not finish the document; worker log:\n{log}"
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    with document.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert "render_document_task" in log and "succeeded" in log


def test_healthz_reports_the_broker_when_a_worker_setup_is_used(
    celery_worker_process, client, settings
):
    settings.TASKS_EAGER = False
    response = client.get("/healthz")
    assert response.json() == {"database": "ok", "broker": "ok", "documents_waiting": 0}


def test_the_worker_tells_the_requester_and_mails_them_through_redis(
    celery_worker_process, bloc_world
):
    from blocs.models import Notification, NotificationPreference
    from blocs.notices import Delivery
    from reports.notices import DOCUMENT_READY

    requester = bloc_world.secretariat
    NotificationPreference.objects.create(
        user=requester, kind=DOCUMENT_READY, delivery=Delivery.IMMEDIATE
    )
    document = services.request_document(
        term=bloc_world.term, kind="member_list", by=requester
    ).document
    tasks.queue_render(document.pk)

    def mailed():
        return Notification.objects.filter(
            user=requester, kind=DOCUMENT_READY, mail=Notification.Mail.SENT
        ).exists()

    log_file = celery_worker_process["log"]
    assert wait_for(mailed), f"no mail went out; worker log:\n{log_file.read_text()}"
    log = log_file.read_text()
    assert "send_notification_mail_task" in log and f"To: {requester.email}" in log


def test_the_worker_renders_the_demo_years_documents_for_both_blocs(celery_worker_process):
    """seed_demo queues the 2025 documents of both blocs; the real worker makes every one."""
    import io

    import pdfplumber
    from django.core.management import call_command

    from reports.signing import signature_status

    call_command("seed_demo", stdout=io.StringIO())
    documents = Document.objects.filter(term__year=2025)
    log_file = celery_worker_process["log"]
    done = wait_for(lambda: all(d.is_finished for d in documents.all()), timeout=300)
    assert done, f"documents left unfinished; worker log:\n{log_file.read_text()[-3000:]}"
    failed = {d.kind: d.error for d in documents if d.status != Document.Status.READY}
    assert not failed, failed
    reports = documents.filter(kind__in=["semiannual_report", "annual_report"])
    assert sorted(reports.values_list("term__bloc__code", "kind")) == [
        ("khoi-dang", "annual_report"),
        ("khoi-dang", "semiannual_report"),
        ("khoi-tong-hop", "annual_report"),
        ("khoi-tong-hop", "semiannual_report"),
    ]
    for report in reports:
        with report.file.open("rb") as f:
            data = f.read()
        assert signature_status(data).intact
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert "II. KẾT QUẢ THỰC HIỆN" in text and "V. KIẾN NGHỊ, ĐỀ XUẤT" in text
        header = "ĐẢNG CỘNG SẢN VIỆT NAM" if report.layout == "party" else "Độc lập - Tự do"
        assert header in text, report
        assert report.docx_file
