"""What the awards app tells people: the provisional and final ranking, appeals, ballots, results.

Each kind's texts take the parameters named in them; ``bloc`` and ``year`` are always given, a
period as ``period_kind`` and a deadline as ``deadline`` (an ISO datetime), written in the
reader's language and time zone when the message is read (``campaigns.notices.prepare``).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards.models import Appeal
from blocs.notices import Delivery, Kind, register
from campaigns import notices as campaign_notices


def prepare(params: dict) -> dict:
    """Write a period, a deadline, an appeal's answer and an empty list in the reader's language."""
    params = campaign_notices.prepare(params)
    if params.get("status") in Appeal.Status.values:
        params["outcome"] = str(Appeal.Status(params["status"]).label)
    for key in ("elected", "agencies"):
        if key in params and not params[key]:
            params[key] = gettext("không có")
    return params


RANKING_PROVISIONAL = "awards.ranking_provisional"
APPEAL_RECEIVED = "awards.appeal_received"
APPEAL_ANSWERED = "awards.appeal_answered"
RANKING_FINAL = "awards.ranking_final"
BALLOT_OPENED = "awards.ballot_opened"
BALLOT_RESULTS = "awards.ballot_results"
NOMINATIONS_CONFIRMED = "awards.nominations_confirmed"

register(
    Kind(
        RANKING_PROVISIONAL,
        _("Công bố kết quả xếp hạng tạm thời"),
        _("Kết quả xếp hạng tạm thời %(period)s: nhận kiến nghị đến %(deadline)s"),
        _(
            "Khối %(bloc)s công bố kết quả xếp hạng tạm thời %(period)s năm %(year)s. Đơn vị có"
            " kiến nghị về điểm của mình gửi trên hệ thống đến %(deadline)s."
        ),
    ),
    Kind(
        APPEAL_RECEIVED,
        _("Có kiến nghị về kết quả"),
        _("Kiến nghị số %(number)s của %(agency)s"),
        _(
            "%(agency)s gửi kiến nghị số %(number)s về kết quả %(period)s năm %(year)s của khối"
            " %(bloc)s. Lý do: %(reason)s"
        ),
    ),
    Kind(
        APPEAL_ANSWERED,
        _("Kiến nghị đã được trả lời"),
        _("Kiến nghị số %(number)s: %(outcome)s"),
        _(
            "Thư ký khối %(bloc)s đã trả lời kiến nghị số %(number)s của %(agency)s về kết quả"
            " %(period)s năm %(year)s: %(outcome)s. %(answer)s"
        ),
    ),
    Kind(
        RANKING_FINAL,
        _("Kết quả xếp hạng chính thức"),
        _("Kết quả xếp hạng chính thức %(period)s năm %(year)s"),
        _(
            "Hết thời hạn kiến nghị và mọi kiến nghị đã được trả lời: kết quả xếp hạng %(period)s"
            " năm %(year)s của khối %(bloc)s là kết quả chính thức."
        ),
        Delivery.DIGEST,
    ),
    Kind(
        BALLOT_OPENED,
        _("Mở bỏ phiếu trực tuyến"),
        _("Mở bỏ phiếu: %(award)s, vòng %(round)s"),
        _(
            "Hội nghị %(period)s năm %(year)s của khối %(bloc)s mở bỏ phiếu kín trực tuyến"
            " %(award)s, vòng %(round)s. Đại biểu của đơn vị mở đường dẫn để bỏ phiếu."
        ),
    ),
    Kind(
        BALLOT_RESULTS,
        _("Kết quả bỏ phiếu"),
        _("Kết quả bỏ phiếu: %(award)s, vòng %(round)s"),
        _(
            "Đã kết thúc bỏ phiếu %(award)s, vòng %(round)s tại hội nghị %(period)s năm %(year)s"
            " của khối %(bloc)s. Trúng cử: %(elected)s."
        ),
        Delivery.DIGEST,
    ),
    Kind(
        NOMINATIONS_CONFIRMED,
        _("Chốt danh sách đề nghị khen thưởng"),
        _("Danh sách đề nghị %(award)s năm %(year)s"),
        _("Khối %(bloc)s đã chốt danh sách đề nghị %(award)s năm %(year)s: %(agencies)s."),
        Delivery.DIGEST,
    ),
    prepare=prepare,
)
