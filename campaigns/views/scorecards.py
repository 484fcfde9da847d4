"""Views of scorecards and evidence: load with access → form → service → redirect.

The periods page, a period's deadlines and its extensions are in ``views.periods``."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from blocs.models import Agency
from campaigns import card_totals, criteria_import
from campaigns.access import (
    can_edit_scorecard,
    can_reopen_scorecard,
    can_submit_scorecard,
    get_evidence_for_user,
    get_period_for_term,
    get_scorecard_for_user,
)
from campaigns.forms.scoring import (
    RecallForm,
    ReopenForm,
    SelfScoreForm,
)
from campaigns.models import (
    DeadlineExtension,
    Evidence,
    Period,
    Scorecard,
    ScoreLineChange,
    format_deadline,
    rules_for,
)
from campaigns.services import scorecards as services
from campaigns.services.points import parse_points, points_label
from campaigns.views import messages_of, xlsx_response


@login_required
@require_POST
def scorecard_open(request, bloc_code, year, kind, agency_id):
    """Start (or find) the agency's scorecard for the period."""
    term, access = get_term_for_user(request, bloc_code, year)
    period = get_period_for_term(term, kind)
    require(access.can_draft_for(agency_id), _("Bạn chỉ lập phiếu cho đơn vị của mình."))
    agency = Agency.objects.get(pk=agency_id)
    try:
        card = services.open_scorecard(period=period, agency=agency, by=request.user)
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("campaigns:period_list", bloc_code, year)
    return redirect(scorecard_url(card))


# Scorecards ----------------------------------------------------------------------------------


def scorecard_url(card: Scorecard) -> str:
    term = card.period.term
    return reverse(
        "campaigns:scorecard_detail",
        args=[term.bloc.code, term.year, card.period.kind, card.pk],
    )


def _load_card(request, bloc_code, year, kind, scorecard_id, write=False):
    card, access = get_scorecard_for_user(request, scorecard_id, write=write)
    term = card.period.term
    if term.bloc.code != bloc_code or term.year != year or card.period.kind != kind:
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    return card, access


