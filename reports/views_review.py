"""The secretariat's page for a bloc's half-year or year-end review report: the words of each
section (saved drafts with their history), a preview in the document's own layout, and issuing.

The page shows the text as saved and reads no figures: a section not written yet is drafted
from the figures when the secretariat saves (or asks for the draft), once, and kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.access import get_term_for_user, require
from blocs.history import field_changes
from campaigns.models import Period
from reports import contributions, review, services
from reports.access import check_period_kind, sees_every_contribution
from reports.forms_review import ReviewReportForm
from reports.models import Document, ReviewReport
from reports.views import _queue, _queue_and_tell


def _history(report: ReviewReport) -> list[dict]:
    if report.pk is None:
        return []
    labels = {name: ReviewReport._meta.get_field(name).verbose_name for name in report.SECTIONS}
    labels["contributions_due"] = ReviewReport._meta.get_field("contributions_due").verbose_name
    fields = {name: (lambda v: truncatechars(v or "", 160)) for name in report.SECTIONS}
    fields["contributions_due"] = lambda v: v.strftime("%d/%m/%Y") if v else ""
    rows = (
        ReviewReport.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = [
        {
            "at": row.history_date,
            "by": row.history_user,
            "source": row.history_source,
            "what": labels[name],
            "old": old,
            "new": new,
        }
        for row, name, old, new in field_changes(rows, fields)
        if new or old
    ]
    changes.sort(key=lambda c: c["at"], reverse=True)
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def review_report(request, bloc_code, year, period_kind):
    """Write, preview and issue the review report; the board reads it as it stands."""
    term, access = get_term_for_user(request, bloc_code, year)
    period_kind = check_period_kind(period_kind)
    require(
        sees_every_contribution(access),
        _("Chỉ thường trực Khối và Ban Thi đua – Khen thưởng xem được bản thảo báo cáo."),
    )
    kind = review.KINDS[period_kind]
    if request.method == "POST":
        require(access.can_manage, _("Bạn chỉ được xem báo cáo này."))
        form = ReviewReportForm(request.POST)
        if form.is_valid():
            review.save_sections(
                term=term, period_kind=period_kind, data=form.sent_sections(), by=request.user
            )
            action = request.POST.get("action", "save")
            if action == "preview":
                requested = services.request_document(
                    term=term, kind=kind, by=request.user, params={"preview": True}
                )
                _queue(request, requested.document, _("Đã lưu và đang tạo bản xem trước."))
                return redirect(requested.document)
            if action == "issue":
                requested = services.request_document(term=term, kind=kind, by=request.user)
                _queue_and_tell(request, requested)
                return redirect(requested.document)
            if action == "draft":
                messages.success(request, _("Đã soạn các mục còn trống từ số liệu hiện tại."))
            else:
                messages.success(request, _("Đã lưu bản thảo báo cáo."))
            return redirect(
                "reports:review_report", bloc_code=bloc_code, year=year, period_kind=period_kind
            )
        messages.error(request, _("Chưa lưu được: hãy sửa các mục được đánh dấu bên dưới."))
        report = review.saved_report(term, period_kind)
    else:
        report = review.saved_report(term, period_kind)
        form = ReviewReportForm(initial=report.sections())
    labels = {name: ReviewReport._meta.get_field(name).verbose_name for name in report.SECTIONS}
    period = Period.objects.filter(term=term, kind=period_kind).first()
    documents = Document.objects.filter(term=term, kind=kind).select_related(
        "requested_by", "term__bloc"
    )
    context = contributions.quote_context(
        term, period_kind, can_quote=access.can_manage, next_url=request.path
    )
    return render(
        request,
        "reports/review_report.html",
        context
        | {
            "term": term,
            "access": access,
            "period_kind": period_kind,
            "period_label": Period.Kind(period_kind).label,
            "period": period,
            "report": report,
            "form": form,
            "can_edit": access.can_manage,
            "documents": documents,
            "changes": _history(report),
            "saved": report.pk is not None,
            "unwritten": [labels[name] for name in review.unwritten(report)],
        },
    )
