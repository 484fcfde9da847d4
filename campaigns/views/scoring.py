"""Views of criteria tables, periods, scorecards and evidence: load with access → form → service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from blocs.models import Agency, Membership
from campaigns import criteria_import
from campaigns import evidence as evidence_checks
from campaigns.access import (
    can_edit_scorecard,
    can_reopen_scorecard,
    can_submit_scorecard,
    get_evidence_for_user,
    get_period_for_term,
    get_scorecard_for_user,
    get_table_for_term,
)
from campaigns.forms.scoring import (
    CriteriaImportForm,
    CriterionForm,
    ExtensionForm,
    NewVersionForm,
    PeriodForm,
    ReopenForm,
    SelfScoreForm,
    TableSettingsForm,
)
from campaigns.models import (
    CriteriaTable,
    Criterion,
    CrossCheck,
    DeadlineExtension,
    Evidence,
    Period,
    Scorecard,
    ScoreLineChange,
    format_deadline,
    rules_for,
)
from campaigns.services import scoring as services


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=criteria_import.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Criteria tables ---------------------------------------------------------------------------


@login_required
@require_GET
def criteria_list(request, bloc_code, year):
    """The term's criteria table in force (or the draft), and its versions."""
    term, access = get_term_for_user(request, bloc_code, year)
    tables = list(CriteriaTable.objects.filter(term=term).select_related("adopted_by"))
    shown = next((t for t in tables if t.status == CriteriaTable.Status.ADOPTED), None)
    if shown is None and tables:
        shown = tables[0]
    if shown is not None:
        return redirect("campaigns:criteria_detail", bloc_code, year, shown.version)
    return render(
        request,
        "campaigns/criteria_list.html",
        {
            "term": term,
            "access": access,
            "section": "criteria",
            "previous": services.previous_year_table(term) if access.can_manage else None,
        },
    )


@login_required
@require_POST
def criteria_create(request, bloc_code, year):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    try:
        if request.POST.get("source") == "copy":
            table = services.copy_last_year_table(term=term, by=request.user)
            messages.success(request, _("Đã sao chép bảng tiêu chí của năm trước thành dự thảo."))
        else:
            table = services.create_criteria_table(term=term, by=request.user)
            messages.success(request, _("Đã tạo bảng tiêu chí dự thảo mới."))
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
        return redirect("campaigns:criteria_list", bloc_code, year)
    return redirect("campaigns:criteria_detail", bloc_code, year, table.version)


