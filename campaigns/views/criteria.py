"""Views of criteria tables and their versions: load with access → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from blocs.views import add_service_error
from campaigns import criteria_import
from campaigns.access import get_table_for_term
from campaigns.forms.scoring import (
    CriteriaImportForm,
    CriterionForm,
    NewVersionForm,
    TableSettingsForm,
)
from campaigns.models import CriteriaTable, Criterion
from campaigns.scoring import CriteriaTree
from campaigns.services import criteria as services
from campaigns.views import messages_of, xlsx_response


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
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("campaigns:criteria_list", bloc_code, year)
    return redirect("campaigns:criteria_detail", bloc_code, year, table.version)


def _table_context(request, term, access, table, **extra):
    criteria = {c.pk: c for c in table.criteria.all()}
    tree = CriteriaTree.for_table(table, criteria.values())
    editable = access.can_manage and not table.is_frozen
    versions = list(
        CriteriaTable.objects.filter(term=term).select_related("adopted_by").order_by("-version")
    )
    context = {
        "term": term,
        "access": access,
        "section": "criteria",
        "table": table,
        "rows": [
            (criteria[n.id], n.depth, tree.group_max.get(n.id), n.id in tree.penalty_groups)
            for n in tree.nodes
        ],
        "versions": versions,
        "editable": editable,
        "problems": services.adoption_problems(table, criteria.values()) if editable else [],
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
            services.update_table_settings(table=table, by=request.user, **form.cleaned_data)
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
            services.save_criterion(
                table=table, criterion=criterion, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
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
        services.delete_criterion(criterion=criterion, by=request.user)
    except ValidationError as exc:
        for m in messages_of(exc):
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
        for m in messages_of(exc):
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
    return xlsx_response(
        criteria_import.export_table(table),
        f"tieu-chi-{term.bloc.code}-{term.year}-v{table.version}.xlsx",
    )


@login_required
@require_GET
def criteria_template(request, bloc_code, year):
    get_term_for_user(request, bloc_code, year)
    return xlsx_response(criteria_import.template(), "mau-bang-tieu-chi.xlsx")


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
            import_errors = messages_of(exc)
        else:
            messages.success(request, _("Đã nhập %(n)s dòng tiêu chí.") % {"n": count})
            return redirect("campaigns:criteria_detail", bloc_code, year, version)
    return render(
        request,
        "campaigns/criteria_detail.html",
        _table_context(request, term, access, table, import_form=form, import_errors=import_errors),
        status=400,
    )
