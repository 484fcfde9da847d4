"""Pages of the review: cross-checks, agreement, and the layers of one scorecard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blocs.access import require
from blocs.views import add_service_error
from campaigns import layers, selectors
from campaigns.access import (
    LAYER_RIGHT_DENIED,
    can_see_scorecard,
    get_period_for_user,
    layer_rights,
    reviewer_agency_id,
    sees_card,
    sees_every_scorecard,
)
from campaigns.forms.review import (
    LAYER_FORMS,
    AgreeConfirmForm,
    CrossCheckForm,
    PeriodReopenForm,
    ReviewEntryForm,
)
from campaigns.models import (
    Criterion,
    CrossCheck,
    Evidence,
    Period,
    Scorecard,
    ScoreLine,
    ScoreLineChange,
    format_deadline,
)
from campaigns.scoring import CriteriaTree
from campaigns.services import agreement
from campaigns.services import review as services
from campaigns.services.points import points_label

# --- Loading with access -----------------------------------------------------------------------


def _get_scorecard(request, bloc_code, year, kind, agency_id):
    """A scorecard the reader may see (``campaigns.access.can_see_scorecard``), else 404."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    card = period.scorecards.select_related("agency", "table").filter(agency_id=agency_id).first()
    if card is None:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    card.period = period
    reviewer_id = reviewer_agency_id(access, period.pk, card.agency_id)
    if not can_see_scorecard(access, card, reviewer_id):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    return term, access, period, card, reviewer_id


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


# --- One scorecard, every layer side by side ---------------------------------------------------


def _scorecard_context(request, term, access, period, card, reviewer_id, bound=None):
    """Every row of the card with the reader's forms; ``bound`` maps (line id, layer) to a form
    refused by a save, shown again as it was typed."""
    bound = bound or {}
    lines = {
        ln.criterion_id: ln
        for ln in ScoreLine.objects.filter(scorecard=card).select_related("reviewer")
    }
    criteria = {c.pk: c for c in Criterion.objects.filter(table_id=card.table_id)}
    tree = CriteriaTree.for_table(card.table, criteria.values())
    changes = {}
    for change in (
        ScoreLineChange.objects.filter(line__scorecard=card)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    ):
        changes.setdefault(change.line_id, []).append(change)
    evidence = {}
    for item in Evidence.objects.filter(
        scorecard=card, replaced_by__isnull=True, withdrawn_at__isnull=True
    ).order_by("uploaded_at", "id"):
        evidence.setdefault(item.criterion_id, []).append(item)
    rights = layer_rights(access, period, card, reviewer_id)
    totals = tree.totals({cid: ln.value() for cid, ln in lines.items()})
    rows = []
    for node in tree.nodes:
        ln = lines.get(node.id)
        history = changes.get(ln.pk, []) if ln else []
        forms = {}
        if ln is not None:
            for layer, allowed in rights.items():
                if not allowed:
                    continue
                if (ln.pk, layer) in bound:
                    forms[layer] = bound[(ln.pk, layer)]
                elif layer == "review":
                    initial = _initial(layer, ln)
                    # As people write points: 15, not 15,00.
                    initial["points"] = points_label(initial["points"])
                    forms[layer] = ReviewEntryForm(prefix=f"l{ln.pk}", initial=initial)
                else:
                    forms[layer] = LAYER_FORMS[layer](
                        prefix=f"l{ln.pk}", initial=_initial(layer, ln)
                    )
        rows.append(
            {
                "criterion": criteria[node.id],
                "line": ln,
                "history": history,
                "authors": {change.layer: change for change in history},
                "evidence": evidence.get(node.id, []),
                "forms": forms,
                "differs": ln is not None and layers.differs(layers.of(ln)),
                "group_sum": totals.group_sums.get(node.id) if node.spec.is_group else None,
            }
        )
    queue = services.review_queue(period, access.current_agency_ids) if reviewer_id else []
    following = services.next_in_queue(queue, card.agency_id)
    return {
        "term": term,
        "access": access,
        "period": period,
        "card": card,
        "rows": rows,
        "rights": rights,
        "totals": totals,
        "layer_totals": selectors.layer_total_labels(tree, lines.values()),
        "reviewer_id": reviewer_id,
        "next_card": following,
        "review_form_id": ReviewEntryForm.FORM_ID,
        "section": "ranking",
    }


def _initial(layer, line):
    if layer == "review":
        value = line.review_points if line.review_points is not None else line.self_points
        return {"points": value, "note": line.review_note}
    if layer == "explanation":
        return {"text": line.explanation}
    if layer == "agreed":
        value = line.agreed_points
        if value is None:
            value = line.value(upto=layers.REVIEW)
        return {"points": value, "note": line.agreed_note}
    return {"points": line.final_points, "reason": line.board_reason}


@login_required
@require_GET
def review_scorecard(request, bloc_code, year, kind, agency_id):
    """Every layer of one agency's scorecard, line by line, with their authors and history."""
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    context = _scorecard_context(request, term, access, period, card, reviewer_id)
    return render(request, "campaigns/review_scorecard.html", context)


