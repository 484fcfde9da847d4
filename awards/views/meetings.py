"""The review meeting page: details, attendance, the quorum, opening and closing the voting, the
ballots of the meeting and, at the year-end meeting, the election of next year's lead."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards import rules as award_rules
from awards.access import can_run_meeting, get_meeting_term_for_user, sees_draft_nominations
from awards.forms.meetings import (
    AttendanceForm,
    MeetingElectionForm,
    MeetingForm,
    OpenBallotForm,
)
from awards.models import (
    Attendance,
    Ballot,
    BallotCandidate,
    Nomination,
    NominationList,
    QuorumCheck,
    ReviewMeeting,
)
from awards.selectors import eligibility_day, holds_on
from awards.services import meetings as services
from awards.services.catalogue import effective_rules
from blocs.models import LeadershipElection
from blocs.views import add_service_error, current_members
from campaigns.models import Period

ACTIONS = ("details", "attendance", "open_voting", "close", "election")


def _url(name, *args):
    """A page of another part of the awards app, or None while that part has no such page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _members(term):
    return list(current_members(term).distinct())


def _meeting_url(term, kind):
    return reverse("awards:meeting", args=[term.bloc.code, term.year, kind])


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request, bloc_code, year, kind):
    """Every reader of the term sees the meeting; the secretariat runs it."""
    write = request.method == "POST"
    term, access, meeting = get_meeting_term_for_user(request, bloc_code, year, kind, write=write)
    members = _members(term)
    attendance = (
        {a.agency_id: a for a in Attendance.objects.filter(meeting=meeting)} if meeting else {}
    )
    # Next year's lead is elected at the year-end meeting only: its page alone shows it.
    election = (
        LeadershipElection.objects.filter(term=term).select_related("leader", "deputy").first()
        if kind == ReviewMeeting.PeriodKind.ANNUAL
        else None
    )
    present = sum(1 for a in members if a.pk in attendance and attendance[a.pk].present)
    forms = {}
    action = request.POST.get("action") if write else None
    if write:
        if action not in ACTIONS:
            messages.error(request, _("Thao tác không hợp lệ."))
            return redirect(_meeting_url(term, kind))
        if action != "details" and meeting is None:
            messages.error(request, _("Hãy ghi thông tin hội nghị trước."))
            return redirect(_meeting_url(term, kind))
        handled = _handle(request, action, term, kind, meeting, members, present, forms)
        if handled is not None:
            return handled
    return render(
        request,
        "awards/meeting_detail.html",
        _context(
            request, term, access, kind, meeting, members, attendance, present, election, forms
        ),
    )


