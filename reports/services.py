"""Numbering, rendering and verification of generated documents."""

import datetime
import hashlib
import json
import logging
import traceback
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from blocs.history import record_by
from blocs.models import AgencyRole, BlocTerm
from blocs.services.notifications import notify
from reports import notices
from reports.docx import html_to_docx
from reports.kinds import get_kind
from reports.models import Document
from reports.qr import qr_svg
from reports.rendering import html_to_pdf
from reports.signing import sign_pdf

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died: longer than the task's time limit.
STALE_CLAIM = datetime.timedelta(minutes=10)
# A pending render handed to the broker this long ago and still not started is handed again
# (a broker restarted without persistence loses its queue). A duplicate is harmless: one claim wins.
REQUEUE_AFTER = datetime.timedelta(minutes=10)
# After this many claims a document that never finishes is failed instead of tried again.
MAX_ATTEMPTS = 5

IN_PROGRESS = (Document.Status.PENDING, Document.Status.RENDERING)


def _stale_claim(now) -> Q:
    """Rendering, claimed longer ago than a render may last: its worker died."""
    return Q(status=Document.Status.RENDERING, started_at__lt=now - STALE_CLAIM)


def _unsent(now) -> Q:
    """Pending, and the broker never took it or took it so long ago that it lost it."""
    return Q(status=Document.Status.PENDING) & (
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER)
    )


def _restartable(now) -> Q:
    """What a person may set going again: failed, or in progress with nobody at work on it."""
    return Q(status=Document.Status.FAILED) | _stale_claim(now) | _unsent(now)


def _take_up(document: Document, by) -> None:
    """Make a failed or abandoned row pending again, unsent, its count of tries afresh."""
    document.status, document.error, document.task_id = Document.Status.PENDING, "", ""
    document.queued_at, document.attempts = None, 0
    record_by(document, by).save(
        update_fields=["status", "error", "task_id", "queued_at", "attempts"]
    )


class Requested(NamedTuple):
    """The document a request leads to, and whether the request made it (or joined one)."""

    document: Document
    created: bool


