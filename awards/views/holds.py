"""The board's eligibility holds on agencies of its councils (Nghị định 152/2025/NĐ-CP, Điều 4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.access import get_hold_for_user
from awards.forms.holds import HoldForm
from awards.models import EligibilityHold
from awards.services import holds as hold_services
from blocs.access import get_board_councils_for_user
from blocs.history import field_changes
from blocs.views import add_service_error
from campaigns.services.points import history_value


@login_required
@require_http_methods(["GET", "POST"])
def holds(request):
    """The holds of the board's councils, in force (default) or all, and a form for a new one."""
    councils = get_board_councils_for_user(request)
    form = HoldForm(request.POST if request.method == "POST" else None, councils=councils)
    if request.method == "POST":
        if form.is_valid():
            try:
                hold = hold_services.record_hold(
                    **form.cleaned_data, by=request.user, councils=councils
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi tạm dừng xét khen thưởng đối với %(agency)s.")
                    % {"agency": hold.agency.name},
                )
                return redirect("awards:holds")
    show_all = request.GET.get("show") == "all"
    today = timezone.localdate()
    rows = EligibilityHold.objects.filter(agency__council__in=[c.pk for c in councils])
    if not show_all:
        # In force today or starting later: those the board still has to watch.
        rows = rows.exclude(until__lt=today)
    rows = rows.select_related("agency", "recorded_by").order_by(
        "agency__sort_key", "-starts_on", "id"
    )
    return render(
        request,
        "awards/holds_list.html",
        {
            "councils": councils,
            "holds": rows,
            "show_all": show_all,
            "today": today,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hold_edit(request, hold_id):
    """Change a hold or end it (a day in "until"); its history is shown under the form."""
    hold = get_hold_for_user(request, hold_id)
    councils = get_board_councils_for_user(request)
    initial = {name: getattr(hold, name) for name in hold_services.HOLD_FIELDS}
    form = HoldForm(
        request.POST if request.method == "POST" else None, councils=councils, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                hold_services.update_hold(
                    hold=hold, by=request.user, councils=councils, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu tạm dừng xét khen thưởng."))
                return redirect("awards:hold_edit", hold.pk)
    return render(
        request,
        "awards/hold_edit.html",
        {"hold": hold, "form": form, "changes": hold_history(hold)},
        status=400 if request.method == "POST" else 200,
    )


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def hold_history(hold) -> list[dict]:
    """Every change of one hold, newest first (one query)."""
    reasons = dict(EligibilityHold.Reason.choices)
    fields = {
        "reason": lambda v: str(reasons.get(v, v)),
        "details": history_value,
        "starts_on": _day,
        "until": _day,
        "legal_note": history_value,
    }
    labels = {
        "reason": _("Lý do"),
        "details": _("Nội dung"),
        "starts_on": _("Từ ngày"),
        "until": _("Đến ngày"),
        "legal_note": _("Căn cứ"),
    }
    rows = (
        EligibilityHold.history.filter(id=hold.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = [
        {
            "at": row.history_date,
            "by": row.history_user,
            "source": row.history_source,
            "what": labels[field],
            "old": old,
            "new": new,
        }
        for row, field, old, new in field_changes(rows, fields)
        if new or old
    ]
    changes.sort(key=lambda c: c["at"], reverse=True)
    return changes
