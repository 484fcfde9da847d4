"""The secretariat's reminders to the members not done yet, and the progress workbooks.

Reminders go through the one notifications service (``blocs.services.notifications``): each
person of an agency not done in the column gets an inbox row, and the mail they chose.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from blocs.models import Notification
from blocs.services.notifications import Message, notify_all, people_by_agency
from campaigns import notices
from campaigns import progress as reads
from campaigns.models import DEADLINE_ZONE, Period, Pledge
from khoithidua.spreadsheets import workbook_bytes

KINDS = {
    reads.PLEDGE: notices.REMIND_PLEDGE,
    reads.TITLES: notices.REMIND_TITLES,
    reads.SELFSCORE: notices.REMIND_SELFSCORE,
    reads.CROSSCHECK: notices.REMIND_CROSSCHECK,
    reads.EXPLANATION: notices.REMIND_EXPLANATION,
}
# Only heads (or those signing for them) sign the pledge and register titles; officers prepare
# the scorecard, the cross-checks and the explanations with them.
HEADS_ONLY = {reads.PLEDGE, reads.TITLES}


@dataclass(frozen=True)
class Reminded:
    agencies: int
    people: int


def _refusal(progress: reads.TermProgress, column: str) -> str:
    if column == reads.PLEDGE and (
        progress.pledge is None or progress.pledge.status != Pledge.Status.OPEN
    ):
        return _("Giao ước không ở trạng thái đang mở ký nên không có gì để nhắc ký.")
    if column in reads.PERIOD_COLUMNS:
        if progress.period is None:
            return _("Kỳ chấm điểm chưa được mở.")
        if progress.period.status == Period.Status.AGREED:
            return _("Kỳ chấm điểm đã thống nhất; không còn việc để nhắc.")
    return ""


def _url(term, column, period, agency_id) -> str:
    code, year = term.bloc.code, term.year
    if column in (reads.PLEDGE, reads.TITLES):
        return reverse("campaigns:pledge_detail", args=[code, year])
    if column == reads.SELFSCORE:
        return reverse("campaigns:period_list", args=[code, year])
    if column == reads.EXPLANATION:
        return reverse("campaigns:review_scorecard", args=[code, year, period.kind, agency_id])
    return reverse("campaigns:review_home", args=[code, year, period.kind])


@transaction.atomic
def remind_not_done(*, term, column: str, by, period_kind: str | None = None, now=None) -> Reminded:
    """Notify the people of every current member not done in ``column``; return how many.

    A person is reminded at most once a day per column, period and agency, so that a second
    click sends nothing twice. Raises ``ValidationError`` when the column has nothing to remind.
    """
    if column not in reads.COLUMNS:
        raise ValidationError(_("Không có cột tiến độ này."))
    now = now or timezone.now()
    progress = reads.term_progress(term, period_kind=period_kind, now=now)
    refusal = _refusal(progress, column)
    if refusal:
        raise ValidationError(refusal)
    agencies = progress.not_done(column)
    people = people_by_agency([a.id for a in agencies], heads_only=column in HEADS_ONLY)
    period = progress.period if column in reads.PERIOD_COLUMNS else None
    day = timezone.localtime(now, DEADLINE_ZONE).date().isoformat()
    messages = [
        Message(
            recipients=people[agency.id],
            kind=KINDS[column],
            params={
                "bloc": term.bloc.name,
                "year": term.year,
                # The period's name is written in each reader's language (campaigns.notices).
                "period_kind": period.kind if period else "",
                "agency": agency.name,
            },
            url=_url(term, column, period, agency.id),
            key=f"{KINDS[column]}:{term.pk}:{period.pk if period else 0}:{agency.id}:{day}",
        )
        for agency in agencies
        if people.get(agency.id)
    ]
    if not messages:
        return Reminded(agencies=0, people=0)
    # Each agency has its own key, and people reminded earlier today get nothing new: the
    # agencies reached are those whose key gained a notification in this call.
    before = _sent(messages)
    people_count = notify_all(messages, by=by)
    reached = {key for _user, key in _sent(messages) - before}
    return Reminded(agencies=len(reached), people=people_count)


def _sent(messages) -> set:
    """(user id, key) of the notifications already stored under the messages' keys."""
    return set(
        Notification.objects.filter(key__in=[m.key for m in messages]).values_list("user_id", "key")
    )


# --- Workbooks ---------------------------------------------------------------------------------


def _header(sheet, titles: list, widths: list) -> None:
    sheet.append([str(t) for t in titles])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "A2"


def _cell_text(cell: reads.Cell) -> str:
    if cell.overdue:
        return _("%(text)s — quá hạn") % {"text": cell.text}
    return cell.text


def progress_workbook(progress: reads.TermProgress) -> bytes:
    """The progress table of one term as an .xlsx (every text cell kept as text)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tiến độ")[:31]
    term = progress.term
    period = progress.period
    _header(
        sheet,
        [
            _("STT"),
            _("Cơ quan, đơn vị"),
            _("Viết tắt"),
            *(reads.COLUMN_LABELS[c] for c in reads.COLUMNS),
            _("Số việc quá hạn"),
        ],
        [6, 48, 12, 22, 30, 22, 22, 22, 12],
    )
    for number, row in enumerate(progress.rows, start=1):
        sheet.append(
            [
                number,
                row.agency.name,
                row.agency.abbreviation,
                *(_cell_text(row.cells[c]) for c in reads.COLUMNS),
                row.overdue_count,
            ]
        )
    sheet.append([])
    sheet.append(
        [
            "",
            _("%(bloc)s — năm %(year)s — %(period)s")
            % {
                "bloc": term.bloc.name,
                "year": term.year,
                "period": period.get_kind_display() if period else _("chưa mở kỳ chấm điểm"),
            },
        ]
    )
    return workbook_bytes(book)


def board_workbook(rows) -> bytes:
    """The board overview (``BoardRow`` list, already filtered) as an .xlsx."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tổng quan các khối")[:31]
    kinds = list(Period.Kind.choices)
    _header(
        sheet,
        [
            _("Hội đồng"),
            _("Khối thi đua"),
            _("Năm"),
            _("Trạng thái"),
            _("Khối trưởng"),
            _("Số thành viên"),
            _("Đã ký giao ước"),
            _("Đã nộp phiếu tự chấm"),
            _("Kỳ đang theo dõi"),
            *(_("%(period)s đã thống nhất") % {"period": label} for _k, label in kinds),
            _("Số việc quá hạn"),
        ],
        [30, 40, 8, 16, 36, 10, 14, 18, 18, *([18] * len(kinds)), 12],
    )
    for row in rows:
        p = row.progress
        if p is None:
            sheet.append([row.bloc.council.name, row.bloc.name, row.year, _("Chưa mở năm")])
            continue
        pledge, selfscore = p.column(reads.PLEDGE), p.column(reads.SELFSCORE)
        agreed = {period.kind: ok for period, ok in p.agreed_periods}
        sheet.append(
            [
                row.bloc.council.name,
                row.bloc.name,
                p.term.year,
                p.term.get_status_display(),
                p.leader.name if p.leader else "",
                p.member_count,
                f"{pledge.done}/{pledge.asked}" if pledge.applies else _("Chưa mở ký"),
                f"{selfscore.done}/{selfscore.asked}" if selfscore.applies else "",
                p.period.get_kind_display() if p.period else "",
                *(
                    ("" if kind not in agreed else (_("Có") if agreed[kind] else _("Chưa")))
                    for kind, _label in kinds
                ),
                p.overdue_count,
            ]
        )
    return workbook_bytes(book)
