from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from campaigns.models import Period
from reports import archive, services, tasks
from reports.access import get_document_for_user, readable
from reports.forms import DocumentRequestForm, VerifyUploadForm
from reports.kinds import KINDS
from reports.models import Document
from reports.signing import signature_status


def _requestable(access, term) -> dict:
    """What the user may ask for on this term: choice value → (label, kind, params).

    A kind with several documents per term (one per meeting, per nominee) offers each of them;
    such a kind with none yet offers nothing.
    """
    out = {}
    for kind in KINDS.values():
        if not kind.can_request(access):
            continue
        if kind.variants is None:
            out[kind.slug] = (kind.label, kind.slug, {})
            continue
        for params, label in kind.variants(term):
            value = f"{kind.slug}?{urlencode(sorted(params.items()))}"
            out[value] = (f"{kind.label}: {label}", kind.slug, params)
    return out


@login_required
@require_GET
def term_documents(request, bloc_code, year):
    """The documents of one bloc-year, and the form to ask for a new one."""
    term, access = get_term_for_user(request, bloc_code, year)
    rows = list(Document.objects.filter(term=term).select_related("requested_by"))
    # Every document is of this year: the page's year (with its bloc) serves them all.
    for document in rows:
        document.term = term
    documents = readable(access, rows)
    choices = _requestable(access, term)
    kinds = [(value, label) for value, (label, _slug, _params) in choices.items()]
    return render(
        request,
        "reports/document_list.html",
        {
            "term": term,
            "access": access,
            "documents": documents,
            "form": DocumentRequestForm(kinds=kinds) if kinds else None,
            "review_kinds": Period.Kind.choices
            if access.can_manage or access.is_board or access.is_admin
            else [],
        },
    )


@login_required
@require_POST
def document_request(request, bloc_code, year):
    term, access = get_term_for_user(request, bloc_code, year)
    choices = _requestable(access, term)
    require(
        any(kind.can_request(access) for kind in KINDS.values()),
        _("Bạn không có quyền yêu cầu tạo văn bản cho khối này."),
    )
    kinds = [(value, label) for value, (label, _slug, _params) in choices.items()]
    form = DocumentRequestForm(request.POST, kinds=kinds)
    if not form.is_valid():
        messages.error(request, _("Loại văn bản không hợp lệ."))
        return redirect("reports:term_documents", bloc_code=bloc_code, year=year)
    _label, slug, params = choices[form.cleaned_data["kind"]]
    requested = services.request_document(term=term, kind=slug, by=request.user, params=params)
    _queue_and_tell(request, requested)
    return redirect(requested.document)


def _queue_and_tell(request, requested):
    """Queue a requested render and say what happened: made, joined, or waiting for the queue."""
    document = requested.document
    label = document.number_label
    if not requested.created and not services.restart_document(document=document, by=request.user):
        messages.info(
            request,
            _("Văn bản %(number)s đã được yêu cầu và đang được tạo; không tạo thêm bản mới.")
            % {"number": label},
        )
        return
    _queue(request, document, _("Đã yêu cầu tạo văn bản %(number)s.") % {"number": label})


def _queue(request, document, done: str) -> None:
    """Queue a render and say ``done``, or that the queue is paused and the render will wait."""
    if tasks.queue_render(document.pk):
        messages.success(request, done)
        return
    messages.warning(
        request,
        _(
            "Đã ghi nhận yêu cầu %(number)s. Hàng đợi tạo văn bản đang tạm ngừng; văn bản "
            "sẽ được tạo tự động khi hàng đợi hoạt động trở lại."
        )
        % {"number": document.number_label},
    )


@login_required
@require_GET
def document_detail(request, document_id):
    """A document's progress, its proof (hash and code) and the download."""
    document, access = get_document_for_user(request, document_id)
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": document,
            "term": document.term,
            "access": access,
            "can_rerender": KINDS[document.kind].can_request(access)
            if document.kind in KINDS
            else False,
            "can_restart": document.is_finished or services.is_abandoned(document),
        },
    )


