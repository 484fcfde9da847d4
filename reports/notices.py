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

# The award dossier between a bloc and the board (reports.dossiers).
DOSSIER_SUBMITTED = "reports.dossier_submitted"
DOSSIER_WITHDRAWN = "reports.dossier_withdrawn"
DOSSIER_RETURNED = "reports.dossier_returned"
DOSSIER_ACCEPTED = "reports.dossier_accepted"
DOSSIER_DECIDED = "reports.dossier_decided"
AWARD_REVOKED = "reports.award_revoked"


def prepare_dossier(params: dict) -> dict:
    """Write a decision's date as dd/mm/yyyy."""
    day = params.get("date")
    try:
        params["date"] = datetime.date.fromisoformat(day).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        pass
    return params


register(
    Kind(
        DOSSIER_SUBMITTED,
        _("Khối gửi hồ sơ đề nghị khen thưởng"),
        _("%(bloc)s gửi hồ sơ khen thưởng năm %(year)s"),
        _(
            "%(bloc)s đã gửi Ban hồ sơ đề nghị khen thưởng năm %(year)s (lần gửi thứ"
            " %(version)s). Hồ sơ chờ Ban xem xét."
        ),
        Delivery.IMMEDIATE,
    ),
    Kind(
        DOSSIER_WITHDRAWN,
        _("Khối rút hồ sơ đề nghị khen thưởng"),
        _("%(bloc)s rút hồ sơ khen thưởng năm %(year)s"),
        _("%(bloc)s đã rút hồ sơ đề nghị khen thưởng năm %(year)s. Lý do: %(reason)s"),
    ),
    Kind(
        DOSSIER_RETURNED,
        _("Ban trả lại hồ sơ đề nghị khen thưởng"),
        _("Ban trả lại hồ sơ khen thưởng năm %(year)s của %(bloc)s"),
        _(
            "Ban Thi đua – Khen thưởng trả lại hồ sơ đề nghị khen thưởng năm %(year)s của"
            " %(bloc)s. Lý do: %(reason)s. Khối bổ sung, sửa rồi gửi lại."
        ),
        Delivery.IMMEDIATE,
    ),
    Kind(
        DOSSIER_ACCEPTED,
        _("Ban tiếp nhận hồ sơ đề nghị khen thưởng"),
        _("Ban đã tiếp nhận hồ sơ khen thưởng năm %(year)s của %(bloc)s"),
        _(
            "Ban Thi đua – Khen thưởng đã tiếp nhận hồ sơ đề nghị khen thưởng năm %(year)s"
            " của %(bloc)s và trình Hội đồng xét."
        ),
    ),
    Kind(
        DOSSIER_DECIDED,
        _("Có quyết định khen thưởng"),
        _("Quyết định khen thưởng năm %(year)s của %(bloc)s"),
        _(
            "Đã có Quyết định số %(number)s ngày %(date)s khen thưởng theo hồ sơ năm %(year)s"
            " của %(bloc)s: %(granted)s trên %(proposed)s đề nghị được khen thưởng."
        ),
        Delivery.IMMEDIATE,
    ),
    Kind(
        AWARD_REVOKED,
        _("Thu hồi khen thưởng"),
        _("Thu hồi %(award)s của %(agency)s"),
        _(
            "%(award)s năm %(year)s của %(agency)s (%(bloc)s) đã bị thu hồi theo Quyết định số"
            " %(number)s. Lý do: %(reason)s"
        ),
        Delivery.IMMEDIATE,
    ),
    prepare=prepare_dossier,
)
