"""The settings that let several machines share one deployment: files, cache, sessions, throttle.

Each settings case reads khoithidua.settings afresh in a process of its own with the environment
given; the bucket cases render, store and stream files through an S3 storage (moto's mock).
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

READ = """
import json
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
cache = caches["default"]
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "storage": type(default_storage).__module__ + "." + type(default_storage).__name__,
    "options": settings.STORAGES["default"].get("OPTIONS", {}),
    "cache": type(cache).__module__ + "." + type(cache).__name__,
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "sessions": settings.SESSION_ENGINE,
    "axes": settings.AXES_HANDLER,
    "shared_files": settings.SHARED_FILES,
    "overwrite": getattr(default_storage, "file_overwrite", None),
}))
"""
SCALING_VARIABLES = {
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_LOCATION",
    "CACHE_URL",
    "DOCUMENT_SIGNING_CERT",
    "DOCUMENT_SIGNING_KEY",
}
BUCKET = {
    "AWS_STORAGE_BUCKET_NAME": "khoithidua-files",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "access",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "DOCUMENT_SIGNING_CERT": "/run/secrets/certificate.pem",
    "DOCUMENT_SIGNING_KEY": "/run/secrets/private-key.pem",
}


def _settings(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SCALING_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="khoithidua.settings", DEBUG="true", **variables)
    return subprocess.run(
        [sys.executable, "-c", READ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _read(**variables) -> dict:
    done = _settings(**variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_one_machine_keeps_files_on_disk_and_the_cache_in_the_process():
    read = _read()
    assert read["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert read["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert read["sessions"] == "django.contrib.sessions.backends.db"
    assert read["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert read["shared_files"] is False


def test_a_bucket_and_redis_make_files_cache_and_sessions_shared():
    read = _read(**BUCKET, CACHE_URL="redis://redis:6379/1")
    assert read["storage"] == "storages.backends.s3.S3Storage"
    assert read["options"]["bucket_name"] == "khoithidua-files"
    assert read["options"]["endpoint_url"] == "http://minio:9000"
    assert read["options"]["access_key"] == "access"
    assert read["options"]["default_acl"] is None
    assert read["options"]["max_memory_size"] == 5 * 1024 * 1024
    # Two uploads of one name keep two files, as on disk.
    assert read["overwrite"] is False
    assert read["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert read["cache_location"] == "redis://redis:6379/1"
    assert read["sessions"] == "django.contrib.sessions.backends.cached_db"
    # The login throttle counts in the database whatever the cache.
    assert read["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert read["shared_files"] is True


def test_keys_are_left_to_boto3_when_none_is_set():
    variables = {k: v for k, v in BUCKET.items() if not k.endswith(("_KEY_ID", "_ACCESS_KEY"))}
    options = _read(**variables)["options"]
    assert "access_key" not in options and "secret_key" not in options


def test_a_bucket_without_a_shared_signing_certificate_is_refused():
    variables = {k: v for k, v in BUCKET.items() if not k.startswith("DOCUMENT_SIGNING")}
    done = _settings(**variables)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "DOCUMENT_SIGNING_CERT and DOCUMENT_SIGNING_KEY" in done.stderr


def test_a_cache_url_that_is_not_redis_is_refused():
    done = _settings(CACHE_URL="memcache://127.0.0.1:11211")
    assert done.returncode != 0
    assert "CACHE_URL must be a Redis address" in done.stderr


@pytest.fixture
def bucket(settings):
    """The default storage in an S3 bucket of moto's in-process mock, as on several machines."""
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        import boto3

        boto3.resource("s3", region_name="us-east-1").create_bucket(Bucket="khoithidua-test")
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "khoithidua-test",
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "file_overwrite": False,
                },
            },
        }
        yield boto3.resource("s3", region_name="us-east-1").Bucket("khoithidua-test")


def _keys(bucket) -> set[str]:
    return {o.key for o in bucket.objects.all()}


@pytest.mark.django_db
def test_a_document_renders_into_the_bucket_and_downloads_from_it(
    bucket, bloc_world, client, capsys
):
    from django.core.management import call_command
    from django.urls import reverse

    from reports import services
    from reports.models import Document

    w = bloc_world
    call_command("render_document", w.bloc.code, str(w.term.year), "member_list")
    document = Document.objects.get(term=w.term, kind="member_list")
    assert document.status == Document.Status.READY
    # No local path: the command names the file in the bucket.
    assert capsys.readouterr().out.strip() == document.file.name
    assert {document.file.name, document.docx_file.name} <= _keys(bucket)
    assert not Path(settings.MEDIA_ROOT, document.file.name).exists()
    client.force_login(w.secretariat)
    response = client.get(reverse("reports:document_download", args=[document.pk]))
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-") and len(pdf) == document.size
    # Rendered again, it replaces its files in the bucket and never adds one.
    before = _keys(bucket)
    services.render_document(document.pk, force=True)
    assert _keys(bucket) == before


@pytest.mark.django_db
def test_evidence_is_stored_in_the_bucket_and_a_lost_object_is_a_404(bucket, bloc_world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from campaigns.demo.scoring import make_table
    from campaigns.models import Period
    from campaigns.services import scorecards as scorecard_services

    w = bloc_world
    table = make_table(w.term, [("1", "", "scored", "Nhiệm vụ", 100, True)], by=w.secretariat)
    period = Period.objects.create(
        term=w.term,
        kind=Period.Kind.SEMIANNUAL,
        self_deadline=timezone.now() + datetime.timedelta(days=5),
        review_deadline=timezone.now() + datetime.timedelta(days=15),
    )
    card = scorecard_services.open_scorecard(period=period, agency=w.d)
    content = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    evidence = scorecard_services.attach_evidence(
        scorecard=card,
        criterion=table.criteria.get(code="1"),
        uploaded=SimpleUploadedFile("minh-chung.pdf", content),
        by=w.member_officer,
    )
    assert evidence.file.name in _keys(bucket)
    client.force_login(w.member_officer)
    url = reverse("campaigns:evidence_download", args=[w.bloc.code, w.term.year, evidence.pk])
    response = client.get(url)
    assert b"".join(response.streaming_content) == content
    bucket.Object(evidence.file.name).delete()
    assert client.get(url).status_code == 404