@login_required
@require_GET
def document_status(request, document_id):
    """The status fragment the detail page polls while the document is being made."""
    document, access = get_document_for_user(request, document_id)
    return render(request, "reports/_document_status.html", {"document": document})


@login_required
@require_GET
def document_download(request, document_id):
    document, _access = get_document_for_user(request, document_id)
    if document.status != Document.Status.READY or not document.file:
        raise Http404(_("Văn bản chưa sẵn sàng."))
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


@login_required
@require_GET
def document_docx(request, document_id):
    """The editable Word copy; the PDF stays the version that verifies."""
    document, _access = get_document_for_user(request, document_id)
    if document.status != Document.Status.READY or not document.docx_file:
        raise Http404(_("Văn bản chưa có bản Word."))
    return FileResponse(
        document.docx_file.open("rb"),
        as_attachment=True,
        filename=document.docx_download_name,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
@require_POST
def document_rerender(request, document_id):
    """Render again a document that failed or that nobody is rendering any more (its worker
    died, or the broker never took it); a ready one stays as issued and a new one is made.

    A ready document keeps its file, so that copies already handed out still verify.
    """
    document, access = get_document_for_user(request, document_id)
    kind = KINDS.get(document.kind)
    require(bool(kind and kind.can_request(access)))
    if document.status == Document.Status.READY:
        requested = services.replace_document(document=document, by=request.user)
        if requested.created:
            messages.info(
                request,
                _("Văn bản %(old)s vẫn giữ nguyên; bản mới được làm từ dữ liệu hiện tại.")
                % {"old": document.number_label},
            )
        _queue_and_tell(request, requested)
        return redirect(requested.document)
    if services.restart_document(document=document, by=request.user):
        _queue(request, document, _("Đã yêu cầu tạo lại văn bản."))
    else:
        messages.warning(request, _("Văn bản đang được tạo, vui lòng chờ."))
    return redirect(document)


@require_http_methods(["GET", "POST"])
def verify(request, code):
    """Public: say what a document is, when it was made, and whether an uploaded copy matches."""
    document = (
        Document.objects.select_related("term__bloc__council", "replaced_by__term__bloc")
        .filter(verification_code=code.strip().upper())
        .first()
    )
    if document is None or document.status != Document.Status.READY:
        return render(request, "reports/verify.html", {"code": code, "document": None}, status=404)
    result = None
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = services.verify_upload(document=document, uploaded=form.cleaned_data["file"])
    kind = KINDS.get(document.kind)
    checks = list(kind.verify_checks(document)) if kind and kind.verify_checks else []
    signature = _signature_check(document)
    if signature:
        checks.append(signature)
    return render(
        request,
        "reports/verify.html",
        {
            "code": code,
            "document": document,
            "form": form,
            "result": result,
            "checks": checks,
        },
    )


@login_required
@require_GET
def term_documents_zip(request, bloc_code, year):
    """Every ready document of the year that the reader may read, with an index, in one zip."""
    term, access = get_term_for_user(request, bloc_code, year)
    documents = archive.readable_documents(term, access)
    return FileResponse(
        archive.write_archive(term, documents),
        as_attachment=True,
        filename=archive.archive_name(term),
        content_type="application/zip",
    )


def _signature_check(document):
    """The stored PDF's own signature, as a reader would check it; None for an unsigned one
    (a draft, or a document issued before documents were signed)."""
    if document.provisional or not document.file:
        return None
    with document.file.open("rb") as f:
        status = signature_status(f.read())
    if not status.signed:
        return None
    detail = status.detail
    if status.signer:
        detail = _("%(detail)s Người ký: %(signer)s.") % {"detail": detail, "signer": status.signer}
    return (_("Chữ ký số trong tệp PDF"), status.valid, detail)
