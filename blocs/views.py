import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs import imports, services
from blocs.access import board_councils, get_bloc_for_user, get_term_for_user
from blocs.forms import (
    AddMemberForm,
    ElectionForm,
    LeadershipChangeForm,
    LeadershipForm,
    MemberImportForm,
    RemoveMemberForm,
    RotationForm,
)
from blocs.models import (
    Agency,
    AgencyRole,
    Bloc,
    BlocTerm,
    LeadershipChange,
    LeadershipElection,
    Membership,
)
from blocs.services import member_count_warning
from blocs.vnsort import vietnamese_sort_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bloc_order(bloc):
    """Blocs in Vietnamese alphabetical order (the database collation puts Đ after Z)."""
    return (vietnamese_sort_key(bloc.name), bloc.pk)


def _terms_with_lead(queryset):
    """Terms with their memberships loaded once, so leader/deputy cost no extra query."""
    return queryset.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("agency").order_by("agency__sort_key", "id"),
        )
    )


def dashboard_context(user) -> dict:
    """The user's roles and the latest year of each bloc they take part in (dashboard data)."""
    roles = AgencyRole.objects.filter(user=user).select_related("agency")
    terms = _terms_with_lead(
        BlocTerm.objects.visible_to(user)
        .select_related("bloc__council")
        .order_by("bloc__name", "bloc_id", "-year")
    )
    latest = {}
    for term in terms:
        latest.setdefault(term.bloc_id, term)
    return {
        "roles": roles,
        "terms": sorted(latest.values(), key=lambda t: _bloc_order(t.bloc)),
        "councils": board_councils(user),
    }


@login_required
@require_GET
def bloc_list(request):
    """The blocs the user may see, each with its latest term's leader and deputy."""
    blocs = sorted(Bloc.objects.visible_to(request.user).select_related("council"), key=_bloc_order)
    terms = _terms_with_lead(
        BlocTerm.objects.visible_to(request.user)
        .filter(bloc__in=[b.pk for b in blocs])
        .order_by("bloc_id", "-year")
    )
    latest = {}
    for term in terms:
        latest.setdefault(term.bloc_id, term)
    rows = [(bloc, latest.get(bloc.pk)) for bloc in blocs]
    return render(request, "blocs/bloc_list.html", {"rows": rows})


@login_required
@require_GET
def bloc_detail(request, bloc_code):
    """Send the user to the latest year of the bloc they may read."""
    bloc = get_bloc_for_user(request, bloc_code)
    term = BlocTerm.objects.visible_to(request.user).filter(bloc=bloc).order_by("-year").first()
    if term is None:
        raise Http404(_("Khối chưa có năm thi đua nào."))
    return redirect("blocs:term_detail", bloc_code=bloc.code, year=term.year)


@login_required
@require_GET
def term_detail(request, bloc_code, year):
    """One bloc in one year: members, leader, deputy and the history of the lead."""
    term, access = get_term_for_user(request, bloc_code, year)
    memberships = list(
        Membership.objects.filter(term=term)
        .select_related("agency")
        .prefetch_related(
            "agency__name_changes",
            Prefetch(
                "agency__roles",
                queryset=AgencyRole.objects.select_related("user")
                .filter(role=AgencyRole.Role.HEAD)
                .order_by("id"),
            ),
        )
        .order_by("agency__sort_key", "id")
    )
    term._prefetched_objects_cache = {"memberships": memberships}
    # Earlier years show each agency under the name it bore then (renames keep history).
    as_of = min(timezone.localdate(), datetime.date(term.year, 12, 31))
    for m in memberships:
        m.name_then = m.agency.name_on(as_of)
    current = [m for m in memberships if m.left_on is None]
    history = list(
        _terms_with_lead(
            BlocTerm.objects.filter(bloc=term.bloc).order_by("-year")
        ).prefetch_related("memberships__agency__name_changes")
    )
    today = timezone.localdate()
    for t in history:
        year_end = min(today, datetime.date(t.year, 12, 31))
        t.leader_name = t.leader.name_on(year_end) if t.leader else ""
        t.deputy_name = t.deputy.name_on(year_end) if t.deputy else ""
    elections = {
        e.term_id: e
        for e in LeadershipElection.objects.filter(term__bloc=term.bloc).select_related(
            "leader", "deputy"
        )
    }
    lead_changes = LeadershipChange.objects.filter(term=term).select_related(
        "old_leader", "old_deputy", "new_leader", "new_deputy", "changed_by"
    )
    readable_years = set(
        BlocTerm.objects.visible_to(request.user)
        .filter(bloc=term.bloc)
        .values_list("year", flat=True)
    )
    return render(
        request,
        "blocs/term_detail.html",
        {
            "term": term,
            "access": access,
            "memberships": memberships,
            "current_count": len(current),
            "warning": member_count_warning(len(current)),
            "history": [(t, elections.get(t.pk)) for t in history],
            "election": elections.get(term.pk),
            "readable_years": readable_years,
            "lead_changes": lead_changes,
        },
    )


