"""The secret ballots of the meeting: opening a round, the ballot page with the paper count and
the results, the online vote on a phone, closing, the second round, the results workbook.

Counts of a round stay hidden until it is closed (``awards.access.sees_counts``); before that the
page says only how many agencies have voted.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards import rules as award_rules
from awards import selectors
from awards.access import (
    can_run_meeting,
    get_ballot_for_user,
    get_meeting_term_for_user,
    sees_counts,
    voting_agency_ids,
)
from awards.forms.ballots import BallotOpenForm, PaperCountForm, SecondRoundForm, VoteForm
from awards.models import AwardRule, Ballot
from awards.services import ballots as services
from blocs.access import require
from blocs.views import add_service_error
from campaigns.views import xlsx_response
from khoithidua.spreadsheets import csv_value, workbook_bytes

DENIED = gettext_lazy("Chỉ thư ký khối điều hành các lượt bỏ phiếu.")


def _detail_url(term, kind, ballot_id):
    return reverse("awards:ballot_detail", args=[term.bloc.code, term.year, kind, ballot_id])


def _meeting_url(term, kind):
    return reverse("awards:meeting", args=[term.bloc.code, term.year, kind])


@login_required
@require_POST
def ballot_open(request, bloc_code, year, kind):
    """The secretariat opens round 1 of an award; refusals go back to the meeting page."""
    term, access, meeting = get_meeting_term_for_user(request, bloc_code, year, kind, write=True)
    require(can_run_meeting(access), str(DENIED))
    if meeting is None:
        raise Http404(_("Chưa có hội nghị bình xét."))
    rules = list(AwardRule.objects.filter(term=term).select_related("award_type"))
    form = BallotOpenForm(request.POST, rules=rules)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_meeting_url(term, kind))
    try:
        ballot = services.open_ballot(
            meeting=meeting,
            award_type=form.rules[form.cleaned_data["award_type"]].award_type,
            mode=form.cleaned_data["mode"],
            by=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_meeting_url(term, kind))
    messages.success(request, _("Đã mở bỏ phiếu: %(ballot)s.") % {"ballot": ballot})
    return redirect(_detail_url(term, kind, ballot.pk))


def _candidates(ballot):
    return list(ballot.candidates.select_related("agency").order_by("position", "id"))


def _left_out(meeting, ballot, rule, members, period, meeting_votes):
    """Agencies of the ranking that are not candidates of round 1, with why (name, reason)."""
    if ballot.round != 1 or period is None:
        return []
    state = selectors.ranking_state(period, meeting=meeting, meeting_votes=meeting_votes)
    try:
        _rows, left_out, state = services.candidates_for(
            meeting, rule, members=members, state=state
        )
    except ValidationError:
        return []
    reasons = services.left_out_reasons(left_out, state, rule)
    names = {r.agency_id: r.row.name for r in state.rows}
    ranks = {r.agency_id: r.rank for r in state.rows}
    return [
        {"rank": ranks.get(i), "name": names.get(i, ""), "reason": reasons[i]}
        for i in sorted(reasons, key=lambda i: (ranks.get(i, 0), i))
    ]


@login_required
@require_http_methods(["GET", "POST"])
def ballot_detail(request, bloc_code, year, kind, ballot_id):
    """Every reader sees the round; the secretariat enters the paper count here (POST)."""
    write = request.method == "POST"
    term, access, meeting, ballot = get_ballot_for_user(
        request, bloc_code, year, kind, ballot_id, write=write
    )
    manage = can_run_meeting(access)
    # Round 1 lists the ranking's agencies left out: its period is read for it, and the votes
    # that break the ranking's ties come with the candidates.
    period = services.meeting_period(meeting) if ballot.round == 1 else None
    candidates, meeting_votes = selectors.candidates_and_meeting_votes(ballot, period)
    count_form = None
    if manage and ballot.mode == Ballot.Mode.PAPER and not ballot.is_closed:
        count_form = PaperCountForm(
            request.POST if write else None,
            candidates=candidates,
            initial={"issued": ballot.voters},
        )
    if write:
        require(count_form is not None, _("Lượt này không nhập kết quả kiểm phiếu."))
        if count_form.is_valid():
            data = count_form.cleaned_data
            try:
                services.record_paper_count(
                    ballot=ballot,
                    issued=data["issued"],
                    returned=data["returned"],
                    valid=data["valid"],
                    invalid=data["invalid"],
                    votes=count_form.votes(),
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_error(count_form, exc)
            else:
                messages.success(request, _("Đã ghi kết quả kiểm phiếu."))
                return redirect(_detail_url(term, kind, ballot.pk))
    # The rule and the member count serve the threshold, the outcome and the left-out list alike.
    rule = services.rule_for(meeting, ballot.award_type)
    members = rule.term_members or 0
    threshold = services.threshold(ballot, rule, members)
    shown = sees_counts(ballot)
    result = (
        services.outcome(ballot, rule=rule, members=members, candidates=candidates)
        if shown
        else None
    )
    if shown:
        base = threshold["base"]
        for c in candidates:
            c.share = award_rules.vote_share_label(c.votes, base)
            c.outcome_label = award_rules.OUTCOME_LABELS.get(c.outcome, "")
    online = ballot.mode == Ballot.Mode.ONLINE
    # Who has voted shows while an online round is open; the results replace it once closed.
    voting_open = online and not ballot.is_closed
    present, voted = selectors.present_and_voted(meeting, ballot) if voting_open else (set(), [])
    # A second round is offered once, when the closed round asks for one.
    offers_second = (
        manage
        and result is not None
        and result.needs_second_round
        and not Ballot.objects.filter(
            meeting=meeting, award_type=ballot.award_type, round__gt=ballot.round
        ).exists()
    )
    names = {c.agency_id: c.agency.name for c in candidates}
    context = {
        "term": term,
        "access": access,
        "meeting": meeting,
        "kind": kind,
        "ballot": ballot,
        "candidates": candidates,
        "shown": shown,
        "result": result,
        "threshold": threshold,
        "receipt_count": len(voted) if voting_open else None,
        # Which agencies have voted is for the secretariat; the others see how many.
        "voted_names": voted if manage else [],
        "count_form": count_form,
        "manage": manage,
        "can_vote": voting_open and bool(voting_agency_ids(access, present)),
        "second_round_form": SecondRoundForm() if offers_second else None,
        # A second round is among the round's own candidates: their names are read already.
        "second_round_names": [names[i] for i in result.second_round] if result else [],
        "left_out": _left_out(meeting, ballot, rule, members, period, meeting_votes),
        "meeting_url": _meeting_url(term, kind),
    }
    return render(request, "awards/ballot_detail.html", context, status=400 if write else 200)


@login_required
@require_POST
def ballot_close(request, bloc_code, year, kind, ballot_id):
    """The chair (through the secretariat) closes an online round: the results show."""
    term, access, meeting, ballot = get_ballot_for_user(
        request, bloc_code, year, kind, ballot_id, write=True
    )
    require(can_run_meeting(access), str(DENIED))
    try:
        services.close_ballot(ballot=ballot, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã kết thúc bỏ phiếu và công bố kết quả."))
    return redirect(_detail_url(term, kind, ballot.pk))


@login_required
@require_POST
def ballot_second_round(request, bloc_code, year, kind, ballot_id):
    """Open the second round a closed round proposes."""
    term, access, meeting, ballot = get_ballot_for_user(
        request, bloc_code, year, kind, ballot_id, write=True
    )
    require(can_run_meeting(access), str(DENIED))
    form = SecondRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn hình thức bỏ phiếu lại."))
        return redirect(_detail_url(term, kind, ballot.pk))
    try:
        second = services.open_second_round(
            ballot=ballot, mode=form.cleaned_data["mode"], by=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_detail_url(term, kind, ballot.pk))
    messages.success(request, _("Đã mở bỏ phiếu lại: %(ballot)s.") % {"ballot": second})
    return redirect(_detail_url(term, kind, second.pk))


@login_required
@require_http_methods(["GET", "POST"])
def ballot_vote(request, bloc_code, year, kind, ballot_id):
    """A present agency's representative votes once, on a phone; the choice is never shown back.

    Read-only readers (board, absent members) get a 403: only present agencies vote.
    """
    term, access, meeting, ballot = get_ballot_for_user(request, bloc_code, year, kind, ballot_id)
    voting = voting_agency_ids(access, selectors.present_agency_ids(meeting))
    require(
        bool(voting) and not term.is_closed,
        _("Chỉ đại biểu của đơn vị có mặt tại hội nghị được bỏ phiếu."),
    )
    require(ballot.mode == Ballot.Mode.ONLINE, _("Lượt này bỏ phiếu giấy tại hội nghị."))
    # A person of several present agencies votes for each in turn, the page naming which.
    voted_ids = services.voted_among(ballot, voting)
    agency_id = next((a for a in voting if a not in voted_ids), voting[0])
    names = selectors.agency_names([agency_id])
    candidates = _candidates(ballot)
    voted = agency_id in voted_ids
    form = None
    if not voted and not ballot.is_closed:
        form = VoteForm(
            request.POST if request.method == "POST" else None,
            candidates=candidates,
            seats=ballot.seats,
        )
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                _("Đơn vị đã bỏ phiếu") if voted else _("Lượt bỏ phiếu này đã kết thúc."),
            )
            return redirect(request.path)
        if form.is_valid():
            try:
                services.cast_vote(
                    ballot=ballot,
                    agency=agency_id,
                    choices=form.cleaned_data["choices"],
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                # The message names the agency, never its choice.
                messages.success(request, _("Đơn vị đã bỏ phiếu. Cảm ơn đại biểu."))
                return redirect(request.path)
    return render(
        request,
        "awards/ballot_vote.html",
        {
            "term": term,
            "access": access,
            "meeting": meeting,
            "kind": kind,
            "ballot": ballot,
            "agency_name": names.get(agency_id, ""),
            "candidates": candidates,
            "form": form,
            "voted": voted,
            "detail_url": _detail_url(term, kind, ballot.pk),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def results_xlsx(request, bloc_code, year, kind):
    """Every closed round of the meeting: counts, votes per candidate and outcome."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    term, access, meeting = get_meeting_term_for_user(request, bloc_code, year, kind)
    if meeting is None:
        raise Http404(_("Chưa có hội nghị bình xét."))
    book = Workbook()
    sheet = book.active
    sheet.title = _("Kết quả bỏ phiếu")[:31]
    header = [
        _("Khen thưởng"),
        _("Vòng"),
        _("Hình thức"),
        _("Phát ra"),
        _("Thu về"),
        _("Hợp lệ"),
        _("Không hợp lệ"),
        _("Số suất"),
        _("Thứ tự"),
        _("Hạng"),
        _("Cơ quan, đơn vị"),
        _("Số phiếu"),
        _("Kết quả"),
    ]
    sheet.append([csv_value(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    closed = (
        Ballot.objects.filter(meeting=meeting, status=Ballot.Status.CLOSED)
        .select_related("award_type")
        .prefetch_related("candidates__agency")
    )
    for ballot in closed:
        if not sees_counts(ballot):
            continue
        for c in ballot.candidates.all():
            sheet.append(
                [
                    csv_value(ballot.award_type.name),
                    ballot.round,
                    csv_value(str(ballot.get_mode_display())),
                    ballot.issued,
                    ballot.returned,
                    ballot.valid,
                    ballot.invalid,
                    ballot.seats,
                    c.position,
                    c.rank,
                    csv_value(c.agency.name),
                    c.votes,
                    csv_value(str(award_rules.OUTCOME_LABELS.get(c.outcome, ""))),
                ]
            )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["K"].width = 40
    sheet.freeze_panes = "A2"
    return xlsx_response(
        workbook_bytes(book), f"ket-qua-bo-phieu-{term.bloc.code}-{term.year}-{kind}.xlsx"
    )
