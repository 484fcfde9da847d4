"""What the campaigns app tells people: pledges, scorecards, cross-checks, periods, reminders.

Each kind's texts take the parameters named in them; ``bloc`` and ``year`` are always given.
A period is given as ``period_kind`` (``semiannual`` or ``annual``), a deadline as ``deadline``
(an ISO datetime) and a time left as ``days_left``: they are written in the reader's language
and time zone when the message is read.
"""

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blocs.notices import Delivery, Kind, register
from campaigns.models import Period, format_deadline
from campaigns.services.points import parse_points, points_label


def prepare(params: dict) -> dict:
    """Write a period's kind, a deadline, the time left and points in the reader's language."""
    kind = params.get("period_kind")
    if kind in Period.Kind.values:
        params["period"] = str(Period.Kind(kind).label)
    if params.get("deadline"):
        try:
            params["deadline"] = format_deadline(
                datetime.datetime.fromisoformat(params["deadline"])
            )
        except (TypeError, ValueError):
            pass
    for key in ("old", "new"):
        if params.get(key) not in (None, ""):
            try:
                params[key] = points_label(parse_points(params[key]))
            except (ValueError, ArithmeticError):
                pass
    if "days_left" in params:
        days = int(params["days_left"])
        params["left"] = ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days}
    return params


PLEDGE_OPENED = "campaigns.pledge_opened"
PLEDGE_VOIDED = "campaigns.pledge_voided"
CRITERIA_CHANGED = "campaigns.criteria_changed"
PERIOD_OPENED = "campaigns.period_opened"
CROSSCHECK_ASSIGNED = "campaigns.crosscheck_assigned"
EXPLANATION_ASKED = "campaigns.explanation_asked"
PERIOD_AGREED = "campaigns.period_agreed"
PERIOD_REOPENED = "campaigns.period_reopened"
BOARD_ADJUSTED = "campaigns.board_adjusted"
DEADLINE_SELF = "campaigns.deadline_selfscore"
DEADLINE_REVIEW = "campaigns.deadline_crosscheck"
REMIND_PLEDGE = "campaigns.remind_pledge"
REMIND_TITLES = "campaigns.remind_titles"
REMIND_SELFSCORE = "campaigns.remind_selfscore"
REMIND_CROSSCHECK = "campaigns.remind_crosscheck"
REMIND_EXPLANATION = "campaigns.remind_explanation"

