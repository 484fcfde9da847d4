"""Who may do what in the awards app, on top of ``blocs.access`` (the one place for term rights).

- The year's award rules: the secretariat or the board, while the year is not closed and the
  year-end meeting has not opened its voting.
- Publishing the ranking, answering appeals, running the meeting, its ballots and the
  nomination lists: the secretariat (``TermAccess.can_manage``).
- Appealing: a member head, for its own agency, while the appeal window is open.
- Voting online: a user of a member agency recorded present, once per agency.
- Appeals: the secretariat, the deputy and the board see all of them; a member its own.
- Nomination lists: members see confirmed ones; the secretariat and the board drafts too.
- Counts of an online ballot: nobody until the chair closes it; then every reader of the term.
- Eligibility holds: the board of the agency's council.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from awards.models import Ballot, EligibilityHold, ReviewMeeting
from blocs.access import TermAccess, get_board_councils_for_user, get_term_for_user
from campaigns.models import Period


def can_edit_award_rules(access: TermAccess) -> bool:
    return not access.term.is_closed and access.oversees


def can_run_meeting(access: TermAccess) -> bool:
    return access.can_manage


def sees_counts(ballot: Ballot) -> bool:
    """Counts and results show once the round is closed, to every reader of the term."""
    return ballot.is_closed


def voting_agency_ids(access: TermAccess, present_ids) -> list[int]:
    """The reader's own member agencies recorded present: those it may vote for."""
    return sorted(set(access.current_agency_ids) & set(present_ids))


def sees_every_appeal(access: TermAccess) -> bool:
    """The secretariat, the deputy and the board see every appeal; a member its own only."""
    return access.is_secretariat or access.is_deputy or access.is_board or access.is_admin


def sees_draft_nominations(access: TermAccess) -> bool:
    """Members see a nomination list once confirmed; the secretariat and the board see drafts."""
    return can_run_meeting(access) or access.is_board or access.is_admin


def can_add_award_type(access: TermAccess) -> bool:
    """A council's own award is added by its board."""
    return access.is_board or access.is_admin


def can_appeal_for(access: TermAccess, agency_id) -> bool:
    return access.can_act_for(agency_id)


def check_kind(kind: str) -> str:
    if kind not in Period.Kind.values:
        raise Http404(_("Không có kỳ này."))
    return kind


def get_meeting_term_for_user(request, bloc_code, year, kind, *, write=False):
    """(term, access, meeting or None) for a period's meeting; 404 for outsiders, 403 on writes."""
    check_kind(kind)
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    meeting = ReviewMeeting.objects.filter(term=term, period_kind=kind).first()
    return term, access, meeting


def get_ballot_for_user(request, bloc_code, year, kind, ballot_id, *, write=False):
    """(term, access, meeting, ballot): the ballot must belong to that meeting, else 404."""
    check_kind(kind)
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    # The ballot is read with its meeting: a meeting that does not exist has no ballot either.
    try:
        ballot = Ballot.objects.select_related("award_type", "meeting").get(
            pk=ballot_id, meeting__term=term, meeting__period_kind=kind
        )
    except Ballot.DoesNotExist:
        raise Http404(_("Không có lượt bỏ phiếu này.")) from None
    ballot.meeting.term = term
    return term, access, ballot.meeting, ballot


def get_hold_for_user(request, hold_id) -> EligibilityHold:
    """A hold on an agency of one of the reader's boards' councils, else 404."""
    councils = get_board_councils_for_user(request)
    try:
        return EligibilityHold.objects.select_related("agency").get(
            pk=hold_id, agency__council__in=councils
        )
    except EligibilityHold.DoesNotExist:
        raise Http404(_("Không có quyết định tạm dừng xét này.")) from None
