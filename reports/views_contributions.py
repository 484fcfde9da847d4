"""Views of members' own half-year and year-end reports: an agency's report, the secretariat's
overview, a quotation into the bloc's report, and the files (load with access → form →
service → redirect)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from blocs.models import Agency
from reports import contributions
from reports.access import (
    can_write_member_report,
    check_period_kind,
    get_contributions_term_for_user,
    get_member_report_file_for_user,
    sees_every_contribution,
)
from reports.forms_contributions import ContributionsDueForm, MemberReportForm, QuoteForm
from reports.models import MemberReport


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _chosen_agency(request, access):
    """The agency the page acts for: ``agency`` in the request when it is one of the reader's
    member agencies (a 404 otherwise), else the first of them in Vietnamese order; ``None``
    when the reader belongs to no member agency. Returns (agency, the reader's agencies)."""
    agencies = list(Agency.objects.filter(pk__in=access.member_agency_ids).order_by("sort_key"))
    if not agencies:
        return None, []
    raw = request.POST.get("agency") or request.GET.get("agency")
    if raw:
        chosen = next((a for a in agencies if str(a.pk) == raw.strip()), None)
        if chosen is None:
            raise Http404(_("Không tìm thấy đơn vị này trong khối."))
        return chosen, agencies
    current = [a for a in agencies if a.pk in access.current_agency_ids]
    return (current or agencies)[0], agencies


@login_required
@require_http_methods(["GET", "POST"])
def member_report(request, bloc_code, year, period_kind):
    """A member agency's own report for the period: write, attach, take off, send."""
    check_period_kind(period_kind)
    term, access = get_term_for_user(request, bloc_code, year)
    agency, agencies = _chosen_agency(request, access)
    if agency is None:
        # The board and administrators have no report of their own: they read everybody's.
        require(request.method == "GET", _("Chỉ đơn vị thành viên của khối viết báo cáo này."))
        return redirect(contributions.member_reports_url(term, period_kind))
    writable = can_write_member_report(access, agency.pk)
    if request.method == "POST":
        require(
            writable,
            _("Năm thi đua đã đóng hoặc đơn vị không còn là thành viên: không thể sửa báo cáo."),
        )
    report = contributions.report_for(term, period_kind, agency.pk)
    current_files = report.current_files if report else []
    form = MemberReportForm(
        request.POST or None,
        request.FILES or None,
        current_files=current_files,
        initial={"text": report.text if report else ""},
    )
    status = 200
    if request.method == "POST":
        outcome = _save_member_report(request, term, period_kind, agency, form)
        if outcome is not None:
            return outcome
        status = 400
        # What was saved in spite of the error (the text) shows in the page's state.
        report = contributions.report_for(term, period_kind, agency.pk)
        current_files = report.current_files if report else []
    review = contributions.review_report_of(term, period_kind)
    due = review.contributions_due if review else None
    now = timezone.now()
    return render(
        request,
        "reports/member_report.html",
        {
            "term": term,
            "access": access,
            "section": "documents",
            "period_kind": period_kind,
            "period_label": MemberReport(period_kind=period_kind).get_period_kind_display(),
            "agency": agency,
            "agencies": agencies,
            "report": report,
            "files": current_files,
            "form": form,
            "writable": writable,
            "due": due,
            "past_due": contributions.is_late(now, due),
            "late": bool(report and contributions.is_late(report.submitted_at, due)),
            "edited_after": bool(report)
            and contributions.edited_after_submitting(
                submitted_at=report.submitted_at, updated_at=report.updated_at
            ),
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
            "sees_overview": sees_every_contribution(access),
        },
        status=status,
    )


def _save_member_report(request, term, period_kind, agency, form):
    """Save what was typed, then send when asked; a redirect, or ``None`` to show the form again.

    The text is saved even when a file is refused, so that nothing typed is lost.
    """
    valid = form.is_valid()
    # A request without the text field leaves the text as it is.
    text = None
    if "text" in request.POST and "text" not in form.errors:
        text = form.cleaned_data["text"]
    try:
        report = contributions.save_member_report(
            term=term,
            period_kind=period_kind,
            agency=agency,
            by=request.user,
            text=text,
            uploads=form.cleaned_data.get("files", []) if valid else [],
            withdraw=form.cleaned_data.get("withdraw", []) if valid else [],
        )
    except ValidationError as exc:
        form.add_error("text", exc)
        return None
    if not valid:
        if text:
            messages.warning(
                request, _("Đã lưu nội dung đang viết; các tệp bị từ chối chưa được đính kèm.")
            )
        return None
    url = contributions.member_report_url(term, period_kind, agency.pk)
    if form.cleaned_data["action"] != MemberReportForm.SUBMIT:
        messages.success(request, _("Đã lưu báo cáo của %(agency)s.") % {"agency": agency.name})
        return redirect(url)
    if report.submitted_at is not None:
        messages.success(
            request,
            _("Đã lưu thay đổi; báo cáo đã gửi trước đó nên thường trực khối thấy bản mới này."),
        )
        return redirect(url)
    try:
        report = contributions.submit_member_report(report=report, by=request.user)
    except ValidationError as exc:
        form.add_error("text", exc)
        return None
    review = contributions.review_report_of(term, period_kind)
    if contributions.is_late(report.submitted_at, review and review.contributions_due):
        messages.warning(
            request,
            _("Đã gửi báo cáo cho thường trực khối lúc %(at)s, sau hạn gửi.")
            % {"at": timezone.localtime(report.submitted_at).strftime("%H:%M %d/%m/%Y")},
        )
    else:
        messages.success(request, _("Đã gửi báo cáo cho thường trực khối."))
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def member_reports(request, bloc_code, year, period_kind):
    """The secretariat's overview: every member's report, the due date and the reminder."""
    write = request.method == "POST"
    term, access = get_contributions_term_for_user(
        request, bloc_code, year, period_kind, write=write
    )
    due_form = ContributionsDueForm(request.POST if write else None)
    if write:
        action = request.POST.get("action", "")
        if action == "remind":
            try:
                done = contributions.remind_members(
                    term=term, period_kind=period_kind, by=request.user
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request,
                    _("Đã nhắc %(people)s người của %(agencies)s đơn vị chưa gửi báo cáo.")
                    % {"people": done.people, "agencies": done.agencies},
                )
            return redirect(contributions.member_reports_url(term, period_kind))
        if action == "due" and due_form.is_valid():
            due = due_form.cleaned_data["contributions_due"]
            contributions.set_contributions_due(
                term=term, period_kind=period_kind, due=due, by=request.user
            )
            messages.success(
                request,
                _("Đã đặt hạn gửi báo cáo: %(due)s.") % {"due": due.strftime("%d/%m/%Y")}
                if due
                else _("Đã bỏ hạn gửi báo cáo."),
            )
            return redirect(contributions.member_reports_url(term, period_kind))
        if action not in ("due", "remind"):
            messages.error(request, _("Thao tác không hợp lệ."))
            return redirect(contributions.member_reports_url(term, period_kind))
    data = contributions.overview(term, period_kind)
    if not write:
        due_form = ContributionsDueForm(initial={"contributions_due": data.due})
    return render(
        request,
        "reports/member_reports.html",
        {
            "term": term,
            "access": access,
            "section": "documents",
            "period_kind": period_kind,
            "period_label": MemberReport(period_kind=period_kind).get_period_kind_display(),
            "overview": data,
            "counts": data.counts,
            "due_form": due_form,
            "can_manage": access.can_manage,
            **contributions.quote_context(
                term, period_kind, can_quote=access.can_manage, next_url=request.get_full_path()
            ),
        },
        status=400 if write else 200,
    )


def _safe_next(request, fallback: str) -> str:
    url = request.POST.get("next", "")
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@login_required
@require_POST
def member_report_quote(request, bloc_code, year, period_kind, report_id):
    """Quote a member's sent report in a part of the bloc's review report."""
    term, _access = get_contributions_term_for_user(
        request, bloc_code, year, period_kind, write=True
    )
    fallback = contributions.member_reports_url(term, period_kind)
    member = (
        MemberReport.objects.select_related("agency")
        .filter(pk=report_id, term=term, period_kind=period_kind, submitted_at__isnull=False)
        .first()
    )
    if member is None:
        raise Http404(_("Không tìm thấy báo cáo đã gửi của đơn vị."))
    form = QuoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(_safe_next(request, fallback))
    section = form.cleaned_data["section"]
    try:
        contributions.quote_contribution(
            report=contributions.review_report_for_quoting(term, period_kind, by=request.user),
            section=section,
            member_report=member,
            by=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Đã trích báo cáo của %(agency)s vào mục “%(section)s”.")
            % {
                "agency": member.agency.name,
                "section": dict(contributions.section_choices())[section],
            },
        )
    return redirect(_safe_next(request, fallback))


@login_required
@require_GET
def member_report_file(request, bloc_code, year, period_kind, file_id):
    """A file of a member's report, under the name it was sent with."""
    attached, _access = get_member_report_file_for_user(
        request, bloc_code, year, period_kind, file_id
    )
    return FileResponse(
        attached.file.open("rb"),
        as_attachment=True,
        filename=attached.original_name,
        content_type=attached.content_type,
    )
