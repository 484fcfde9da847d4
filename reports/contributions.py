"""Member agencies' own half-year and year-end reports, sent to the bloc's secretariat.

Each member agency writes its report (text and files) for a period; it stays a private draft
of the agency until it is sent. The secretariat sets the date by which reports are due, sees
who has not sent, reminds them, and quotes the sent reports in the bloc's review report.

A report sent after the due date is still taken (the time is kept and the overview says it was
late). A sent report may still be changed: every version stays in its history and the overview
says it was changed after it was sent.

Who may do what is decided in ``reports.access``; this module holds the rules (plain
functions), the reads (selectors) and the writes (services).
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from blocs.history import record_by
from blocs.models import Agency, BlocTerm, Membership, Notification
from blocs.services.notifications import Message, notify, notify_all, people_by_agency, people_of
from campaigns.models import DEADLINE_ZONE, Period
from reports import notices
from reports.attachments import save_checked
from reports.models import MemberReport, MemberReportFile, ReviewReport
from reports.review import first_draft_of, report_row

# The longest quotation put into the bloc's report: a paragraph, not the whole report.
QUOTE_MAX_CHARS = 600
# Reminding the same members again within this time is refused: one reminder is enough.
REMIND_INTERVAL = datetime.timedelta(hours=1)
TEXT_MAX_CHARS = 50_000


# --- Rules (plain values) ----------------------------------------------------------------------


class Status:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"

    LABELS = {
        NOT_STARTED: _lazy("Chưa làm"),
        DRAFT: _lazy("Đang soạn, chưa gửi"),
        ON_TIME: _lazy("Đã gửi đúng hạn"),
        LATE: _lazy("Gửi muộn"),
    }
    ORDER = (ON_TIME, LATE, DRAFT, NOT_STARTED)


def due_end(due: datetime.date | None) -> datetime.datetime | None:
    """The moment a due date ends: midnight after it, Vietnam time (the whole day counts)."""
    if due is None:
        return None
    return datetime.datetime.combine(
        due + datetime.timedelta(days=1), datetime.time(), DEADLINE_ZONE
    )


def is_late(submitted_at, due: datetime.date | None) -> bool:
    """Whether a report was sent after its due date ended; without a due date nothing is late."""
    end = due_end(due)
    return submitted_at is not None and end is not None and submitted_at >= end


def contribution_status(*, submitted_at, due, has_content: bool) -> str:
    """The status of one agency's report: not started, draft, sent on time, or sent late."""
    if submitted_at is not None:
        return Status.LATE if is_late(submitted_at, due) else Status.ON_TIME
    return Status.DRAFT if has_content else Status.NOT_STARTED


def edited_after_submitting(*, submitted_at, updated_at) -> bool:
    """Whether the report changed after it was sent.

    Sending writes ``submitted_at`` without touching ``updated_at``, and every later change of
    the text or files moves ``updated_at``: a later ``updated_at`` is a change after sending.
    """
    return submitted_at is not None and updated_at is not None and updated_at > submitted_at


_SENTENCE_END = re.compile(r"[.!?…](?:[\"”’)\]]*)(?=\s|$)")