def _scorecard_page(request, card, access, *, form=None, status=200):
    """The self-scoring page; ``form`` is a refused grid, shown again as it was typed."""
    values, typed = None, {}
    point_errors, evidence_errors = {}, {}
    if form is not None:
        typed, point_errors, evidence_errors = form.typed, form.point_errors, form.evidence_errors
        values = {}
        for cid, (raw, _note) in typed.items():
            if raw is None:
                continue
            try:
                values[cid] = parse_points(raw)
            except ValueError:
                values[cid] = None
    rows, totals = card_totals.scorecard_rows(card, values=values)
    for row in rows:
        # What was typed where the request carried it, else what is stored.
        raw, note = typed.get(row.criterion.pk, (None, None))
        if raw is None:
            raw = points_label(row.line.self_points) if row.line else ""
        if note is None:
            note = row.line.self_note if row.line else ""
        row.typed_points, row.typed_note = raw, note
        row.error = point_errors.get(row.criterion.pk, "")
        row.evidence_error = evidence_errors.get(row.criterion.pk, "")
    step = rules_for(card.period.term).score_step
    deadline = card.period.deadline_for(
        DeadlineExtension.objects.filter(period=card.period, agency=card.agency)
    )
    return render(
        request,
        "campaigns/scorecard_detail.html",
        {
            "term": card.period.term,
            "access": access,
            "section": "scoring",
            "card": card,
            "table": card.table,
            "rows": rows,
            "totals": totals,
            "deadline": format_deadline(deadline),
            "deadline_passed": timezone.now() > deadline,
            "extended": deadline != card.period.self_deadline,
            "editable": can_edit_scorecard(access, card),
            "can_submit": can_submit_scorecard(access, card),
            "can_reopen": can_reopen_scorecard(access, card),
            "can_recall": card.status == Scorecard.Status.SUBMITTED
            and card.period.status != Period.Status.AGREED
            and access.can_act_for(card.agency_id),
            "reopen_form": ReopenForm() if can_reopen_scorecard(access, card) else None,
            "events": card.events.select_related("by"),
            "step": points_label(step),
            "step_raw": step,
            "has_errors": bool(point_errors or evidence_errors),
            # The period was locked while this card was still a draft: it is out of the ranking
            # and has no buttons any more, and the page says why.
            "locked_unsubmitted": card.period.status == Period.Status.AGREED
            and card.status == Scorecard.Status.DRAFT,
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_detail(request, bloc_code, year, kind, scorecard_id):
    """The self-scoring page; POST saves the draft (and submits with ``action=submit``)."""
    if request.method == "GET":
        card, access = _load_card(request, bloc_code, year, kind, scorecard_id)
        return _scorecard_page(request, card, access)
    card, access = _load_card(request, bloc_code, year, kind, scorecard_id, write=True)
    submitting = request.POST.get("action") == "submit"
    if submitting:
        require(
            can_submit_scorecard(access, card),
            _("Chỉ thủ trưởng đơn vị được nộp phiếu chấm điểm."),
        )
    form = SelfScoreForm(
        request.POST,
        request.FILES,
        leaves=[c for c in card.table.criteria.all() if c.is_leaf],
        current_evidence=[e for e in Evidence.objects.filter(scorecard=card) if e.is_current],
        step=rules_for(card.period.term).score_step,
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Chưa lưu: có dòng nhập chưa đúng, xem các ô được đánh dấu đỏ."),
        )
        return _scorecard_page(request, card, access, form=form, status=400)
    try:
        changed, files = services.save_scorecard_draft(
            scorecard=card,
            by=request.user,
            entries=form.entries,
            uploads=form.uploads(),
            replacements=form.replacements(),
            withdrawals=form.withdrawals(),
        )
    except ValidationError as exc:
        # Refused by a rule checked under lock (the period was agreed, the card submitted or a
        # file replaced meanwhile) or by a line's points: nothing was kept, and the page shows
        # what was typed, each line's reason beside it.
        messages.error(request, _("Chưa lưu:"))
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        for m in messages_of(exc):
            messages.error(request, m)
        return _scorecard_page(request, card, access, form=form, status=400)
    if not submitting:
        messages.success(
            request,
            _("Đã lưu nháp: %(lines)s dòng thay đổi, %(files)s tệp minh chứng mới.")
            % {"lines": changed, "files": files},
        )
        return redirect(scorecard_url(card))
    try:
        services.submit_scorecard(scorecard=card, by=request.user)
    except ValidationError as exc:
        messages.warning(request, _("Đã lưu nháp nhưng chưa nộp được phiếu:"))
        for m in messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã nộp phiếu tự chấm điểm."))
    return redirect(scorecard_url(card))


@login_required
@require_POST
def scorecard_reopen(request, bloc_code, year, kind, scorecard_id):
    card, access = _load_card(request, bloc_code, year, kind, scorecard_id)
    require(access.can_manage, _("Chỉ thư ký khối được mở lại phiếu đã nộp."))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Phải ghi lý do mở lại phiếu."))
        return redirect(scorecard_url(card))
    try:
        services.reopen_scorecard(
            scorecard=card, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã mở lại phiếu cho đơn vị chỉnh sửa."))
    return redirect(scorecard_url(card))


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_recall(request, bloc_code, year, kind, scorecard_id):
    """The agency takes its own submitted card back, after a confirmation."""
    card, access = _load_card(request, bloc_code, year, kind, scorecard_id)
    require(
        access.can_act_for(card.agency_id),
        _("Chỉ thủ trưởng đơn vị (hoặc người được ủy quyền nộp phiếu) được rút lại phiếu."),
    )
    form = RecallForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_scorecard(scorecard=card, by=request.user)
        except ValidationError as exc:
            for m in messages_of(exc):
                form.add_error(None, m)
        else:
            messages.success(
                request, _("Đã rút lại phiếu; phiếu trở về bản nháp để sửa và nộp lại.")
            )
            return redirect(scorecard_url(card))
    deadline = card.period.deadline_for(
        DeadlineExtension.objects.filter(period=card.period, agency=card.agency)
    )
    refusal = services.recall_refusal(
        scorecard=card,
        now=timezone.now(),
        deadline=deadline,
        reviewed=card.lines.filter(review_points__isnull=False).exists(),
    )
    return render(
        request,
        "campaigns/scorecard_recall.html",
        {
            "term": card.period.term,
            "access": access,
            "section": "scoring",
            "card": card,
            "form": form,
            "refusal": refusal,
            "deadline": format_deadline(deadline),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def scorecard_history(request, bloc_code, year, kind, scorecard_id):
    card, access = _load_card(request, bloc_code, year, kind, scorecard_id)
    changes = (
        ScoreLineChange.objects.filter(line__scorecard=card)
        .select_related("line__criterion", "changed_by")
        .order_by("-changed_at", "-pk")
    )
    files = Evidence.objects.filter(scorecard=card).select_related(
        "criterion", "uploaded_by", "replaced_by"
    )
    return render(
        request,
        "campaigns/scorecard_history.html",
        {
            "term": card.period.term,
            "access": access,
            "section": "scoring",
            "card": card,
            "changes": changes,
            "files": files,
            "events": card.events.select_related("by"),
        },
    )


@login_required
@require_GET
def scorecard_export(request, bloc_code, year, kind, scorecard_id):
    card, _access = _load_card(request, bloc_code, year, kind, scorecard_id)
    rows, totals = card_totals.scorecard_rows(card)
    term = card.period.term
    return xlsx_response(
        criteria_import.export_scorecard(card, rows, totals),
        f"phieu-cham-{term.bloc.code}-{term.year}-{kind}-{card.agency.abbreviation.lower()}.xlsx",
    )


@login_required
@require_GET
def evidence_download(request, bloc_code, year, evidence_id):
    """Stream an evidence file to a reader of its scorecard; media is never served directly."""
    evidence, _access = get_evidence_for_user(request, evidence_id)
    term = evidence.scorecard.period.term
    if term.bloc.code != bloc_code or term.year != year:
        raise Http404(_("Không tìm thấy minh chứng."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp minh chứng không còn trên máy chủ.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
