from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

KINDS: dict[str, "DocumentKind"] = {}


@dataclass(frozen=True)
class DocumentKind:
    """How one kind of document is titled, numbered and filled from data."""

    slug: str
    label: str
    # The type abbreviation in the number (Nghị định 30/2020, Phụ lục III): BC, BB, TTr, DS…
    type_code: str
    template: str
    build_context: Callable  # (document) -> dict
    title: Callable  # (term, params) -> str
    # Who may ask for one, given the user's TermAccess: the secretariat while the year runs,
    # the board at any time (a document of a closed year changes no data).
    can_request: Callable = lambda access: access.can_manage or access.is_board or access.is_admin
    # Who may read one beyond the term's readers: (access, document) -> bool.
    can_read: Callable | None = None
    params_form: type | None = None
    # Whether a document asked for now is a draft: made from data not yet settled (a ranking
    # before the bloc agrees it). (term, params) -> bool. A draft takes no number and no signature.
    is_provisional: Callable = lambda term, params: False
    # Extra checks shown on /verify/<code>: (document) -> list of (label, ok, detail).
    verify_checks: Callable | None = None
    # The documents of this kind a term can have, when there are several (one per nominee,
    # say): (term) -> list of (params, label). None: one document per term, without params.
    variants: Callable | None = None
    # The day the document is dated, when it is not the day it is asked for (minutes carry
    # the meeting's day): (term, params) -> date or None.
    issued_on: Callable | None = None
    # What the secretariat wrote, taken when the document is asked for so that the document
    # keeps the words it was made from: (term, params) -> dict. None: nothing written.
    narrative: Callable | None = None
    # The layout of a document issued by someone other than the bloc (a nominee's own report,
    # in its agency's layout): (term, params) -> "state" | "party". None: the term's layout.
    layout: Callable | None = None


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.slug] = kind
    return kind


def get_kind(slug: str) -> DocumentKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise LookupError(_("Không có loại văn bản %(kind)s.") % {"kind": slug}) from None


def kind_choices():
    return [(k.slug, k.label) for k in KINDS.values()]