def vietnamese_date(day: datetime.date) -> str:
    """'ngày 05 tháng 8 năm 2025': days under 10 and months 1–2 padded (Nghị định 30, Điều 9)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def transient_errors():
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _canonical(data) -> dict:
    """Parameters with sorted keys, so that equal requests store (and match) equal JSON."""
    return json.loads(json.dumps(data or {}, sort_keys=True))


def same_params(a, b) -> bool:
    """Whether two documents were asked for with the same parameters."""
    return _canonical(a) == _canonical(b)


@transaction.atomic
def request_document(
    *, term: BlocTerm, kind: str, by=None, params=None, narrative=None, issued_on=None
) -> Requested:
    """Ask for a document; a repeat of a request still in progress joins it.

    One request per term, kind and parameters is pending at a time, so a double click or five
    people asking at once never spend five official numbers: the repeat returns the document in
    progress, and a failed one is taken up again under its own number. A draft (see
    ``DocumentKind.is_provisional``) takes no number.

    The caller then queues its rendering (``reports.tasks.queue_render``, which waits for the
    commit) or renders it itself (the management command does).
    """
    document_kind = get_kind(kind)
    if narrative is None and document_kind.narrative is not None:
        narrative = document_kind.narrative(term, params or {})
    params, narrative = _canonical(params), _canonical(narrative)
    # Lock the term so that two requests never take the same number or both find none waiting.
    BlocTerm.objects.select_for_update().filter(pk=term.pk).first()
    provisional = bool(document_kind.is_provisional(term, params))
    layout = (document_kind.layout(term, params) if document_kind.layout else None) or (
        term.document_profile
    )
    waiting = (
        Document.objects.filter(
            term=term,
            kind=kind,
            params=params,
            narrative=narrative,
            provisional=provisional,
            layout=layout,
            status__in=[*IN_PROGRESS, Document.Status.FAILED],
        )
        .order_by("-id")
        .first()
    )
    if waiting is not None:
        if waiting.status == Document.Status.FAILED:
            _take_up(waiting, by)
        return Requested(waiting, False)
    number = None
    if not provisional:
        official = Document.objects.filter(term=term, number__isnull=False)
        number = (official.aggregate(n=Max("number"))["n"] or 0) + 1
    document = Document(
        term=term,
        kind=kind,
        number=number,
        provisional=provisional,
        type_code=document_kind.type_code,
        layout=layout,
        title=str(document_kind.title(term, params)),
        params=params,
        narrative=narrative,
        requested_by=by,
        issued_on=issued_on
        or (document_kind.issued_on(term, params) if document_kind.issued_on else None)
        or timezone.localdate(),
    )
    document.full_clean()
    record_by(document, by).save()
    if not provisional:
        _replace_issued(document, by)
    return Requested(document, True)


def _replace_issued(document: Document, by) -> None:
    """Mark the issued document of the same kind and parameters as replaced by this new one.

    The old one keeps its number and file and still verifies; pages and the report name it as
    replaced once the new one is ready. A replacement that fails leaves the old one in force.
    """
    previous = (
        Document.objects.issued()
        .select_for_update(of=("self",))
        .filter(term=document.term, kind=document.kind, params=document.params)
        .exclude(pk=document.pk)
        .order_by("-number")
        .first()
    )
    if previous is not None:
        previous.replaced_by = document
        record_by(previous, by).save(update_fields=["replaced_by"])


@transaction.atomic
def replace_document(*, document: Document, by=None) -> Requested:
    """Make a ready document again from today's data, under a new number.

    The issued one of the same kind and parameters keeps its number and its file and still
    verifies, marked as replaced by the new one (``request_document``); the words the
    secretariat wrote are taken as they stand now.
    """
    return request_document(term=document.term, kind=document.kind, by=by, params=document.params)


@transaction.atomic
def claim_document(document_id: int, *, force: bool = False, task_id: str = "") -> bool:
    """Take the row for rendering; False when someone else has it.

    A pending row is claimable, and so is a rendering one whose claim is stale or was made by
    this very task: the broker delivers a task again only when the worker running it died
    (late acknowledgement, ``task_reject_on_worker_lost``).

    The row is read claimable under a row lock and saved, so that the claim is in the
    document's history. On PostgreSQL a second worker waits for the lock and then finds the
    row no longer claimable, as a conditional UPDATE would have; SQLite runs one writer at a time.
    """
    now = timezone.now()
    claimable = Q(status=Document.Status.PENDING) | _stale_claim(now)
    if task_id:
        claimable |= Q(status=Document.Status.RENDERING, task_id=task_id)
    if force:
        claimable |= Q(status__in=[Document.Status.READY, Document.Status.FAILED])
    document = Document.objects.select_for_update().filter(claimable, pk=document_id).first()
    if document is None:
        return False
    document.status, document.started_at, document.error = Document.Status.RENDERING, now, ""
    document.task_id = task_id
    document.attempts += 1
    document.save(update_fields=["status", "started_at", "error", "attempts", "task_id"])
    return True


@transaction.atomic
def mark_queued(document_id: int) -> None:
    """Note (in the history too) that the broker took the render: the sweep leaves it a while."""
    document = (
        Document.objects.select_for_update().filter(pk=document_id, status__in=IN_PROGRESS).first()
    )
    if document is not None:
        document.queued_at = timezone.now()
        document.save(update_fields=["queued_at"])


def documents_to_queue(*, now=None) -> list[int]:
    """The documents the sweep hands to the broker again, oldest first.

    A pending row the broker never took (it was down) or took long ago; a rendering row whose
    worker died without its message coming back goes back to pending first. A row claimed
    ``MAX_ATTEMPTS`` times without finishing fails with a message instead of looping.
    """
    now = now or timezone.now()
    stale = Document.objects.filter(_stale_claim(now)).values_list("pk", flat=True)
    for document_id in list(stale):
        release_stale_claim(document_id, now=now)
    waiting = Document.objects.filter(_unsent(now)).order_by("requested_at", "id")
    return list(waiting.values_list("pk", flat=True))


def documents_waiting_for_queue() -> int:
    """How many documents the broker has not taken yet (it was down when they were asked for)."""
    return Document.objects.filter(status=Document.Status.PENDING, queued_at__isnull=True).count()


@transaction.atomic
def release_stale_claim(document_id: int, *, now=None) -> Document | None:
    """Give a render whose worker died back to the queue, or fail it after too many tries."""
    now = now or timezone.now()
    document = (
        Document.objects.select_for_update().filter(_stale_claim(now), pk=document_id).first()
    )
    if document is None:
        return None
    if document.attempts >= MAX_ATTEMPTS:
        error = gettext(
            "Đã thử tạo %(n)s lần nhưng lần nào cũng bị ngắt giữa chừng; hãy báo quản trị."
        ) % {"n": document.attempts}
        _fail(document, error, now=now)
    else:
        document.status, document.queued_at, document.task_id = Document.Status.PENDING, None, ""
        document.save(update_fields=["status", "queued_at", "task_id"])
    return document


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
        "profile": document.layout,
        "place_date": f"{council.province}, {vietnamese_date(issued)}",
        "leader": leader,
        "deputy": term.deputy,
        "signer": signer,
        "site_url": settings.SITE_URL.rstrip("/"),
        "verify_url": document.verify_address(),
        "verify_qr": qr_svg(document.verify_address()),
        "legal_bases": [b.strip() for b in term.legal_bases.splitlines() if b.strip()],
    }


def render_document(document_id: int, *, force: bool = False, task_id: str = "") -> Document | None:
    """Render one document to PDF; a re-run replaces its file and never adds another.

    Transient database or connection errors propagate so the task can retry them; any other
    error (a template or data error) fails the document at once and keeps the message.
    """
    if not claim_document(document_id, force=force, task_id=task_id):
        logger.info("document %s is not claimable; skipping", document_id)
        return None
    document = Document.objects.select_related("term__bloc__council").get(pk=document_id)
    kind = get_kind(document.kind)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            context = document_context(document)
            context.update(kind.build_context(document))
            html = render_to_string(kind.template, context)
            pdf, pages = html_to_pdf(html)
            # The Word copy is made from the very HTML the PDF was; a draft is not signed.
            docx = _word_copy(html, document)
            if not document.provisional:
                pdf = sign_pdf(
                    pdf,
                    reason=gettext("Văn bản %(number)s do hệ thống tạo từ dữ liệu của Khối")
                    % {"number": document.header_number},
                    location=document.term.bloc.council.province,
                    contact=document.verify_address(),
                )
    except transient_errors():
        document.status = Document.Status.PENDING
        document.save(update_fields=["status"])
        raise
    except Exception as exc:
        logger.exception("document %s failed", document_id)
        _fail(document, f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}")
        return document
    store_pdf(document, pdf, pages=pages, docx=docx)
    return document


def _word_copy(html: str, document: Document) -> bytes | None:
    """The Word copy, or None (logged) when it cannot be made: the PDF is issued all the same."""
    try:
        return html_to_docx(html)
    except Exception:
        logger.exception("document %s: the Word copy could not be made", document.pk)
        return None


def _store(field_file, relative: str, content: bytes) -> None:
    """Write ``content`` under a fixed name, replacing the file there and the field's old one."""
    name = field_file.field.generate_filename(field_file.instance, relative)
    storage = field_file.storage
    old = field_file.name
    if storage.exists(name):
        storage.delete(name)
    if old and old != name and storage.exists(old):
        storage.delete(old)
    field_file.save(relative, ContentFile(content), save=False)


