"""What the reports app tells people: a document they asked for is ready, or could not be made."""

import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.notices import Delivery, Kind, register
from campaigns import notices as campaign_notices

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
        Delivery.IMMEDIATE,
    ),
    Kind(
        DOCUMENT_FAILED,
        _("Văn bản không tạo được"),
        _("Văn bản không tạo được: %(title)s"),
        _("Văn bản %(title)s của %(bloc)s năm %(year)s không tạo được: %(error)s"),
    ),
    prepare=prepare,
)

# Members' own reports for the half-year and year-end review (reports.contributions).
MEMBER_REPORT_SUBMITTED = "reports.member_report_submitted"
MEMBER_REPORT_REMIND = "reports.member_report_remind"


def prepare_contribution(params: dict) -> dict:
    """Write the period, the due date (dd/mm/yyyy) and a late sending in the reader's language."""
    params = campaign_notices.prepare(params)
    due = params.get("due")
    try:
        params["due"] = (
            datetime.date.fromisoformat(due).strftime("%d/%m/%Y")
            if due
            else gettext("chưa định hạn")
        )
    except (TypeError, ValueError):
        pass
    params["late_note"] = gettext(" (sau hạn)") if params.get("late") else ""
    return params


register(
    Kind(
        MEMBER_REPORT_SUBMITTED,
        _("Đơn vị gửi báo cáo sơ kết, tổng kết"),
        _("%(agency)s đã gửi báo cáo %(period)s năm %(year)s"),
        _(
            "%(agency)s đã gửi báo cáo %(period)s năm %(year)s cho thường trực khối %(bloc)s"
            "%(late_note)s."
        ),
        Delivery.INAPP,
    ),
    Kind(
        MEMBER_REPORT_REMIND,
        _("Nhắc gửi báo cáo sơ kết, tổng kết của đơn vị"),
        _("Nhắc gửi báo cáo %(period)s năm %(year)s, hạn %(due)s"),
        _(
            "Thường trực khối %(bloc)s nhắc %(agency)s gửi báo cáo %(period)s năm %(year)s của"
            " đơn vị trên hệ thống. Hạn gửi: %(due)s."
        ),
    ),
    prepare=prepare_contribution,
)
