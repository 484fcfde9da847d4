"""What the reports app tells people: a document they asked for is ready, or could not be made."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.notices import Delivery, Kind, register

DOCUMENT_READY = "reports.document_ready"
DOCUMENT_FAILED = "reports.document_failed"


def prepare(params: dict) -> dict:
    """Name a draft, which has no number, in the reader's language."""
    if params.get("provisional"):
        params["number"] = gettext("Dự thảo (không số)")
    return params


register(
    Kind(
        DOCUMENT_READY,
        _("Văn bản đã tạo xong"),
        _("Văn bản đã tạo xong: %(title)s"),
        _("Văn bản %(title)s (%(number)s) của %(bloc)s năm %(year)s đã tạo xong, sẵn sàng tải về."),
        Delivery.INAPP,
    ),
    Kind(
        DOCUMENT_FAILED,
        _("Văn bản không tạo được"),
        _("Văn bản không tạo được: %(title)s"),
        _("Văn bản %(title)s của %(bloc)s năm %(year)s không tạo được: %(error)s"),
    ),
    prepare=prepare,
)