@login_required
@require_POST
def review_line(request, bloc_code, year, kind, agency_id, line_id, layer):
    """Write one layer of one line; errors re-render the page with what was typed."""
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    if layer not in LAYER_FORMS:
        raise Http404(_("Không có lớp điểm này."))
    line = (
        ScoreLine.objects.select_related("criterion", "scorecard__period__term")
        .filter(scorecard=card, pk=line_id)
        .first()
    )
    if line is None:
        raise Http404(_("Không tìm thấy dòng điểm."))
    rights = layer_rights(access, period, card, reviewer_id)
    require(rights[layer], LAYER_RIGHT_DENIED[layer])
    form = LAYER_FORMS[layer](request.POST, prefix=f"l{line.pk}")
    if form.is_valid():
        data = form.cleaned_data
        # A note the request did not carry keeps the stored one: a missing field never clears.
        if "note" in form.fields and form.add_prefix("note") not in request.POST:
            data["note"] = None
        try:
            if layer == "review":
                services.record_review(
                    line=line,
                    points=data["points"],
                    note=data["note"],
                    reviewer_id=reviewer_id,
                    by=request.user,
                )
            elif layer == "explanation":
                services.record_explanation(line=line, text=data["text"], by=request.user)
            elif layer == "agreed":
                services.record_agreed(
                    line=line, points=data["points"], note=data["note"], by=request.user
                )
            else:
                services.adjust_by_board(
                    line=line, points=data["points"], reason=data["reason"], by=request.user
                )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu %(layer)s cho tiêu chí %(code)s.")
                % {
                    "layer": layers.IN_SENTENCE[layer],
                    "code": line.criterion.code,
                },
            )
            url = reverse(
                "campaigns:review_scorecard",
                kwargs={"bloc_code": bloc_code, "year": year, "kind": kind, "agency_id": agency_id},
            )
            return redirect(f"{url}#line-{line.pk}")
    context = _scorecard_context(
        request, term, access, period, card, reviewer_id, bound={(line.pk, layer): form}
    )
    return render(request, "campaigns/review_scorecard.html", context, status=400)


@login_required
@require_POST
def review_save_all(request, bloc_code, year, kind, agency_id):
    """Save the reviewer's points and notes of the whole card at once, all or nothing.

    Only the lines the request carries are written, and among them only those that change;
    a refused line keeps every typed value on the page, its reason beside it.
    """
    term, access, period, card, reviewer_id = _get_scorecard(
        request, bloc_code, year, kind, agency_id
    )
    rights = layer_rights(access, period, card, reviewer_id)
    require(rights["review"], LAYER_RIGHT_DENIED["review"])
    forms, entries = {}, {}
    for line_id in ScoreLine.objects.filter(scorecard=card).values_list("pk", flat=True):
        form = ReviewEntryForm(request.POST, prefix=f"l{line_id}")
        if not form.sent(request.POST):
            continue
        forms[line_id] = form
        if form.is_valid():
            entries[line_id] = form.entry(request.POST)
    refused = any(form.errors for form in forms.values())
    if refused:
        # Name every line at fault at once, not only those the form could not read.
        _add_line_errors(forms, services.review_problems(scorecard=card, entries=entries))
    else:
        try:
            changed = services.record_reviews(
                scorecard=card, entries=entries, reviewer_id=reviewer_id, by=request.user
            )
        except ValidationError as exc:
            refused = True
            if hasattr(exc, "error_dict"):
                _add_line_errors(forms, exc.error_dict)
            else:
                for message in exc.messages:
                    messages.error(request, message)
        else:
            messages.success(
                request, _("Đã lưu chấm chéo: %(count)s dòng thay đổi.") % {"count": changed}
            )
            if "next" in request.POST:
                following = services.next_in_queue(
                    services.review_queue(period, [reviewer_id]), card.agency_id
                )
                if following is not None:
                    return redirect(
                        "campaigns:review_scorecard",
                        bloc_code=bloc_code,
                        year=year,
                        kind=kind,
                        agency_id=following["agency_id"],
                    )
                messages.info(request, _("Không còn phiếu nào chờ đơn vị bạn chấm chéo."))
                return redirect("campaigns:review_queue", bloc_code=bloc_code, year=year, kind=kind)
            return redirect(
                "campaigns:review_scorecard",
                bloc_code=bloc_code,
                year=year,
                kind=kind,
                agency_id=agency_id,
            )
    messages.error(request, _("Chưa lưu: có dòng chưa đúng, xem lý do ở từng dòng được đánh dấu."))
    context = _scorecard_context(
        request,
        term,
        access,
        period,
        card,
        reviewer_id,
        bound={(line_id, "review"): form for line_id, form in forms.items()},
    )
    return render(request, "campaigns/review_scorecard.html", context, status=400)


def _add_line_errors(forms, errors):
    """Put ``points-<line id>`` / ``note-<line id>`` errors on their line's form."""
    for key, error in errors.items():
        field, _sep, line_id = key.partition("-")
        form = forms.get(int(line_id)) if line_id.isdigit() else None
        if form is not None:
            form.add_error(field, error)


@login_required
@require_GET
def review_queue(request, bloc_code, year, kind):
    """The cards of the period waiting for the reader's agency to cross-check them."""
    term, access, period = get_period_for_user(request, bloc_code, year, kind)
    queue = services.review_queue(period, access.current_agency_ids)
    return render(
        request,
        "campaigns/review_queue.html",
        {
            "term": term,
            "access": access,
            "period": period,
            "waiting": [r for r in queue if r["waiting"]],
            "done": [r for r in queue if not r["waiting"]],
            "section": "ranking",
        },
    )
