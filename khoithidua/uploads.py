"""How large an upload may be: one limit per form, and the largest request body read at all.

Every form with a file field checks its file with :func:`check_size` (or the
:class:`MaxSizeValidator` that calls it). The request limit is enforced earlier, on the declared
Content-Length, by ``khoithidua.middleware.RequestSizeLimitMiddleware``, so that a body larger than
any form accepts is refused before it is read or written to disk.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

MB = 1024 * 1024

# A member list of 500 rows is a few dozen kilobytes; a criteria table of 2000 rows with long
# guidance a few hundred.
MEMBER_IMPORT_MAX_BYTES = 2 * MB
CRITERIA_IMPORT_MAX_BYTES = 5 * MB
ELECTION_MINUTES_MAX_BYTES = 10 * MB
CAMPAIGN_ATTACHMENT_MAX_BYTES = 20 * MB
# A generated document is far smaller; a copy to compare needs no more.
VERIFY_UPLOAD_MAX_BYTES = 20 * MB


def form_limits() -> dict[str, int]:
    """The largest file each upload form accepts, by form."""
    return {
        "member_import": MEMBER_IMPORT_MAX_BYTES,
        "criteria_import": CRITERIA_IMPORT_MAX_BYTES,
        "election_minutes": ELECTION_MINUTES_MAX_BYTES,
        "campaign_attachment": CAMPAIGN_ATTACHMENT_MAX_BYTES,
        "verify_upload": VERIFY_UPLOAD_MAX_BYTES,
        "evidence": settings.EVIDENCE_MAX_BYTES,
    }


def request_max_bytes() -> int:
    """The largest request body read at all.

    ``UPLOAD_REQUEST_MAX_BYTES`` when set; otherwise the largest file a form accepts plus the
    form's other fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``). The reverse proxy's
    ``client_max_body_size`` must be the same (README).
    """
    configured = getattr(settings, "UPLOAD_REQUEST_MAX_BYTES", None)
    if configured:
        return configured
    return max(form_limits().values()) + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def check_size(upload, limit: int) -> None:
    """Refuse ``upload`` when it is larger than ``limit`` bytes, naming the file and the limit."""
    if upload is not None and upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s); tối đa %(limit)s.")
            % {
                "name": getattr(upload, "name", "") or "",
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="file_too_large",
        )


@deconstructible
class MaxSizeValidator:
    """A form field validator: the file is at most ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, upload):
        check_size(upload, self.limit)

    def __eq__(self, other):
        return isinstance(other, MaxSizeValidator) and other.limit == self.limit