def _table_context(request, term, access, table, **extra):
    criteria = list(table.criteria.all())
    rows = services.tree_order(criteria)
    specs = services.specs_of(criteria)
    maxima = services.group_maxima(specs)
    negatives = services.penalty_groups(specs)
    editable = access.can_manage and not table.is_frozen
    versions = list(
        CriteriaTable.objects.filter(term=term).select_related("adopted_by").order_by("-version")
    )
    context = {
        "term": term,
        "access": access,
        "section": "criteria",
        "table": table,
        "rows": [(c, depth, maxima.get(c.pk), c.pk in negatives) for c, depth in rows],
        "versions": versions,
        "editable": editable,
        "problems": services.adoption_problems(table, criteria) if editable else [],
        "settings_form": TableSettingsForm(instance=table) if editable else None,
        "criterion_form": CriterionForm(table=table) if editable else None,
        "import_form": CriteriaImportForm() if editable else None,
        "version_form": NewVersionForm()
        if access.can_manage and table.status == CriteriaTable.Status.ADOPTED
        else None,
        "has_draft": any(t.status == CriteriaTable.Status.DRAFT for t in versions),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def criteria_detail(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year)
    table = get_table_for_term(term, version)
    return render(
        request, "campaigns/criteria_detail.html", _table_context(request, term, access, table)
    )


@login_required
@require_POST
def criteria_settings(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    require(not table.is_frozen, _("Bảng đã thông qua không được sửa; hãy tạo phiên bản mới."))
    form = TableSettingsForm(request.POST, instance=CriteriaTable.objects.get(pk=table.pk))
    if form.is_valid():
        try:
            services.update_table_settings(table=table, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thông tin bảng tiêu chí."))
            return redirect("campaigns:criteria_detail", bloc_code, year, version)
    return render(
        request,
        "campaigns/criteria_detail.html",
        _table_context(request, term, access, table, settings_form=form),
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, bloc_code, year, version):
    return _criterion_form(request, bloc_code, year, version, None)


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, bloc_code, year, version, criterion_id):
    return _criterion_form(request, bloc_code, year, version, criterion_id)


def _criterion_form(request, bloc_code, year, version, criterion_id):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    require(not table.is_frozen, _("Bảng đã thông qua không được sửa; hãy tạo phiên bản mới."))
    criterion = None
    if criterion_id is not None:
        criterion = Criterion.objects.filter(table=table, pk=criterion_id).first()
        if criterion is None:
            raise Http404(_("Không tìm thấy tiêu chí."))
    initial = {}
    if criterion is not None:
        initial = {
            "parent": criterion.parent_id,
            "code": criterion.code,
            "title": criterion.title,
            "kind": criterion.kind,
            "max_points": criterion.max_points if criterion.is_leaf else None,
            "evidence_required": criterion.evidence_required,
            "guidance": criterion.guidance,
            "order": criterion.order,
        }
    form = CriterionForm(
        request.POST or None,
        table=table,
        exclude_id=criterion.pk if criterion else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(table=table, criterion=criterion, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu tiêu chí."))
            return redirect("campaigns:criteria_detail", bloc_code, year, version)
    return render(
        request,
        "campaigns/criteria_row_form.html",
        {
            "term": term,
            "access": access,
            "section": "criteria",
            "table": table,
            "criterion": criterion,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def criterion_delete(request, bloc_code, year, version, criterion_id):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    require(not table.is_frozen, _("Bảng đã thông qua không được sửa; hãy tạo phiên bản mới."))
    criterion = Criterion.objects.filter(table=table, pk=criterion_id).first()
    if criterion is None:
        raise Http404(_("Không tìm thấy tiêu chí."))
    try:
        services.delete_criterion(criterion=criterion)
    except ValidationError as exc:
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã xóa tiêu chí %(code)s.") % {"code": criterion.code})
    return redirect("campaigns:criteria_detail", bloc_code, year, version)


@login_required
@require_POST
def criteria_adopt(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    try:
        services.adopt_criteria_table(table=table, by=request.user)
    except ValidationError as exc:
        messages.error(request, _("Chưa thể thông qua bảng tiêu chí:"))
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(
            request,
            _("Đã thông qua bảng tiêu chí phiên bản %(v)s.") % {"v": table.version},
        )
    return redirect("campaigns:criteria_detail", bloc_code, year, version)


@login_required
@require_POST
def criteria_revise(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    form = NewVersionForm(request.POST)
    draft = None
    if form.is_valid():
        try:
            draft = services.start_new_version(
                table=table, by=request.user, change_note=form.cleaned_data["change_note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    else:
        form.add_error(None, _("Phải ghi nội dung thay đổi để tạo phiên bản mới."))
    if draft is None:
        # Shown again with the change note as typed.
        for m in form.non_field_errors():
            messages.error(request, m)
        return render(
            request,
            "campaigns/criteria_detail.html",
            _table_context(request, term, access, table, version_form=form, has_draft=False),
            status=400,
        )
    messages.success(
        request,
        _(
            "Đã tạo dự thảo phiên bản %(v)s; phiên bản đang có hiệu lực vẫn áp dụng đến khi thông qua."
        )
        % {"v": draft.version},
    )
    return redirect("campaigns:criteria_detail", bloc_code, year, draft.version)


@login_required
@require_GET
def criteria_export(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year)
    table = get_table_for_term(term, version)
    return _xlsx(
        criteria_import.export_table(table),
        f"tieu-chi-{term.bloc.code}-{term.year}-v{table.version}.xlsx",
    )


@login_required
@require_GET
def criteria_template(request, bloc_code, year):
    get_term_for_user(request, bloc_code, year)
    return _xlsx(criteria_import.template(), "mau-bang-tieu-chi.xlsx")


@login_required
@require_POST
def criteria_import_view(request, bloc_code, year, version):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    table = get_table_for_term(term, version)
    require(not table.is_frozen, _("Bảng đã thông qua không được sửa; hãy tạo phiên bản mới."))
    form = CriteriaImportForm(request.POST, request.FILES)
    import_errors = []
    if form.is_valid():
        try:
            count = criteria_import.import_table(
                table=table, data=form.cleaned_data["file"].read(), by=request.user
            )
        except ValidationError as exc:
            import_errors = _messages_of(exc)
        else:
            messages.success(request, _("Đã nhập %(n)s dòng tiêu chí.") % {"n": count})
            return redirect("campaigns:criteria_detail", bloc_code, year, version)
    return render(
        request,
        "campaigns/criteria_detail.html",
        _table_context(request, term, access, table, import_form=form, import_errors=import_errors),
        status=400,
    )


# Periods -------------------------------------------------------------------------------------


@login_required
@require_GET
def period_list(request, bloc_code, year):
    """Both periods of the term: deadlines, extensions and the state of every scorecard."""
    term, access = get_term_for_user(request, bloc_code, year)
    return _period_list_page(request, term, access)


def _period_list_page(request, term, access, *, bound_form=None, status=200):
    """The periods page; ``bound_form`` is an extension form to show again with its errors."""
    periods = {p.kind: p for p in Period.objects.filter(term=term)}
    members = list(
        Membership.objects.filter(term=term).select_related("agency").order_by("agency__sort_key")
    )
    cards = {
        (c.period_id, c.agency_id): c
        for c in Scorecard.objects.filter(period__term=term).select_related("table")
    }
    extensions = list(
        DeadlineExtension.objects.filter(period__term=term).select_related("agency", "granted_by")
    )
    privileged = access.is_admin or access.is_board or access.is_secretariat or access.is_deputy
    reviewed = set(
        CrossCheck.objects.filter(
            period__term=term, reviewer_id__in=access.current_agency_ids
        ).values_list("period_id", "reviewed_id")
    )
    now = timezone.now()
    # The reviewer sees a card once it is submitted, as ``can_see_scorecard`` decides.
    visible_cards = [
        c
        for c in cards.values()
        if privileged
        or c.agency_id in access.member_agency_ids
        or ((c.period_id, c.agency_id) in reviewed and c.status != Scorecard.Status.DRAFT)
    ]
    totals = services.self_totals_for(visible_cards)
    sections = []
    for kind, label in Period.Kind.choices:
        period = periods.get(kind)
        rows = []
        if period is not None:
            for m in members:
                own = [
                    e for e in extensions if e.period_id == period.pk and e.agency_id == m.agency_id
                ]
                deadline = period.deadline_for(own)
                card = cards.get((period.pk, m.agency_id))
                visible = (
                    privileged
                    or m.agency_id in access.member_agency_ids
                    or (
                        (period.pk, m.agency_id) in reviewed
                        and card is not None
                        and card.status != Scorecard.Status.DRAFT
                    )
                )
                rows.append(
                    {
                        "membership": m,
                        "card": card,
                        "visible": visible,
                        "deadline": format_deadline(deadline) if own else "",
                        "late": card is None or card.status == Scorecard.Status.DRAFT
                        if now > deadline
                        else False,
                        "can_open": card is None and access.can_draft_for(m.agency_id),
                        "totals": totals.get(card.pk) if card and visible else None,
                    }
                )
        sections.append(
            {
                "kind": kind,
                "label": label,
                "period": period,
                "rows": rows,
                "extensions": [e for e in extensions if period and e.period_id == period.pk],
                "extension_form": (
                    bound_form
                    if bound_form is not None and bound_form.prefix == kind
                    else ExtensionForm(term=term, prefix=kind)
                )
                if period and access.can_manage
                else None,
            }
        )
    return render(
        request,
        "campaigns/period_list.html",
        {
            "term": term,
            "access": access,
            "section": "scoring",
            "sections": sections,
            "has_table": services.current_table(term) is not None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def period_edit(request, bloc_code, year, kind):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    if kind not in Period.Kind.values:
        raise Http404(_("Không tìm thấy kỳ chấm điểm này."))
    period = Period.objects.filter(term=term, kind=kind).first()
    initial = {}
    if period is not None:
        initial = {
            "self_deadline": timezone.localtime(period.self_deadline),
            "review_deadline": timezone.localtime(period.review_deadline),
        }
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_period(term=term, kind=kind, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu thời hạn của kỳ chấm điểm."))
            return redirect("campaigns:period_list", bloc_code, year)
    return render(
        request,
        "campaigns/period_form.html",
        {
            "term": term,
            "access": access,
            "section": "scoring",
            "kind_label": Period.Kind(kind).label,
            "period": period,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def period_extend(request, bloc_code, year, kind):
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    period = get_period_for_term(term, kind)
    form = ExtensionForm(request.POST, term=term, prefix=kind)
    if form.is_valid():
        try:
            extension = services.extend_deadline(
                period=period, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã gia hạn tự chấm cho %(agency)s đến %(until)s.")
                % {"agency": extension.agency, "until": format_deadline(extension.until)},
            )
            return redirect("campaigns:period_list", bloc_code, year)
    # Shown again with what was typed; the errors are also listed at the top of the page,
    # as the form sits in a folded section.
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return _period_list_page(request, term, access, bound_form=form, status=400)


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
        for m in _messages_of(exc):
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


def _scorecard_page(request, card, access, *, form=None, evidence_errors=None, status=200):
    values = None
    if form is not None:
        values = {}
        for cid, (raw, _note) in form.typed.items():
            try:
                values[cid] = services.parse_points(raw)
            except ValueError:
                values[cid] = None
    rows, totals = services.scorecard_rows(card, values=values)
    evidence_errors = evidence_errors or {}
    for row in rows:
        if form is not None and row.criterion.pk in form.typed:
            row.typed_points, row.typed_note = form.typed[row.criterion.pk]
        else:
            row.typed_points = services.points_label(row.line.self_points) if row.line else ""
            row.typed_note = row.line.self_note if row.line else ""
        row.error = (form.errors.get(row.criterion.pk) if form else "") or ""
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
            "reopen_form": ReopenForm() if can_reopen_scorecard(access, card) else None,
            "events": card.events.select_related("by"),
            "step": services.points_label(step),
            "step_raw": step,
            "has_errors": bool(form and form.errors) or bool(evidence_errors),
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
    leaves = [c for c in card.table.criteria.all() if c.is_leaf]
    form = SelfScoreForm(request.POST, request.FILES, leaves=leaves)
    valid = form.is_valid()
    evidence = {e.pk: e for e in Evidence.objects.filter(scorecard=card)}
    evidence_errors = {}
    uploads = form.uploads()
    replacements = [
        (evidence[pk], upload)
        for pk, upload in form.replacements([pk for pk, e in evidence.items() if e.is_current])
    ]
    for criterion, upload in uploads:
        try:
            evidence_checks.check_upload(upload)
        except ValidationError as exc:
            evidence_errors[criterion.pk] = " ".join(exc.messages)
    for old, upload in replacements:
        try:
            evidence_checks.check_upload(upload)
        except ValidationError as exc:
            evidence_errors[old.criterion_id] = " ".join(exc.messages)
    if not valid or evidence_errors:
        messages.error(
            request,
            _("Chưa lưu: có dòng nhập chưa đúng, xem các ô được đánh dấu đỏ."),
        )
        return _scorecard_page(
            request, card, access, form=form, evidence_errors=evidence_errors, status=400
        )
    criteria = {c.pk: c for c in leaves}
    with transaction.atomic():
        changed = services.save_self_scores(scorecard=card, by=request.user, entries=form.entries)
        for pk in form.withdrawals():
            if pk in evidence and evidence[pk].is_current:
                services.withdraw_evidence(evidence=evidence[pk], by=request.user)
        for old, upload in replacements:
            services.attach_evidence(
                scorecard=card,
                criterion=criteria[old.criterion_id],
                uploaded=upload,
                by=request.user,
                replaces=old,
            )
        for criterion, upload in uploads:
            services.attach_evidence(
                scorecard=card, criterion=criterion, uploaded=upload, by=request.user
            )
    files = len(uploads) + len(replacements)
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
        for m in _messages_of(exc):
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
        for m in _messages_of(exc):
            messages.error(request, m)
    else:
        messages.success(request, _("Đã mở lại phiếu cho đơn vị chỉnh sửa."))
    return redirect(scorecard_url(card))


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
    rows, totals = services.scorecard_rows(card)
    term = card.period.term
    return _xlsx(
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