@login_required
@require_GET
def board_overview(request):
    """Every bloc of the board officer's councils, with this year's lead and member count."""
    councils = list(board_councils(request.user))
    if not councils:
        raise Http404(_("Trang này dành cho Ban Thi đua – Khen thưởng."))
    blocs = sorted(
        Bloc.objects.filter(council__in=councils).select_related("council"),
        key=lambda b: (b.council_id, *_bloc_order(b)),
    )
    terms = _terms_with_lead(
        BlocTerm.objects.filter(bloc__in=blocs)
        .annotate(current_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("bloc_id", "-year")
    )
    latest = {}
    for term in terms:
        latest.setdefault(term.bloc_id, term)
    rows = []
    for bloc in blocs:
        term = latest.get(bloc.pk)
        rows.append(
            {
                "bloc": bloc,
                "term": term,
                "warning": member_count_warning(term.current_members) if term else "",
            }
        )
    return render(request, "blocs/board_overview.html", {"rows": rows, "councils": councils})


def _to_term(term):
    return redirect("blocs:term_detail", bloc_code=term.bloc.code, year=term.year)


def _add_service_error(form, exc: ValidationError) -> None:
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _current_members(term):
    """The agencies that are current members of ``term``, in Vietnamese order."""
    return Agency.objects.filter(
        memberships__term=term, memberships__left_on__isnull=True
    ).vietnamese_order()


def _load_memberships(term):
    memberships = list(
        Membership.objects.filter(term=term)
        .select_related("agency")
        .order_by("agency__sort_key", "id")
    )
    term._prefetched_objects_cache = {"memberships": memberships}
    return memberships


@login_required
@require_http_methods(["GET", "POST"])
def member_manage(request, bloc_code, year):
    """The secretariat's member list: add an agency, or pick a member to leave the bloc."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    memberships = _load_memberships(term)
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
            _add_service_error(form, exc)
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
            _add_service_error(form, exc)
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
def term_open_next(request, bloc_code, year):
    """Open the following year: the proposed lead (election or rotation), changeable."""
    term, access = get_term_for_user(request, bloc_code, year, write="can_open_next_year")
    _load_memberships(term)
    leader, deputy, source = services.proposal_for_next_year(term=term)
    members = _current_members(term).filter(active=True)
    form = LeadershipForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={"leader": leader, "deputy": deputy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_term = services.open_next_term(
                bloc=term.bloc,
                by=request.user,
                leader=form.cleaned_data["leader"],
                deputy=form.cleaned_data["deputy"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã mở năm thi đua %(year)s. Khối trưởng: %(leader)s, khối phó: %(deputy)s.")
                % {
                    "year": new_term.year,
                    "leader": form.cleaned_data["leader"],
                    "deputy": form.cleaned_data["deputy"],
                },
            )
            return redirect("blocs:term_detail", bloc_code=bloc_code, year=new_term.year)
    election = LeadershipElection.objects.filter(term=term).first()
    return render(
        request,
        "blocs/term_open_next.html",
        {
            "term": term,
            "access": access,
            "form": form,
            "proposed_leader": leader,
            "proposed_deputy": deputy,
            "source": source,
            "election": election,
            "next_year": term.year + 1,
            "member_count": members.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def election_record(request, bloc_code, year):
    """Record the vote at the year-end meeting for next year's leader and deputy."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    _load_memberships(term)
    election = LeadershipElection.objects.filter(term=term).first()
    initial = {}
    if election:
        initial = {
            "held_on": election.held_on,
            "leader": election.leader,
            "deputy": election.deputy,
            "voters": election.voters,
            "leader_votes": election.leader_votes,
            "deputy_votes": election.deputy_votes,
        }
    form = ElectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        members=_current_members(term),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_election(
                term=term,
                by=request.user,
                held_on=data["held_on"],
                leader=data["leader"],
                deputy=data["deputy"],
                voters=data["voters"],
                leader_votes=data["leader_votes"],
                deputy_votes=data["deputy_votes"],
                minutes=data["minutes"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi kết quả bầu khối trưởng, khối phó năm %(year)s.") % {"year": year + 1},
            )
            return _to_term(term)
    return render(
        request,
        "blocs/election_form.html",
        {"term": term, "access": access, "form": form, "election": election},
    )


@login_required
@require_GET
def election_minutes(request, bloc_code, year):
    """Stream the uploaded minutes of the election to a reader of the term."""
    term, _access = get_term_for_user(request, bloc_code, year)
    election = LeadershipElection.objects.filter(term=term).first()
    if election is None or not election.minutes:
        raise Http404(_("Chưa có biên bản bầu."))
    return FileResponse(
        election.minutes.open("rb"),
        as_attachment=True,
        filename=election.minutes.name.rsplit("/", 1)[-1],
    )


@login_required
@require_http_methods(["GET", "POST"])
def leadership_edit(request, bloc_code, year):
    """Change the leader and the deputy of a planning or active year."""
    term, access = get_term_for_user(request, bloc_code, year, write="can_set_leadership")
    _load_memberships(term)
    form = LeadershipChangeForm(
        request.POST if request.method == "POST" else None,
        members=_current_members(term),
        initial={"leader": term.leader, "deputy": term.deputy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_leadership(
                term=term,
                leader=form.cleaned_data["leader"],
                deputy=form.cleaned_data["deputy"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã cập nhật: khối trưởng %(leader)s, khối phó %(deputy)s.")
                % {"leader": form.cleaned_data["leader"], "deputy": form.cleaned_data["deputy"]},
            )
            return _to_term(term)
    return render(
        request,
        "blocs/leadership_form.html",
        {"term": term, "access": access, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rotation_edit(request, bloc_code, year):
    """The bloc's rotation order of the lead: the secretariat numbers the agencies."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    slots = list(term.bloc.rotation.select_related("agency").order_by("position", "id"))
    current = list(_current_members(term))
    current_ids = {a.pk for a in current}
    in_rotation = {s.agency_id for s in slots}
    not_member = _("Không còn là thành viên năm %(year)s") % {"year": term.year}
    agencies = [(s.agency, "" if s.agency_id in current_ids else not_member) for s in slots]
    agencies += [(a, _("Chưa có trong thứ tự")) for a in current if a.pk not in in_rotation]
    form = RotationForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        services.set_rotation(bloc=term.bloc, agencies=form.ordered_agencies(), by=request.user)
        messages.success(request, _("Đã lưu thứ tự luân phiên khối trưởng."))
        return _to_term(term)
    return render(
        request,
        "blocs/rotation_form.html",
        {"term": term, "access": access, "form": form},
    )


@login_required
@require_POST
def term_close(request, bloc_code, year):
    """Close the year: from then on it is read-only."""
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    try:
        services.close_term(term=term, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã kết thúc năm thi đua %(year)s.") % {"year": year})
    return _to_term(term)


@login_required
@require_POST
def term_activate(request, bloc_code, year):
    """Start a planned year."""
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    _load_memberships(term)
    try:
        services.activate_term(term=term, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã bắt đầu năm thi đua %(year)s.") % {"year": year})
    return _to_term(term)


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
                return _to_term(term)
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