@transaction.atomic
def store_pdf(document: Document, pdf: bytes, *, pages: int, docx: bytes | None = None) -> Document:
    """Save the PDF (and its Word copy) under names fixed by the verification code, replacing
    any earlier ones."""
    stem = f"{document.term.year}/{document.term.bloc.code}/{document.verification_code}"
    _store(document.file, f"{stem}.pdf", pdf)
    if docx is not None:
        _store(document.docx_file, f"{stem}.docx", docx)
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.pages = pages
    document.status = Document.Status.READY
    document.finished_at = timezone.now()
    document.error = ""
    document.save(
        update_fields=[
            "file",
            "docx_file",
            "sha256",
            "size",
            "pages",
            "status",
            "finished_at",
            "error",
        ]
    )
    tell_requester(document)
    return document


def _fail(document: Document, error: str, *, now=None) -> None:
    """Fail a render with the error shown on its page, and tell whoever asked for it."""
    document.status, document.finished_at = Document.Status.FAILED, now or timezone.now()
    document.error = error
    document.save(update_fields=["status", "finished_at", "error"])
    tell_requester(document)


def tell_requester(document: Document) -> int:
    """Tell whoever asked for the document that it is ready, or why it could not be made."""
    if document.requested_by is None:
        return 0
    term = document.term
    params = {
        "bloc": term.bloc.name,
        "year": term.year,
        "title": document.title,
        "number": document.number_label,
        # A draft's label is written in each reader's language (reports.notices.prepare).
        "provisional": document.provisional,
    }
    if document.status == Document.Status.READY:
        kind = notices.DOCUMENT_READY
    else:
        kind = notices.DOCUMENT_FAILED
        params["error"] = (document.error or "").splitlines()[0][:300] if document.error else ""
    return notify(
        recipients=[document.requested_by],
        kind=kind,
        params=params,
        url=document.get_absolute_url(),
    )


def is_abandoned(document: Document) -> bool:
    """In progress on paper but nobody at work on it: a stale claim, or a queue that lost it."""
    if document.status not in IN_PROGRESS:
        return False
    return Document.objects.filter(_restartable(timezone.now()), pk=document.pk).exists()


@transaction.atomic
def restart_document(*, document: Document, by=None) -> bool:
    """Take up again a render that failed or that nobody is doing (same number, same file name).

    Return whether the caller should queue it: a failed row, a rendering row whose claim is
    stale, or a pending row the broker never took or took long ago. A render in progress is
    left to finish. A ready document is never rendered over: copies already handed out must
    keep verifying.
    """
    restartable = _restartable(timezone.now())
    locked = Document.objects.select_for_update().filter(restartable, pk=document.pk).first()
    if locked is not None and locked.status != Document.Status.PENDING:
        _take_up(locked, by)
    document.refresh_from_db()
    return locked is not None


def verify_upload(*, document: Document, uploaded) -> bool:
    """Whether an uploaded file is byte for byte the document that was generated."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest() == document.sha256
