"""A real Celery worker renders a document through Redis into the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_services
from reports import services, tasks
from reports.models import Document

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _skip_or_fail(reason):
    if require_services():
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def celery_worker_process():
    """Start `celery worker` on its own Redis database and queue, against the test database."""
    if connection.vendor != "postgresql":
        _skip_or_fail("the worker test needs PostgreSQL (DATABASE_URL) to share the test database")
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        _skip_or_fail(f"Redis is not reachable at {TEST_REDIS_URL}")
    db = settings.DATABASES["default"]
    queue = f"khoithidua-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "khoithidua.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": TEST_REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "true",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace(
            f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@"
        )
    log = Path(settings.MEDIA_ROOT) / f"{queue}.log"
    celery_bin = Path(sys.executable).with_name("celery")
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                str(celery_bin),
                "-A",
                "khoithidua",
                "worker",
                "--pool",
                "solo",
                "-l",
                "info",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
    from khoithidua.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own settings, so the
    # test's broker goes into the write/read URLs, which take precedence over it.
    keys = ("task_always_eager", "broker_write_url", "broker_read_url", "task_default_queue")
    saved = {k: app.conf.get(k) for k in keys}
    app.conf.update(
        task_always_eager=False,
        broker_write_url=TEST_REDIS_URL,
        broker_read_url=TEST_REDIS_URL,
        task_default_queue=queue,
    )
    _reset_producer_pool(app)
    yield {"queue": queue, "log": log}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    app.conf.update(**saved)
    _reset_producer_pool(app)


def _reset_producer_pool(app):
    """Drop pooled broker connections so the next send uses the current broker settings."""
    from kombu import pools

    pools.reset()
    app._pool = None
    # The routing table (default queue) is built once per app; rebuild it from the new conf.
    app.__dict__.pop("amqp", None)


def wait_for(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


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
    assert response.json() == {"database": "ok", "broker": "ok"}
