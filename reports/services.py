"""Numbering, rendering and verification of generated documents."""

import datetime
import hashlib
import logging
import traceback

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation

from blocs.history import record_by
from blocs.models import AgencyRole, BlocTerm
from reports.kinds import get_kind
from reports.models import Document
from reports.rendering import render_pdf

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died.
STALE_CLAIM = datetime.timedelta(minutes=10)


def vietnamese_date(day: datetime.date) -> str:
    """'ngày 05 tháng 8 năm 2025': days under 10 and months 1–2 padded (Nghị định 30, Điều 9)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def transient_errors():
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@transaction.atomic
def request_document(
    *, term: BlocTerm, kind: str, by=None, params=None, narrative=None
) -> Document:
    """Create a numbered document row, pending.

    The caller then queues its rendering (``reports.tasks.queue_render``, which waits for the
    commit) or renders it itself (the management command does).
    """
    document_kind = get_kind(kind)
    # Lock the term so two requests never take the same number.
    BlocTerm.objects.select_for_update().filter(pk=term.pk).first()
    last = Document.objects.filter(term=term).aggregate(n=Max("number"))["n"] or 0
    params = params or {}
    document = Document(
        term=term,
        kind=kind,
        number=last + 1,
        type_code=document_kind.type_code,
        title=str(document_kind.title(term, params)),
        params=params,
        narrative=narrative or {},
        requested_by=by,
        issued_on=timezone.localdate(),
    )
    document.full_clean()
    record_by(document, by).save()
    return document


@transaction.atomic
def claim_document(document_id: int, *, force: bool = False) -> bool:
    """Take the row for rendering; False when someone else has it.

    The row is read claimable under a row lock and saved, so that the claim is in the
    document's history. On PostgreSQL a second worker waits for the lock and then finds the
    row no longer claimable, as a conditional UPDATE would have; SQLite runs one writer at a time.
    """
    now = timezone.now()
    claimable = Q(status__in=[Document.Status.PENDING, Document.Status.FAILED]) | Q(
        status=Document.Status.RENDERING, started_at__lt=now - STALE_CLAIM
    )
    if force:
        claimable |= Q(status=Document.Status.READY)
    document = Document.objects.select_for_update().filter(claimable, pk=document_id).first()
    if document is None:
        return False
    document.status, document.started_at, document.error = Document.Status.RENDERING, now, ""
    document.attempts += 1
    document.save(update_fields=["status", "started_at", "error", "attempts"])
    return True


def document_context(document: Document) -> dict:
    """The context every PDF template shares: header, number, date, signature block."""
    term = document.term
    council = term.bloc.council
    issued = document.issued_on or timezone.localdate()
    leader = term.leader
    signer = None
    if leader:
        role = (
            AgencyRole.objects.filter(agency=leader, role=AgencyRole.Role.HEAD)
            .select_related("user")
            .order_by("id")
            .first()
        )
        signer = role.user if role else None
    return {
        "document": document,
        "term": term,
        "bloc": term.bloc,
        "council": council,
        "profile": council.document_profile,
        "place_date": f"{council.province}, {vietnamese_date(issued)}",
        "leader": leader,
        "deputy": term.deputy,
        "signer": signer,
        "site_url": settings.SITE_URL.rstrip("/"),
        "legal_bases": [b.strip() for b in term.legal_bases.splitlines() if b.strip()],
    }


def render_document(document_id: int, *, force: bool = False) -> Document | None:
    """Render one document to PDF; a re-run replaces its file and never adds another.

    Transient database or connection errors propagate so the task can retry them; any other
    error (a template or data error) fails the document at once and keeps the message.
    """
    if not claim_document(document_id, force=force):
        logger.info("document %s is not claimable; skipping", document_id)
        return None
    document = Document.objects.select_related("term__bloc__council").get(pk=document_id)
    kind = get_kind(document.kind)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = document_context(document)
            context.update(kind.build_context(document))
            pdf, pages = render_pdf(kind.template, context)
    except transient_errors():
        document.status = Document.Status.PENDING
        document.save(update_fields=["status"])
        raise
    except Exception as exc:
        logger.exception("document %s failed", document_id)
        document.status, document.finished_at = Document.Status.FAILED, timezone.now()
        document.error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}"
        document.save(update_fields=["status", "finished_at", "error"])
        return document
    store_pdf(document, pdf, pages=pages)
    return document


@transaction.atomic
def store_pdf(document: Document, pdf: bytes, *, pages: int) -> Document:
    """Save the PDF under a name fixed by the verification code, replacing any earlier one."""
    relative = f"{document.term.year}/{document.term.bloc.code}/{document.verification_code}.pdf"
    name = document.file.field.generate_filename(document, relative)
    storage = document.file.storage
    old = document.file.name
    if storage.exists(name):
        storage.delete(name)
    if old and old != name and storage.exists(old):
        storage.delete(old)
    document.file.save(relative, ContentFile(pdf), save=False)
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.pages = pages
    document.status = Document.Status.READY
    document.finished_at = timezone.now()
    document.error = ""
    document.save(
        update_fields=["file", "sha256", "size", "pages", "status", "finished_at", "error"]
    )
    return document


@transaction.atomic
def reset_failed_document(*, document: Document, by=None) -> bool:
    """Make a failed document pending again (same number, same file name).

    Return whether it was reset: only then does the caller queue its rendering. A ready
    document is never rendered over: copies already handed out must keep verifying.
    """
    locked = (
        Document.objects.select_for_update()
        .filter(pk=document.pk, status=Document.Status.FAILED)
        .first()
    )
    if locked is not None:
        locked.status, locked.error = Document.Status.PENDING, ""
        record_by(locked, by).save(update_fields=["status", "error"])
    document.refresh_from_db()
    return locked is not None


def verify_upload(*, document: Document, uploaded) -> bool:
    """Whether an uploaded file is byte for byte the document that was generated."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest() == document.sha256
