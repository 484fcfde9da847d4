"""Two web servers and two workers share one database, one Redis and one S3-compatible bucket.

Each process is started as on a machine of its own: its own empty media folder and signing
folder, so that anything kept on one machine's disk would show. The test signs in and works on
web A, reads what it made on web B with the same session cookie, and counts wrong passwords
typed on both against one limit.
"""

import contextlib
import datetime
import hashlib
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.urls import reverse
from django.utils import timezone

from campaigns.demo.scoring import make_table
from campaigns.models import Evidence, Period
from campaigns.services import scorecards as scorecard_services
from reports import signing
from reports.models import Document
from reports.tests.workers import (
    TEST_REDIS_URL,
    require_worker_services,
    skip_or_fail,
    spawn,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "hai-may-chu-2026"
BUCKET = "khoithidua-two-nodes"
ROWS = [
    ("1", "", "group", "Thực hiện nhiệm vụ", 0, False),
    ("1.1", "1", "scored", "Hoàn thành chương trình công tác năm", 60, True),
]
EVIDENCE = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n% hai may chu\n%%EOF\n"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    import requests

    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False


class Node:
    """One process of the deployment, in a session of its own, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        self.process = spawn(command, env, log)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path):
    """moto's S3 server, two gunicorn web servers and two Celery workers on the test database."""
    require_worker_services(TEST_REDIS_URL)
    if not (BIN / "moto_server").exists():
        skip_or_fail("moto[server] is not installed (requirements-dev.txt)")
    nodes: list[Node] = []
    try:
        s3_port = _free_port()
        s3_url = f"http://127.0.0.1:{s3_port}"
        s3 = Node(
            "s3",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
            {**os.environ},
            tmp_path / "s3.log",
        )
        nodes.append(s3)
        assert wait_for(lambda: _answers(s3_url), timeout=30), s3.text()
        bucket = _bucket(s3_url)
        bucket.create()
        # The one certificate every machine is given (settings refuse a bucket without one).
        cert, key = signing.ensure_self_signed_certificate(tmp_path / "signing")
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        queue = f"khoithidua-two-nodes-{uuid.uuid4().hex[:8]}"
        shared = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "khoithidua.settings",
            "DEBUG": "true",
            "SECRET_KEY": f"two-nodes-{uuid.uuid4().hex}",
            "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": TEST_REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CACHE_URL": TEST_REDIS_URL,
            "CACHE_KEY_PREFIX": queue,
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3_url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "DOCUMENT_SIGNING_CERT": str(cert),
            "DOCUMENT_SIGNING_KEY": str(key),
        }

        def own_machine(name):
            # Nothing shared on disk: a media and a signing folder of each process's own.
            folder = Path(tempfile.mkdtemp(prefix=f"two-nodes-{name}-", dir=tmp_path))
            return {
                **shared,
                "MEDIA_ROOT": str(folder / "media"),
                "DOCUMENT_SIGNING_DIR": str(folder / "signing"),
            }

        webs = {}
        for name in ("web-a", "web-b"):
            port = _free_port()
            command = [
                str(BIN / "gunicorn"),
                "khoithidua.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "120",
            ]
            nodes.append(Node(name, command, own_machine(name), tmp_path / f"{name}.log"))
            webs[name] = f"http://127.0.0.1:{port}"
        workers = {}
        for name in ("worker-a", "worker-b"):
            command = [
                str(BIN / "celery"),
                "-A",
                "khoithidua",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"{name}@%h",
                "-l",
                "info",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
            workers[name] = Node(name, command, own_machine(name), tmp_path / f"{name}.log")
            nodes.append(workers[name])
        for node in nodes[1:3]:
            assert wait_for(lambda n=node: _answers(webs[n.name] + "/healthz"), timeout=60), (
                node.text()
            )
        for node in workers.values():
            assert wait_for(lambda n=node: "ready." in n.text(), timeout=60), node.text()
        yield {"webs": webs, "workers": workers, "bucket": bucket, "folder": tmp_path}
    finally:
        for node in reversed(nodes):
            node.stop()


def _bucket(endpoint: str):
    import boto3

    return boto3.resource(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Bucket(BUCKET)


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _login(browser, web: str, username: str, password: str):
    login = web + reverse("login")
    page = browser.get(login, timeout=30).text
    return browser.post(
        login,
        data={"username": username, "password": password, "csrfmiddlewaretoken": _csrf(page)},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=60,
    )


def test_a_document_asked_for_on_one_web_server_downloads_from_the_other(cluster, bloc_world):
    import requests

    w = bloc_world
    user = w.secretariat
    # The web servers run the site's own password hashers, not the suite's quick one.
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    table = make_table(w.term, ROWS, by=w.secretariat)
    period = Period.objects.create(
        term=w.term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=timezone.now() + datetime.timedelta(days=5),
        review_deadline=timezone.now() + datetime.timedelta(days=15),
    )
    card = scorecard_services.open_scorecard(period=period, agency=w.b)
    leaf = table.criteria.get(code="1.1")
    web_a, web_b = cluster["webs"]["web-a"], cluster["webs"]["web-b"]
    browser = requests.Session()

    # Sign in on web A.
    response = _login(browser, web_a, user.username, PASSWORD)
    assert response.status_code == 302, response.text[:2000]
    assert "sessionid" in browser.cookies

    # Attach the evidence on web A.
    card_url = reverse(
        "campaigns:scorecard_detail",
        args=[w.bloc.code, w.term.year, "semiannual", card.pk],
    )
    page = browser.get(web_a + card_url, timeout=30)
    assert page.status_code == 200, page.text[:2000]
    response = browser.post(
        web_a + card_url,
        data={"csrfmiddlewaretoken": _csrf(page.text)},
        files={f"file-{leaf.pk}": ("minh-chung.pdf", EVIDENCE, "application/pdf")},
        headers={"Referer": web_a + card_url},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    evidence = Evidence.objects.get(scorecard=card)

    # Ask for a document on web A; one of the workers renders it.
    documents_url = reverse("reports:term_documents", args=[w.bloc.code, w.term.year])
    page = browser.get(web_a + documents_url, timeout=30)
    response = browser.post(
        web_a + reverse("reports:document_request", args=[w.bloc.code, w.term.year]),
        data={"kind": "member_list", "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": web_a + documents_url},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    document = Document.objects.get(term=w.term, kind="member_list")
    finished = wait_for(lambda: Document.objects.get(pk=document.pk).is_finished, timeout=120)
    logs = {name: node.text() for name, node in cluster["workers"].items()}
    assert finished, logs
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    # Every worker lists the task at start; only the one that took the message received it.
    done = re.compile(r"render_document_task\[[^\]]+\] succeeded")
    rendered_by = [name for name, log in logs.items() if done.search(log)]
    assert len(rendered_by) == 1, logs
    print(f"rendered by {rendered_by[0]}")

    # Both files are in the bucket, and on no process's disk.
    stored = {o.key: o.size for o in cluster["bucket"].objects.all()}
    assert stored.get(document.file.name) == document.size, stored
    assert stored.get(evidence.file.name) == len(EVIDENCE), stored
    on_disk = [p for p in cluster["folder"].rglob("*") if p.suffix in (".pdf", ".docx")]
    assert not on_disk, on_disk

    # Web B knows the session web A opened, and streams both files from the bucket.
    pdf = browser.get(web_b + reverse("reports:document_download", args=[document.pk]), timeout=60)
    assert pdf.status_code == 200, pdf.text[:2000]
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) == document.size
    assert hashlib.sha256(pdf.content).hexdigest() == document.sha256
    evidence_url = reverse(
        "campaigns:evidence_download", args=[w.bloc.code, w.term.year, evidence.pk]
    )
    copy = browser.get(web_b + evidence_url, timeout=60)
    assert copy.status_code == 200, copy.text[:2000]
    assert copy.content == EVIDENCE
    # The year's zip, built on web B from the bucket, holds the same PDF.
    response = browser.get(
        web_b + reverse("reports:term_documents_zip", args=[w.bloc.code, w.term.year]),
        timeout=60,
    )
    assert response.status_code == 200, response.text[:2000]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert pdf.content in [archive.read(n) for n in archive.namelist() if n.endswith(".pdf")]
    # The signature made on the worker's machine verifies on web B, which trusts the one
    # certificate every machine is given.
    verify = browser.get(
        web_b + reverse("reports:verify", args=[document.verification_code]), timeout=60
    )
    assert verify.status_code == 200
    assert "Chữ ký số hợp lệ" in verify.text, verify.text
    # Signed out on web B, the cookie opens nothing on web A either.
    page = browser.get(web_b + documents_url, timeout=30)
    browser.post(
        web_b + reverse("logout"),
        data={"csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": web_b + documents_url},
        allow_redirects=False,
        timeout=30,
    )
    again = browser.get(
        web_a + reverse("reports:document_download", args=[document.pk]),
        allow_redirects=False,
        timeout=30,
    )
    assert again.status_code == 302 and reverse("login") in again.headers["Location"]

    # Wrong passwords count together on both servers: the fifth, on web B, locks the name out
    # on web A too, even with the right password.
    other = w.member_head
    other.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    other.save(update_fields=["password"])
    answers = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        web = web_a if attempt % 2 == 0 else web_b
        answers.append(_login(requests.Session(), web, other.username, "sai-mat-khau").status_code)
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429], answers
    assert _login(requests.Session(), web_a, other.username, PASSWORD).status_code == 429