register(
    Kind(
        PLEDGE_OPENED,
        _("Giao ước thi đua mở để ký"),
        _("Mời ký giao ước thi đua năm %(year)s"),
        _(
            "%(title)s (phiên bản %(version)s) của %(bloc)s đã được mở để ký trực tuyến. "
            "Đề nghị Thủ trưởng %(agency)s đăng nhập, đọc nội dung và ký."
        ),
    ),
    Kind(
        PLEDGE_VOIDED,
        _("Giao ước thi đua bị thu hồi"),
        _("Thu hồi giao ước thi đua năm %(year)s"),
        _(
            "Phiên bản %(version)s của %(title)s đã bị thu hồi. Lý do: %(note)s\n"
            "Chữ ký trên phiên bản này vẫn được lưu nhưng không còn hiệu lực; đơn vị sẽ ký lại "
            "phiên bản mới khi được mở ký."
        ),
    ),
    Kind(
        CRITERIA_CHANGED,
        _("Bảng tiêu chí có phiên bản mới"),
        _("Bảng tiêu chí chấm điểm năm %(year)s: phiên bản %(version)s có hiệu lực"),
        _(
            "Bảng tiêu chí chấm điểm năm %(year)s của %(bloc)s đã được ban hành phiên bản "
            "%(version)s. Nội dung thay đổi: %(note)s"
        ),
    ),
    Kind(
        PERIOD_OPENED,
        _("Mở kỳ chấm điểm"),
        _("Mở chấm điểm %(period)s %(year)s"),
        _(
            "%(bloc)s đã mở chấm điểm %(period)s %(year)s. Đơn vị %(agency)s tự chấm điểm "
            "và gửi phiếu trước %(deadline)s."
        ),
    ),
    Kind(
        CROSSCHECK_ASSIGNED,
        _("Được phân công chấm chéo"),
        _("Phân công chấm chéo %(period)s %(year)s"),
        _(
            "%(reviewer)s được phân công chấm chéo phiếu của %(agency)s (%(period)s "
            "%(year)s), hạn chấm chéo %(deadline)s."
        ),
    ),
    Kind(
        EXPLANATION_ASKED,
        _("Đề nghị giải trình điểm chấm chéo"),
        _("Đề nghị giải trình điểm chấm chéo %(period)s %(year)s"),
        _(
            "Điểm chấm chéo của %(agency)s khác điểm tự chấm ở một số tiêu chí. Đơn vị xem và "
            "giải trình (nếu có) trước khi Khối thống nhất điểm."
        ),
    ),
    Kind(
        PERIOD_AGREED,
        _("Khối thống nhất điểm"),
        _("Đã thống nhất điểm %(period)s %(year)s"),
        _("%(bloc)s đã thống nhất điểm và xếp hạng %(period)s %(year)s."),
        # It informs and asks nothing: it waits for the daily digest unless chosen otherwise.
        Delivery.DIGEST,
    ),
    Kind(
        PERIOD_REOPENED,
        _("Mở lại kỳ chấm điểm đã thống nhất"),
        _("Mở lại chấm điểm %(period)s %(year)s"),
        _(
            "Kỳ chấm điểm %(period)s %(year)s của %(bloc)s đã được mở lại; xếp hạng trở "
            "lại tạm thời. Lý do: %(reason)s"
        ),
    ),
    Kind(
        BOARD_ADJUSTED,
        _("Ban TĐKT điều chỉnh điểm"),
        _("Ban TĐKT điều chỉnh điểm của %(agency)s"),
        _(
            "Ban Thi đua – Khen thưởng điều chỉnh điểm tiêu chí %(criterion)s của %(agency)s "
            "(%(period)s %(year)s): %(old)s → %(new)s. Lý do: %(reason)s"
        ),
    ),
    Kind(
        DEADLINE_SELF,
        _("Nhắc hạn tự chấm điểm"),
        _("Còn %(left)s đến hạn tự chấm điểm %(period)s %(year)s"),
        _("%(agency)s chưa gửi phiếu tự chấm điểm %(period)s %(year)s. Hạn gửi: %(deadline)s."),
    ),
    Kind(
        DEADLINE_REVIEW,
        _("Nhắc hạn chấm chéo"),
        _("Còn %(left)s đến hạn chấm chéo %(period)s %(year)s"),
        _(
            "%(agency)s còn %(count)s phiếu chưa chấm chéo (%(period)s %(year)s). Hạn chấm "
            "chéo: %(deadline)s."
        ),
    ),
    Kind(
        REMIND_PLEDGE,
        _("Nhắc ký giao ước"),
        _("Nhắc ký giao ước thi đua năm %(year)s"),
        _(
            "%(agency)s chưa ký giao ước thi đua năm %(year)s của %(bloc)s. Đề nghị Thủ trưởng "
            "đăng nhập và ký."
        ),
    ),
    Kind(
        REMIND_TITLES,
        _("Nhắc đăng ký danh hiệu"),
        _("Nhắc đăng ký danh hiệu thi đua năm %(year)s"),
        _("%(agency)s chưa đăng ký danh hiệu thi đua năm %(year)s với %(bloc)s."),
    ),
    Kind(
        REMIND_SELFSCORE,
        _("Nhắc gửi phiếu tự chấm"),
        _("Nhắc gửi phiếu tự chấm điểm %(period)s %(year)s"),
        _("%(agency)s chưa gửi phiếu tự chấm điểm %(period)s %(year)s của %(bloc)s."),
    ),
    Kind(
        REMIND_CROSSCHECK,
        _("Nhắc chấm chéo"),
        _("Nhắc hoàn thành chấm chéo %(period)s %(year)s"),
        _("%(agency)s chưa hoàn thành chấm chéo %(period)s %(year)s của %(bloc)s."),
    ),
    Kind(
        REMIND_EXPLANATION,
        _("Nhắc giải trình"),
        _("Nhắc giải trình điểm chấm chéo %(period)s %(year)s"),
        _("%(agency)s chưa giải trình điểm chấm chéo %(period)s %(year)s của %(bloc)s."),
    ),
    prepare=prepare,
)