def _handle(request, action, term, kind, meeting, members, present, forms):
    """Run one action of the page; a response to send, or None to show the page with ``forms``."""
    back = redirect(_meeting_url(term, kind))
    if action == "details":
        form = forms["details"] = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.save_meeting(
                    term=term, period_kind=kind, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu thông tin hội nghị."))
                return back
    elif action == "attendance":
        form = forms["attendance"] = AttendanceForm(request.POST, agencies=members)
        if form.is_valid():
            try:
                services.record_attendance(meeting=meeting, rows=form.rows(), by=request.user)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu điểm danh."))
                return back
    elif action == "open_voting":
        try:
            check = services.open_voting(meeting=meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if check.met:
                messages.success(
                    request,
                    _("Có mặt %(present)s/%(members)s thành viên, đủ điều kiện: đã mở bỏ phiếu.")
                    % {"present": check.present, "members": check.members},
                )
            else:
                # The failed check is saved: it shows in the history of quorum checks.
                messages.error(request, services.quorum_refusal(check))
        return back
    elif action == "close":
        try:
            services.close_meeting(meeting=meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã kết thúc hội nghị."))
        return back
    elif action == "election":
        form = forms["election"] = MeetingElectionForm(
            request.POST, members=current_members(term), voters=present
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_meeting_election(
                    meeting=meeting,
                    by=request.user,
                    leader=data["leader"],
                    deputy=data["deputy"],
                    leader_votes=data["leader_votes"],
                    deputy_votes=data["deputy_votes"],
                    minutes_number=data["minutes_number"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã ghi kết quả bầu khối trưởng, khối phó năm %(year)s.")
                    % {"year": term.year + 1},
                )
                return back
    return None


def _context(request, term, access, kind, meeting, members, attendance, present, election, forms):
    manage = can_run_meeting(access) and (
        meeting is None or meeting.status != ReviewMeeting.Status.CLOSED
    )
    ranking = services.ranking_state(term=term, kind=kind)
    holds = holds_on([a.pk for a in members], eligibility_day(meeting))
    quorum = term.quorum
    context = {
        "term": term,
        "access": access,
        "kind": kind,
        "kind_label": dict(Period.Kind.choices)[kind],
        "meeting": meeting,
        "manage": manage,
        "ranking_final": bool(ranking and ranking.is_final),
        "present": present,
        "member_count": len(members),
        "quorum_label": award_rules.share_label(quorum),
        "quorum_needed": award_rules.quorum_needed(members=len(members), quorum=quorum),
        "quorum_met": award_rules.quorum_met(present=present, members=len(members), quorum=quorum),
        "election": election,
        "annual": kind == ReviewMeeting.PeriodKind.ANNUAL,
        "kinds": [
            {"kind": value, "label": label, "url": _meeting_url(term, value)}
            for value, label in ReviewMeeting.PeriodKind.choices
        ],
        "rules_url": _url("awards:award_rules", term.bloc.code, term.year),
        "nominations_url": _url("awards:nominations", term.bloc.code, term.year),
        "appeals_url": _url("awards:appeals", term.bloc.code, term.year, kind),
        "ballot_open_url": _url("awards:ballot_open", term.bloc.code, term.year, kind),
    }
    if manage:
        context["details_form"] = forms.get("details") or MeetingForm(
            initial=_details_initial(meeting)
        )
    if meeting is None:
        return context
    rows = []
    for agency in members:
        row = attendance.get(agency.pk)
        rows.append(
            {
                "agency": agency,
                "attendance": row,
                "hold": holds.get(agency.pk),
            }
        )
    if manage:
        form = forms.get("attendance") or AttendanceForm(
            initial=_attendance_initial(attendance), agencies=members
        )
        context["attendance_form"] = form
        context["attendance_rows"] = list(form.table({a.pk: holds.get(a.pk) for a in members}))
    context["rows"] = rows
    context["checks"] = list(
        QuorumCheck.objects.filter(meeting=meeting)
        .select_related("checked_by")
        .order_by("checked_at", "id")
    )
    for check in context["checks"]:
        check.needed = award_rules.quorum_needed(members=check.members, quorum=check.quorum)
        check.quorum_label = award_rules.share_label(check.quorum)
    ballots = list(Ballot.objects.filter(meeting=meeting).select_related("award_type"))
    winners = {}
    for candidate in (
        BallotCandidate.objects.filter(
            ballot__meeting=meeting,
            ballot__status=Ballot.Status.CLOSED,
            outcome__in=[award_rules.ELECTED, award_rules.WOMEN_PREFERRED],
        )
        .select_related("agency")
        .order_by("position", "id")
    ):
        winners.setdefault(candidate.ballot_id, []).append(candidate.agency.name)
    for ballot in ballots:
        ballot.url = _url("awards:ballot_detail", term.bloc.code, term.year, kind, ballot.pk)
        ballot.winners = winners.get(ballot.pk, [])
    context["ballots"] = ballots
    context["results_url"] = (
        _url("awards:results_xlsx", term.bloc.code, term.year, kind)
        if any(b.is_closed for b in ballots)
        else None
    )
    # Members see a nomination list once it is confirmed; the secretariat and the board see drafts.
    nominated = Nomination.objects.filter(nomination_list__term=term).select_related(
        "agency", "nomination_list__award_type"
    )
    if not sees_draft_nominations(access):
        nominated = nominated.filter(nomination_list__status=NominationList.Status.CONFIRMED)
    lists = {}
    for row in nominated.order_by(
        "nomination_list__award_type__order", "nomination_list__award_type__code", "position", "id"
    ):
        entry = lists.setdefault(
            row.nomination_list_id, {"list": row.nomination_list, "agencies": []}
        )
        entry["agencies"].append(row.agency.name)
    context["nomination_lists"] = list(lists.values())
    voting = meeting.status == ReviewMeeting.Status.VOTING
    context["voting"] = voting
    if manage and voting and context["ballot_open_url"]:
        context["ballot_form"] = OpenBallotForm(rules=effective_rules(term))
    if context["annual"] and manage and voting:
        initial = {}
        if election is not None:
            initial = {
                "leader": election.leader,
                "deputy": election.deputy,
                "leader_votes": election.leader_votes,
                "deputy_votes": election.deputy_votes,
                "minutes_number": election.minutes_number,
            }
        context["election_form"] = forms.get("election") or MeetingElectionForm(
            initial=initial, members=current_members(term), shown=members, voters=present
        )
    return context


def _details_initial(meeting):
    if meeting is None:
        return {}
    return {
        "held_at": timezone.localtime(meeting.held_at),
        "place": meeting.place,
        "chair": meeting.chair,
        "secretary": meeting.secretary,
        "ballot_committee": meeting.ballot_committee,
        "board_representative": meeting.board_representative,
    }


def _attendance_initial(attendance):
    initial = {}
    for pk, row in attendance.items():
        initial[f"present_{pk}"] = row.present
        initial[f"representative_{pk}"] = row.representative
        initial[f"title_{pk}"] = row.representative_title
        initial[f"reason_{pk}"] = row.absence_reason
    return initial
