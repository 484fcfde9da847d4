"""A bloc's year: open the next, the election, leader and deputy, rotation, close, activate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs import services
from blocs.access import get_term_for_user
from blocs.forms import (
    ElectionForm,
    LeadershipChangeForm,
    LeadershipForm,
    RotationForm,
)
from blocs.models import (
    LeadershipElection,
)
from blocs.views import add_service_error, current_members, load_memberships, to_term


@login_required
@require_http_methods(["GET", "POST"])
def term_open_next(request, bloc_code, year):
    """Open the following year: the proposed lead (election or rotation), changeable."""
    term, access = get_term_for_user(request, bloc_code, year, write="can_open_next_year")
    load_memberships(term)
    leader, deputy, source = services.proposal_for_next_year(term=term)
    members = current_members(term).filter(active=True)
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
            add_service_error(form, exc)
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
    load_memberships(term)
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
            "minutes_number": election.minutes_number,
            "minutes_date": election.minutes_date,
        }
    form = ElectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        members=current_members(term),
        initial=initial,
        election=election,
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
                minutes_number=data["minutes_number"],
                minutes_date=data["minutes_date"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã ghi kết quả bầu khối trưởng, khối phó năm %(year)s.") % {"year": year + 1},
            )
            return to_term(term)
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
    load_memberships(term)
    form = LeadershipChangeForm(
        request.POST if request.method == "POST" else None,
        members=current_members(term),
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
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã cập nhật: khối trưởng %(leader)s, khối phó %(deputy)s.")
                % {"leader": form.cleaned_data["leader"], "deputy": form.cleaned_data["deputy"]},
            )
            return to_term(term)
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
    current = list(current_members(term))
    current_ids = {a.pk for a in current}
    in_rotation = {s.agency_id for s in slots}
    not_member = _("Không còn là thành viên năm %(year)s") % {"year": term.year}
    agencies = [(s.agency, "" if s.agency_id in current_ids else not_member) for s in slots]
    agencies += [(a, _("Chưa có trong thứ tự")) for a in current if a.pk not in in_rotation]
    form = RotationForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        services.set_rotation(bloc=term.bloc, agencies=form.ordered_agencies(), by=request.user)
        messages.success(request, _("Đã lưu thứ tự luân phiên khối trưởng."))
        return to_term(term)
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
    return to_term(term)


@login_required
@require_POST
def term_activate(request, bloc_code, year):
    """Start a planned year."""
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    load_memberships(term)
    try:
        services.activate_term(term=term, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã bắt đầu năm thi đua %(year)s.") % {"year": year})
    return to_term(term)
