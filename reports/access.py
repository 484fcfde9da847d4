from django.http import Http404
from django.utils.translation import gettext as _

from blocs.access import term_access
from reports.kinds import KINDS
from reports.models import Document


def get_document_for_user(request, document_id):
    """Load a document whose term the user may read (404 otherwise); return it with access."""
    try:
        document = Document.objects.select_related("term__bloc__council", "requested_by").get(
            pk=document_id
        )
    except Document.DoesNotExist:
        raise Http404(_("Không tìm thấy văn bản.")) from None
    access = term_access(request.user, document.term)
    if not can_read_document(access, document):
        raise Http404(_("Không tìm thấy văn bản."))
    return document, access


def can_read_document(access, document) -> bool:
    """Readers of the term, narrowed by the kind (e.g. a ranking before it is agreed)."""
    if not access.can_read:
        return False
    kind = KINDS.get(document.kind)
    return not (kind and kind.can_read) or kind.can_read(access, document)
