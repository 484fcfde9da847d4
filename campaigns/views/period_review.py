"""The review of a period: its overview, the cross-check assignment, agreeing and reopening."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.access import require
from blocs.views import add_service_error
from campaigns import selectors
from campaigns.access import (
    get_period_for_user,
    sees_card,
    sees_every_scorecard,
)
from campaigns.forms.review import (
    AgreeConfirmForm,
    CrossCheckForm,
    PeriodReopenForm,
)
from campaigns.models import (
    CrossCheck,
    Period,
    Scorecard,
    format_deadline,
)
from campaigns.services import agreement
from campaigns.services import review as services

# --- Period overview and cross-checks ----------------------------------------------------------


@login_required
@require_GET
def review_home(request, bloc_code, year, kind):
    """A period's cross-checks, the scorecards the reader may open and the agreement."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    return _review_home_page(request, term, access, period)


def _review_home_page(request, term, access, period, *, form=None, reopen_form=None, status=200):
    """The review home; ``form`` is a bound assignment form and ``reopen_form`` a bound form
    to reopen the period, shown again with their errors."""
    members = [m.agency for m in services.current_members(term)]
    checks = list(
        CrossCheck.objects.filter(period=period)
        .select_related("reviewer", "reviewed")
        .order_by("reviewed__sort_key", "reviewed_id")
    )
    if form is None and access.can_manage and period.status != Period.Status.AGREED:
        form = CrossCheckForm(
            members=members, current={c.reviewed_id: c.reviewer_id for c in checks}
        )
    cards = list(period.scorecards.select_related("agency").order_by("agency__sort_key", "id"))
    mine = {c.reviewed_id for c in checks if c.reviewer_id in access.current_agency_ids}
    visible = [
        c
        for c in cards
        if sees_card(access, agency_id=c.agency_id, status=c.status, assigned=c.agency_id in mine)
    ]
    agreed = period.status == Period.Status.AGREED
    adjusted = agreed and agreement.board_adjusted_lines(period).exists()
    can_reopen = agreed and access.can_manage and not adjusted
    return render(
        request,
        "campaigns/review_home.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "checks": checks,
            "form": form,
            "cards": visible,
            "mine": mine,
            "can_agree": access.can_manage and not agreed,
            "can_grid": sees_every_scorecard(access),
            "reopen_form": reopen_form
            if reopen_form is not None
            else (PeriodReopenForm() if can_reopen else None),
            "reopen_refused": agreed and access.can_manage and adjusted,
            "reopened": _last_reopening(period) if not agreed else None,
            "section": "ranking",
        },
        status=status,
    )


def _last_reopening(period):
    """The history row of the period's last reopening (its reason is the change reason)."""
    return (
        period.history.filter(status=Period.Status.REVIEWING, history_change_reason__gt="")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )


@login_required
@require_POST
def crosscheck_assign(request, bloc_code, year, kind):
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được phân công chấm chéo."))
    members = [m.agency for m in services.current_members(term)]
    current = dict(
        CrossCheck.objects.filter(period=period).values_list("reviewed_id", "reviewer_id")
    )
    form = CrossCheckForm(request.POST, members=members, current=current)
    if form.is_valid():
        try:
            services.assign_cross_checks(period=period, pairs=form.pairs(), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu phân công chấm chéo."))
            return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)
    else:
        form.add_error(None, _("Dữ liệu phân công không hợp lệ."))
    # Shown again with what was chosen, so that one refused pair does not cost the others.
    return _review_home_page(request, term, access, period, form=form, status=400)


@login_required
@require_POST
def crosscheck_auto(request, bloc_code, year, kind):
    """Apply the balanced rotation: each member reviews the next one in name order."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được phân công chấm chéo."))
    try:
        services.assign_cross_checks(
            period=period, pairs=services.proposed_rotation(period), by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Đã phân công chấm chéo luân phiên, không có cặp chấm lẫn nhau.")
        )
    return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)


@login_required
@require_POST
def period_agree(request, bloc_code, year, kind):
    """Agree the period, in two steps: first a page listing who has not submitted and which
    deadlines are still open; only its confirmed second POST (``confirm=1``) locks the period."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được chốt điểm thống nhất."))
    if period.status == Period.Status.AGREED:
        messages.info(request, _("Kỳ chấm điểm đã được thống nhất trước đó."))
        return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)
    second_step = "step" in request.POST
    form = AgreeConfirmForm(request.POST if second_step else None)
    if second_step and form.is_valid():
        try:
            agreement.agree_period(period=period, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã thống nhất điểm; các đơn vị không thể sửa điểm nữa."))
            return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)
    return _agree_confirm_page(
        request, term, access, period, form, status=400 if second_step else 200
    )


def _agree_confirm_page(request, term, access, period, form, *, status):
    """Who has not submitted, which deadlines are still open, and the confirmation."""
    now = timezone.now()
    pending = selectors.pending_members(period)
    granted = {}
    for extension in period.extensions.select_related("agency").order_by(
        "agency__sort_key", "agency_id"
    ):
        granted.setdefault(extension.agency, []).append(extension)
    deadlines = []
    if period.self_deadline > now:
        deadlines.append(
            {"label": _("Hạn tự chấm chung"), "until": format_deadline(period.self_deadline)}
        )
    for agency, extensions in granted.items():
        until = period.deadline_for(extensions)
        if until > now and until > period.self_deadline:
            deadlines.append(
                {
                    "label": _("Gia hạn tự chấm cho %(agency)s") % {"agency": agency.name},
                    "until": format_deadline(until),
                }
            )
    if period.review_deadline > now:
        deadlines.append(
            {"label": _("Hạn chấm chéo"), "until": format_deadline(period.review_deadline)}
        )
    return render(
        request,
        "campaigns/period_agree_confirm.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "form": form,
            "pending": [
                {
                    "agency": p.agency,
                    "has_card": p.card_id is not None,
                    "deadline": format_deadline(p.deadline),
                    "open": p.is_open(now),
                }
                for p in pending
            ],
            "deadlines": deadlines,
            "submitted": period.scorecards.exclude(status=Scorecard.Status.DRAFT).count(),
            "refusal": agreement.lock_refusal(pending, now),
            "section": "ranking",
        },
        status=status,
    )


@login_required
@require_POST
def period_reopen(request, bloc_code, year, kind):
    """Give an agreed period back to the review, with a reason kept in its history."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    require(access.can_manage, _("Chỉ thư ký khối được mở lại kỳ đã thống nhất."))
    form = PeriodReopenForm(request.POST)
    if form.is_valid():
        try:
            agreement.reopen_period(
                period=period, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Đã mở lại kỳ chấm điểm; các đơn vị và thư ký khối có thể sửa điểm.")
            )
            return redirect("campaigns:review_home", bloc_code=bloc_code, year=year, kind=kind)
    period.refresh_from_db()
    return _review_home_page(request, term, access, period, reopen_form=form, status=400)
