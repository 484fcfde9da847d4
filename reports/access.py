import json

from django.http import Http404
from django.utils.translation import gettext as _

from awards.models import DossierAttachment
from blocs.access import get_term_for_user, require, term_access
from campaigns.models import Period
from reports.kinds import KINDS
from reports.models import Document, MemberReportFile


def get_document_for_user(request, document_id):
    """Load a document whose term the user may read (404 otherwise); return it with access."""
    try:
        document = Document.objects.select_related("term__bloc__council", "requested_by").get(
            pk=document_id
        )
    except Document.DoesNotExist:
        raise Http404(_("Không tìm thấy văn bản.")) from None
    access = term_access(request.user, document.term, request=request)
    if not can_read_document(access, document):
        raise Http404(_("Không tìm thấy văn bản."))
    return document, access


def readable(access, documents) -> list:
    """Those of ``documents`` the reader may open, in their order.

    A kind's read rule (``DocumentKind.can_read``) depends on the term, the kind, the draft flag
    and the document's parameters only, so it is asked once for each of these: a year with many
    versions of a document costs no query per version.
    """
    answers: dict = {}
    found = []
    for document in documents:
        key = (
            document.term_id,
            document.kind,
            document.provisional,
            json.dumps(document.params, sort_keys=True),
        )
        if key not in answers:
            answers[key] = can_read_document(access, document)
        if answers[key]:
            found.append(document)
    return found


def can_read_document(access, document) -> bool:
    """Readers of the term, narrowed by the kind (e.g. a ranking before it is agreed)."""
    if not access.can_read:
        return False
    kind = KINDS.get(document.kind)
    return not (kind and kind.can_read) or kind.can_read(access, document)


# Members' own reports (reports.contributions) ----------------------------------------------------
#
# An agency's report is its own draft until it is sent: its people read and write it (write only
# while the agency is a current member of a year that is not closed). Once sent, the secretariat,
# the board and administrators read it too; other members never do. The overview of every
# member's report is for the secretariat and the board; only the secretariat runs it.


def sees_every_contribution(access) -> bool:
    """The secretariat of the year, the board and administrators see every member's report."""
    return access.oversees


def can_read_member_report(access, *, agency_id, submitted: bool) -> bool:
    if not access.can_read:
        return False
    return agency_id in access.member_agency_ids or (submitted and sees_every_contribution(access))


def can_write_member_report(access, agency_id) -> bool:
    """Heads and officers of a current member agency, on a year that is not closed."""
    return access.can_draft_for(agency_id)


def check_period_kind(kind: str) -> str:
    if kind not in Period.Kind.values:
        raise Http404(_("Không có kỳ báo cáo này."))
    return kind


def get_contributions_term_for_user(request, bloc_code, year, kind, *, write=False):
    """A term whose members' reports the user follows (404 for outsiders, 403 for members);
    with ``write``, require running the term (the board and a closed year: 403)."""
    check_period_kind(kind)
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    require(
        sees_every_contribution(access),
        _("Chỉ thường trực khối và Ban Thi đua – Khen thưởng được xem báo cáo của các đơn vị."),
    )
    return term, access


def get_member_report_file_for_user(request, bloc_code, year, kind, file_id):
    """A file of a member's report the user may read (same readers as the report), or 404."""
    check_period_kind(kind)
    term, access = get_term_for_user(request, bloc_code, year)
    attached = (
        MemberReportFile.objects.select_related("report")
        .filter(
            pk=file_id,
            report__term=term,
            report__period_kind=kind,
            withdrawn_at__isnull=True,
        )
        .first()
    )
    if attached is None or not can_read_member_report(
        access,
        agency_id=attached.report.agency_id,
        submitted=attached.report.submitted_at is not None,
    ):
        raise Http404(_("Không tìm thấy tệp."))
    return attached, access


# The award dossier (reports.dossiers) -----------------------------------------------------------
#
# The year's secretariat prepares and sends it, the council's board reviews it and records the
# decision; both, and administrators, read it. Members read their year's documents on the
# documents page, not the dossier (403); outsiders get a 404.


def can_read_dossier(access) -> bool:
    """The dossier and the council's decision on it: the secretariat, the board, admins."""
    return access.oversees


def get_dossier_term_for_user(request, bloc_code, year):
    """A term whose dossier the user may read (404 for outsiders, 403 for members)."""
    term, access = get_term_for_user(request, bloc_code, year)
    require(
        can_read_dossier(access),
        _("Chỉ thường trực khối và Ban Thi đua – Khen thưởng xem được hồ sơ khen thưởng."),
    )
    return term, access


def get_dossier_attachment_for_user(request, bloc_code, year, attachment_id):
    """A file of the term's dossier (kept after it is taken off, for the versions that sent it)."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    try:
        attachment = DossierAttachment.objects.get(pk=attachment_id, dossier__term=term)
    except DossierAttachment.DoesNotExist:
        raise Http404(_("Không có tài liệu này trong hồ sơ.")) from None
    return attachment, term, access
