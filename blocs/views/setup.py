"""Setting a bloc up without the admin: the board creates the bloc, then opens its first year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.access import board_councils, get_bloc_for_user, get_board_councils_for_user, require
from blocs.forms_setup import BlocCreateForm, FirstYearForm
from blocs.models import Agency, BlocTerm
from blocs.services import member_count_warning
from blocs.services import setup as setup_services
from blocs.views import add_service_error


def _setup_councils(request):
    """The councils whose blocs the user may set up; 404 for anyone outside every board."""
    return get_board_councils_for_user(request)


@login_required
@require_http_methods(["GET", "POST"])
def bloc_create(request):
    """A new bloc of the officer's council: name, code, decision, members in rotation order."""
    councils = _setup_councils(request)
    agencies = (
        Agency.objects.active()
        .filter(council__in=councils)
        .select_related("council")
        .vietnamese_order()
    )
    form = BlocCreateForm(
        request.POST if request.method == "POST" else None,
        councils=councils,
        agencies=agencies,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bloc = setup_services.create_bloc(
                council=data["council"],
                code=data["code"],
                name=data["name"],
                established_by=data["established_by"],
                doc_abbreviation=data["doc_abbreviation"],
                document_profile=data["document_profile"],
                members=form.members,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo %(bloc)s với %(n)s đơn vị. Bước tiếp theo: mở năm thi đua đầu tiên.")
                % {"bloc": bloc.name, "n": len(form.members)},
            )
            warning = member_count_warning(len(form.members))
            if warning:
                messages.warning(request, warning)
            return redirect("blocs:bloc_first_year", bloc_code=bloc.code)
    return render(
        request,
        "blocs/bloc_create.html",
        {"form": form, "councils": councils, "several_councils": len(councils) > 1},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bloc_first_year(request, bloc_code):
    """Open a new bloc's first year: every agency of its rotation, the lead from the rotation."""
    bloc = get_bloc_for_user(request, bloc_code)
    require(
        board_councils(request.user).filter(pk=bloc.council_id).exists(),
        _("Chỉ Ban Thi đua – Khen thưởng được mở năm đầu tiên của khối."),
    )
    latest = BlocTerm.objects.filter(bloc=bloc).order_by("-year").first()
    if latest is not None:
        messages.info(
            request,
            _("Khối đã có năm thi đua %(year)s; các năm sau được mở từ trang của năm gần nhất.")
            % {"year": latest.year},
        )
        return redirect("blocs:term_detail", bloc_code=bloc.code, year=latest.year)
    members, leader, deputy = setup_services.first_year_proposal(bloc=bloc)
    form = FirstYearForm(
        request.POST if request.method == "POST" else None,
        members=members,
        leader=leader,
        deputy=deputy,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = setup_services.open_first_term(
                bloc=bloc,
                year=data["year"],
                leader=data["leader"],
                deputy=data["deputy"],
                status=data["status"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã mở năm thi đua %(year)s. Khối trưởng: %(leader)s, khối phó: %(deputy)s.")
                % {"year": term.year, "leader": data["leader"], "deputy": data["deputy"]},
            )
            return redirect("blocs:term_detail", bloc_code=bloc.code, year=term.year)
    return render(
        request,
        "blocs/bloc_create_first_year.html",
        {
            "bloc": bloc,
            "form": form,
            "members": members,
            "proposed_leader": leader,
            "proposed_deputy": deputy,
            "warning": member_count_warning(len(members)),
        },
        status=400 if request.method == "POST" else 200,
    )