def quotation(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """``text`` as one paragraph, cut at the last sentence end within ``limit`` characters.

    A first sentence longer than ``limit`` is cut at the last space, followed by "…".
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends:
        return head[: ends[-1]].rstrip()
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:") + "…"


# --- Reads -------------------------------------------------------------------------------------


def check_period_kind(kind: str) -> str:
    if kind not in Period.Kind.values:
        raise ValueError(kind)
    return kind


def review_report_of(term: BlocTerm, period_kind: str) -> ReviewReport | None:
    return ReviewReport.objects.filter(term=term, period_kind=period_kind).first()


def current_files():
    """The files of a report still attached (not withdrawn), in upload order."""
    return MemberReportFile.objects.filter(withdrawn_at__isnull=True).order_by("uploaded_at", "id")


def report_for(term: BlocTerm, period_kind: str, agency_id) -> MemberReport | None:
    """The agency's report for the period with its current files, or ``None``."""
    return (
        MemberReport.objects.filter(term=term, period_kind=period_kind, agency_id=agency_id)
        .select_related("agency", "submitted_by")
        .prefetch_related(Prefetch("files", queryset=current_files(), to_attr="current_files"))
        .first()
    )


@dataclass
class Row:
    """One member agency in the secretariat's overview."""

    agency: Agency
    report: MemberReport | None
    status: str
    edited_after: bool
    left: bool = False
    files: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def is_submitted(self) -> bool:
        return self.status in (Status.ON_TIME, Status.LATE)


@dataclass
class Overview:
    term: BlocTerm
    period_kind: str
    review: ReviewReport | None
    rows: list
    counts: dict
    last_reminder: datetime.datetime | None

    @property
    def due(self):
        return self.review.contributions_due if self.review else None

    @property
    def not_submitted(self) -> list:
        return [r for r in self.rows if not r.is_submitted and not r.left]


def _reports_with_files(term, period_kind):
    return (
        MemberReport.objects.filter(term=term, period_kind=period_kind)
        .select_related("agency", "submitted_by")
        .prefetch_related(Prefetch("files", queryset=current_files(), to_attr="current_files"))
    )


def overview(term: BlocTerm, period_kind: str, *, now=None) -> Overview:
    """Every member agency of the year and where its report stands, in a constant number of
    queries: members, reports, their files, the review report, the last reminder.

    Agencies that have left the bloc are listed only when they had begun a report.
    """
    now = now or timezone.now()
    today = timezone.localtime(now, DEADLINE_ZONE).date()
    review = review_report_of(term, period_kind)
    due = review.contributions_due if review else None
    reports = {r.agency_id: r for r in _reports_with_files(term, period_kind)}
    memberships = Membership.objects.filter(term=term).select_related("agency")
    rows = []
    for m in memberships.order_by("agency__sort_key", "agency_id"):
        report = reports.get(m.agency_id)
        left = m.left_on is not None and m.left_on <= today
        if left and report is None:
            continue
        files = report.current_files if report else []
        status = contribution_status(
            submitted_at=report.submitted_at if report else None,
            due=due,
            has_content=bool(report and (report.text.strip() or files)),
        )
        rows.append(
            Row(
                agency=m.agency,
                report=report,
                status=status,
                edited_after=bool(report)
                and edited_after_submitting(
                    submitted_at=report.submitted_at, updated_at=report.updated_at
                ),
                left=left,
                files=files,
            )
        )
    counts = {key: 0 for key in Status.ORDER}
    for row in rows:
        counts[row.status] += 1
    return Overview(
        term=term,
        period_kind=period_kind,
        review=review,
        rows=rows,
        counts=counts,
        last_reminder=last_reminder_at(term, period_kind),
    )


def submitted_reports(term: BlocTerm, period_kind: str) -> list:
    """The reports sent for the period, with their current files, in the agencies' order."""
    return list(
        _reports_with_files(term, period_kind)
        .filter(submitted_at__isnull=False)
        .order_by("agency__sort_key", "agency_id")
    )


def section_choices() -> list:
    """(name, label) of each part of the bloc's review report, in the report's order."""
    return [
        (name, ReviewReport._meta.get_field(name).verbose_name) for name in ReviewReport.SECTIONS
    ]


def quote_context(term: BlocTerm, period_kind: str, *, can_quote: bool, next_url: str = "") -> dict:
    """What ``reports/_contribution_quotes.html`` needs: the sent reports, the parts of the
    report, whether the reader may quote, and the page to come back to after quoting."""
    return {
        "contributions": submitted_reports(term, period_kind),
        "quote_sections": section_choices(),
        "can_quote": can_quote,
        "quote_next": next_url,
        "quote_term": term,
        "quote_period_kind": period_kind,
    }


def _reminder_key_prefix(term, period_kind) -> str:
    return f"member-report-remind:{term.pk}:{period_kind}:"


def last_reminder_at(term: BlocTerm, period_kind: str):
    """When the members were last reminded, read from the reminders themselves (one query)."""
    return (
        Notification.objects.filter(
            kind=notices.MEMBER_REPORT_REMIND,
            key__startswith=_reminder_key_prefix(term, period_kind),
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def member_report_url(term, period_kind, agency_id=None) -> str:
    url = reverse("reports:member_report", args=[term.bloc.code, term.year, period_kind])
    return f"{url}?agency={agency_id}" if agency_id else url


def member_reports_url(term, period_kind) -> str:
    return reverse("reports:member_reports", args=[term.bloc.code, term.year, period_kind])


# --- Writes ------------------------------------------------------------------------------------


def _params(term, period_kind, **more) -> dict:
    return {"bloc": term.bloc.name, "year": term.year, "period_kind": period_kind, **more}


def _draft(*, term, period_kind, agency, by) -> MemberReport:
    """The agency's report row, made empty the first time it is needed."""
    report = MemberReport.objects.filter(term=term, period_kind=period_kind, agency=agency).first()
    if report is not None:
        return report
    report = MemberReport(term=term, period_kind=period_kind, agency=agency)
    report.full_clean(validate_constraints=False)
    try:
        # Two first saves at once: the database keeps one row and the other uses it.
        with transaction.atomic():
            record_by(report, by).save()
    except IntegrityError:
        return MemberReport.objects.get(term=term, period_kind=period_kind, agency=agency)
    return report


def _touch(report: MemberReport, by, *fields) -> None:
    """Save the named fields and the time of the change (marks a change after sending)."""
    record_by(report, by).save(update_fields=[*fields, "updated_at"])


def attach_file(*, report: MemberReport, uploaded, by) -> MemberReportFile:
    """Store a file checked as evidence is (type read from its content, size limit)."""
    return save_checked(MemberReportFile(report=report), uploaded, by=by)


@transaction.atomic
def save_member_report(
    *, term: BlocTerm, period_kind: str, agency: Agency, by, text=None, uploads=(), withdraw=()
) -> MemberReport:
    """Save the agency's report as it is being written: the text (``None`` leaves it as it
    is), new files and files taken off (their ids). A sent report stays sent; the change is
    kept in its history and shows as a change after sending."""
    check_period_kind(period_kind)
    report = _draft(term=term, period_kind=period_kind, agency=agency, by=by)
    changed = False
    if text is not None:
        text = text.strip()
        if len(text) > TEXT_MAX_CHARS:
            raise ValidationError(
                _("Nội dung báo cáo dài quá %(n)s ký tự.") % {"n": f"{TEXT_MAX_CHARS:,}"}
            )
        if text != report.text:
            report.text = text
            changed = True
    for attached in report.files.filter(pk__in=list(withdraw), withdrawn_at__isnull=True):
        attached.withdrawn_at = timezone.now()
        record_by(attached, by).save(update_fields=["withdrawn_at"])
        changed = True
    for uploaded in uploads:
        attach_file(report=report, uploaded=uploaded, by=by)
        changed = True
    if changed:
        _touch(report, by, "text")
    return report


@transaction.atomic
def submit_member_report(*, report: MemberReport, by, now=None) -> MemberReport:
    """Send the report to the secretariat and tell them (inbox); sending again changes nothing.

    After the due date it is still taken: the time is kept and the overview says it was late.
    """
    report = (
        MemberReport.objects.select_for_update()
        .select_related("term__bloc", "agency")
        .get(pk=report.pk)
    )
    if report.submitted_at is not None:
        return report
    if not report.text.strip():
        raise ValidationError(_("Hãy viết nội dung báo cáo trước khi gửi."))
    report.submitted_at = now or timezone.now()
    report.submitted_by = by
    # Without ``updated_at``: the last change stays earlier than the sending (see
    # ``edited_after_submitting``).
    record_by(report, by).save(update_fields=["submitted_at", "submitted_by"])
    term = report.term
    leader = Membership.objects.filter(term=term, role=Membership.Role.LEADER).values_list(
        "agency_id", flat=True
    )
    review = review_report_of(term, report.period_kind)
    notify(
        recipients=people_of(list(leader)),
        kind=notices.MEMBER_REPORT_SUBMITTED,
        params=_params(
            term,
            report.period_kind,
            agency=report.agency.name,
            late="1" if is_late(report.submitted_at, review and review.contributions_due) else "",
        ),
        url=member_reports_url(term, report.period_kind),
        key=f"member-report-submitted:{report.pk}",
        by=by,
    )
    return report


@transaction.atomic
def set_contributions_due(
    *, term: BlocTerm, period_kind: str, due: datetime.date | None, by
) -> ReviewReport:
    """Set the date members' reports are due, making the review report's row if needed; the
    texts of its sections are never touched."""
    check_period_kind(period_kind)
    review = _review_report(term, period_kind, by)
    review = ReviewReport.objects.select_for_update().get(pk=review.pk)
    review.contributions_due = due
    review.updated_by = by
    record_by(review, by).save(update_fields=["contributions_due", "updated_by", "updated_at"])
    return review


def _review_report(term, period_kind, by) -> ReviewReport:
    """The period's review report, made (with empty sections) the first time it is needed."""
    return report_row(term, period_kind, by=by)


@dataclass(frozen=True)
class Reminded:
    agencies: int
    people: int


@transaction.atomic
def remind_members(*, term: BlocTerm, period_kind: str, by, now=None) -> Reminded:
    """Remind the heads and officers of every current member that has not sent its report
    (inbox and mail); refused within an hour of the last reminder of this period."""
    check_period_kind(period_kind)
    now = now or timezone.now()
    # One reminder at a time per term: the second of two clicks waits, then sees the first.
    BlocTerm.objects.select_for_update().filter(pk=term.pk).first()
    last = last_reminder_at(term, period_kind)
    if last is not None and now - last < REMIND_INTERVAL:
        raise ValidationError(
            _("Đã nhắc lúc %(at)s; chỉ nhắc lại sau %(minutes)s phút kể từ lần nhắc trước.")
            % {
                "at": timezone.localtime(last, DEADLINE_ZONE).strftime("%H:%M %d/%m/%Y"),
                "minutes": int(REMIND_INTERVAL.total_seconds() // 60),
            }
        )
    data = overview(term, period_kind, now=now)
    waiting = [row.agency for row in data.not_submitted]
    if not waiting:
        raise ValidationError(_("Mọi đơn vị đã gửi báo cáo; không có đơn vị nào cần nhắc."))
    people = people_by_agency(a.pk for a in waiting)
    due = data.due.isoformat() if data.due else ""
    key = _reminder_key_prefix(term, period_kind) + now.isoformat()
    sent = notify_all(
        [
            Message(
                people.get(agency.pk, []),
                notices.MEMBER_REPORT_REMIND,
                _params(term, period_kind, agency=agency.name, due=due),
                member_report_url(term, period_kind, agency.pk),
                key,
            )
            for agency in waiting
        ],
        by=by,
    )
    return Reminded(agencies=sum(1 for a in waiting if people.get(a.pk)), people=sent)


@transaction.atomic
def quote_contribution(
    *, report: ReviewReport, section: str, member_report: MemberReport, by
) -> ReviewReport:
    """Append to a part of the bloc's report a paragraph quoting a member's sent report; the
    history names who quoted."""
    if section not in ReviewReport.SECTIONS:
        raise ValidationError(_("Không có mục này trong báo cáo."))
    if (member_report.term_id, member_report.period_kind) != (report.term_id, report.period_kind):
        raise ValidationError(_("Báo cáo của đơn vị không thuộc kỳ báo cáo này."))
    if member_report.submitted_at is None or not member_report.text.strip():
        raise ValidationError(_("Chỉ trích được báo cáo đơn vị đã gửi."))
    report = ReviewReport.objects.select_for_update().get(pk=report.pk)
    agency = Agency.objects.only("name").get(pk=member_report.agency_id)
    # The bloc's report is a Vietnamese document whatever language the quoting reader uses.
    with translation.override("vi"):
        paragraph = _("Trích báo cáo của %(agency)s: “%(text)s”") % {
            "agency": agency.name,
            "text": quotation(member_report.text),
        }
    # A section nobody wrote yet shows its first draft: the quote follows it.
    current = getattr(report, section).rstrip() or first_draft_of(report, section).rstrip()
    setattr(report, section, f"{current}\n\n{paragraph}" if current else paragraph)
    report.updated_by = by
    record_by(report, by).save(update_fields=[section, "updated_by", "updated_at"])
    return report


def review_report_for_quoting(term: BlocTerm, period_kind: str, *, by) -> ReviewReport:
    """The review report to quote into, made (empty) when the secretariat has not begun it."""
    return _review_report(term, period_kind, by)
