"""Membership of a year: add, remove, import from Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from blocs import imports, services
from blocs.access import get_term_for_user
from blocs.forms import (
    AddMemberForm,
    MemberImportForm,
    RemoveMemberForm,
)
from blocs.models import (
    Membership,
)
from blocs.services import member_count_warning
from blocs.views import XLSX, add_service_error, load_memberships, to_term

# A search shows this many agencies at most and says how many more match, so the page costs
# the same for a council of 50 agencies as for one of 10,000.
SEARCH_LIMIT = 20


def agency_search(request, form) -> dict:
    """The agencies the add-member form may take that match the words searched (``q``, sent with
    the search or kept in the add form), the first ``SEARCH_LIMIT`` in Vietnamese order."""
    typed = request.POST.get("q", request.GET.get("q", ""))
    # No control character reaches the database (PostgreSQL refuses a NUL in a string).
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in typed).split())[:100]
    matches = form.fields["agency"].queryset.matching(text)
    found = list(matches[: SEARCH_LIMIT + 1])
    total = len(found) if len(found) <= SEARCH_LIMIT else matches.count()
    return {
        "q": text,
        "found": found[:SEARCH_LIMIT],
        "found_total": total,
        "found_more": total - min(total, SEARCH_LIMIT),
        "chosen": form["agency"].value() if form.is_bound else None,
    }


@login_required
@require_GET
def member_agency_search(request, bloc_code, year):
    """The agencies found for the add-member search, the part of the page that htmx replaces as
    the secretariat types."""
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    form = AddMemberForm(term=term)
    return render(request, "blocs/_member_search_results.html", agency_search(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def member_manage(request, bloc_code, year):
    """The secretariat's member list: add an agency found by a search, or pick a member to
    leave the bloc."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    memberships = load_memberships(term)
    form = AddMemberForm(request.POST if request.method == "POST" else None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(
                term=term,
                agency=form.cleaned_data["agency"],
                joined_on=form.cleaned_data["joined_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã thêm %(agency)s vào khối năm %(year)s.")
                % {"agency": membership.agency, "year": term.year},
            )
            return redirect("blocs:member_manage", bloc_code=bloc_code, year=year)
    current = [m for m in memberships if m.left_on is None]
    return render(
        request,
        "blocs/member_manage.html",
        {
            "term": term,
            "access": access,
            "memberships": memberships,
            "form": form,
            "current_count": len(current),
            "warning": member_count_warning(len(current)),
            **agency_search(request, form),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, bloc_code, year, membership_id):
    """Record that one member leaves the bloc, with the date and the reason."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    membership = (
        Membership.objects.filter(term=term, pk=membership_id).select_related("agency").first()
    )
    if membership is None:
        raise Http404(_("Không tìm thấy thành viên này."))
    membership.term = term
    form = RemoveMemberForm(
        request.POST if request.method == "POST" else None, membership=membership
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi nhận %(agency)s rời khối từ ngày %(day)s.")
                % {
                    "agency": membership.agency,
                    "day": form.cleaned_data["left_on"].strftime("%d/%m/%Y"),
                },
            )
            return redirect("blocs:member_manage", bloc_code=bloc_code, year=year)
    return render(
        request,
        "blocs/member_remove.html",
        {"term": term, "access": access, "membership": membership, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request, bloc_code, year):
    """Upload the Excel list of members; nothing is imported unless every row is valid."""
    term, access = get_term_for_user(request, bloc_code, year, write="can_import_members")
    form = MemberImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        result = imports.read_member_file(form.cleaned_data["file"], term=term)
        if result.errors:
            errors = result.error_lines()
            form.add_error(
                "file",
                _(
                    "Tệp “%(name)s” có %(n)s lỗi; chưa nhập dòng nào. "
                    "Hãy sửa các dòng được liệt kê rồi tải tệp lên lại."
                )
                % {"name": form.cleaned_data["file"].name, "n": len(errors)},
            )
        else:
            try:
                created = services.import_members(term=term, rows=result.rows, by=request.user)
            except ValidationError as exc:
                errors = exc.messages
                form.add_error("file", _("Không nhập được tệp; chưa nhập dòng nào."))
            else:
                messages.success(
                    request,
                    _("Đã nhập %(n)s đơn vị vào khối năm %(year)s.")
                    % {"n": len(created), "year": term.year},
                )
                return to_term(term)
    return render(
        request,
        "blocs/member_import.html",
        {"term": term, "access": access, "form": form, "errors": errors},
    )


@login_required
@require_GET
def member_import_template(request, bloc_code, year):
    """The blank Excel template of the member list."""
    term, _access = get_term_for_user(request, bloc_code, year)
    response = HttpResponse(imports.build_template(year=term.year), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="mau-danh-sach-thanh-vien-{term.bloc.code}-{term.year}.xlsx"'
    )
    return response
