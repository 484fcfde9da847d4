"""Who may see and do what with scoring objects, and their loaders: the one place that decides.

Every rule checks the term's rights through ``blocs.access``; views and document kinds only call
these functions.

A scorecard is seen by its own agency's users, the secretariat, the deputy, the board (and
administrators), and — once it is submitted — by the agency assigned to cross-check it in that
period. Everybody else — other members included — gets a 404, so that one member's scores and
evidence never leak to another before the review.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from blocs.access import TermAccess, get_term_for_user, require, term_access
from campaigns.models import CriteriaTable, CrossCheck, Evidence, Period, Scorecard


def sees_every_scorecard(access: TermAccess) -> bool:
    """The board, the secretariat, the deputy and administrators see every card of the term."""
    return access.is_admin or access.is_board or access.is_secretariat or access.is_deputy


def reviewer_agency_id(access: TermAccess, period_id, reviewed_id):
    """The reader's agency assigned to cross-check ``reviewed_id`` in the period, if any."""
    return (
        CrossCheck.objects.filter(
            period_id=period_id, reviewed_id=reviewed_id, reviewer_id__in=access.current_agency_ids
        )
        .values_list("reviewer_id", flat=True)
        .first()
    )


def assigned_to_reader(access: TermAccess, **filters) -> set:
    """(period id, reviewed agency id) of every cross-check given to the reader's agencies.

    ``filters`` narrow the cross-checks (``period=…`` or ``period__term=…``); one query.
    """
    return set(
        CrossCheck.objects.filter(reviewer_id__in=access.current_agency_ids, **filters).values_list(
            "period_id", "reviewed_id"
        )
    )


def sees_card(access: TermAccess, *, agency_id, status, assigned: bool) -> bool:
    """The one rule of who sees a scorecard, its lines and its evidence.

    Its own agency's users and those who see every card always; the agency assigned to
    cross-check it (``assigned``) once it is submitted, as a draft is still the member's own
    working copy.
    """
    if not access.can_read:
        return False
    if sees_every_scorecard(access) or agency_id in access.member_agency_ids:
        return True
    return assigned and status != Scorecard.Status.DRAFT


def can_see_scorecard(access: TermAccess, scorecard: Scorecard, reviewer_id=None) -> bool:
    """Whether the reader may see this scorecard (``sees_card``), asking for the assignment only
    when it matters; ``reviewer_id`` is the reader's reviewer agency when already known."""
    if not access.can_read:
        return False
    needs_assignment = not (
        sees_every_scorecard(access) or scorecard.agency_id in access.member_agency_ids
    )
    assigned = bool(reviewer_id) or (
        needs_assignment
        and reviewer_agency_id(access, scorecard.period_id, scorecard.agency_id) is not None
    )
    return sees_card(
        access, agency_id=scorecard.agency_id, status=scorecard.status, assigned=assigned
    )


def can_see_ranking(access: TermAccess, period: Period) -> bool:
    """Members see the ranking once scores are agreed; the officers see it as it forms."""
    return sees_every_scorecard(access) or period.status == Period.Status.AGREED


def period_is_agreed(scorecard: Scorecard) -> bool:
    return scorecard.period.status == Period.Status.AGREED


def can_edit_scorecard(access: TermAccess, scorecard: Scorecard) -> bool:
    """Officers and heads of the agency change a draft card until the period is agreed."""
    return (
        scorecard.is_editable
        and not period_is_agreed(scorecard)
        and access.can_draft_for(scorecard.agency_id)
    )


def can_submit_scorecard(access: TermAccess, scorecard: Scorecard) -> bool:
    """Only the head (or one signing for the head) submits, until the period is agreed."""
    return (
        scorecard.is_editable
        and not period_is_agreed(scorecard)
        and access.can_act_for(scorecard.agency_id)
    )


def can_reopen_scorecard(access: TermAccess, scorecard: Scorecard) -> bool:
    return access.can_manage and scorecard.status == Scorecard.Status.SUBMITTED


LAYER_RIGHT_DENIED = {
    "review": _lazy("Chỉ đơn vị được phân công chấm chéo phiếu này mới được chấm."),
    "explanation": _lazy("Chỉ đơn vị có phiếu mới được giải trình."),
    "agreed": _lazy("Chỉ thư ký khối được ghi điểm thống nhất."),
    "board": _lazy("Chỉ Ban Thi đua – Khen thưởng được điều chỉnh điểm."),
}


def layer_rights(access: TermAccess, period: Period, card: Scorecard, reviewer_id) -> dict:
    """Which layers of the card's lines the reader may write: review, explanation, agreed, board.

    ``reviewer_id`` is the reader's agency assigned to cross-check the card, if any.
    """
    open_ = period.status != Period.Status.AGREED
    submitted = card.status != Scorecard.Status.DRAFT
    return {
        "review": open_ and bool(reviewer_id) and submitted and access.can_draft_for(reviewer_id),
        "explanation": open_ and access.can_draft_for(card.agency_id),
        "agreed": open_ and access.can_manage and submitted,
        "board": access.can_board_review and period.status == Period.Status.AGREED,
    }


def _scorecards():
    return Scorecard.objects.select_related(
        "period__term__bloc__council", "agency", "table", "submitted_by"
    )


def get_scorecard_for_user(request, scorecard_id, write=False):
    """Load a scorecard the user may see (404 otherwise); with ``write``, require editing (403)."""
    try:
        scorecard = _scorecards().get(pk=scorecard_id)
    except Scorecard.DoesNotExist:
        raise Http404(_("Không tìm thấy phiếu chấm điểm.")) from None
    access = term_access(request.user, scorecard.period.term, request=request)
    if not can_see_scorecard(access, scorecard):
        raise Http404(_("Không tìm thấy phiếu chấm điểm."))
    if write:
        require(
            not period_is_agreed(scorecard),
            _("Kỳ chấm điểm đã thống nhất; không thể thay đổi nữa."),
        )
        require(
            can_edit_scorecard(access, scorecard),
            _("Phiếu đã nộp hoặc bạn không thuộc đơn vị được chấm nên không thể sửa."),
        )
    return scorecard, access


def get_evidence_for_user(request, evidence_id):
    """Load an evidence file whose scorecard the user may see (404 otherwise)."""
    try:
        evidence = Evidence.objects.select_related(
            "scorecard__period__term__bloc__council", "criterion"
        ).get(pk=evidence_id)
    except Evidence.DoesNotExist:
        raise Http404(_("Không tìm thấy minh chứng.")) from None
    access = term_access(request.user, evidence.scorecard.period.term, request=request)
    if not can_see_scorecard(access, evidence.scorecard):
        raise Http404(_("Không tìm thấy minh chứng."))
    return evidence, access


def get_table_for_term(term, version) -> CriteriaTable:
    """A version of the term's criteria table (read rights on the term are checked before)."""
    try:
        return CriteriaTable.objects.get(term=term, version=version)
    except CriteriaTable.DoesNotExist:
        raise Http404(_("Không tìm thấy phiên bản bảng tiêu chí này.")) from None


def get_period_for_term(term, kind, *, related=()) -> Period:
    """A period of the term by kind (read rights on the term are checked before), with the
    one-to-one ``related`` rows a page reads beside it."""
    if kind not in Period.Kind.values:
        raise Http404(_("Không tìm thấy kỳ chấm điểm này."))
    try:
        return Period.objects.select_related(*related).get(term=term, kind=kind)
    except Period.DoesNotExist:
        raise Http404(_("Kỳ chấm điểm này chưa được mở.")) from None


def get_periods_for_user(request, bloc_code, year, kind):
    """The term's period of ``kind`` the user may read (404 otherwise), with the term's rights
    and every period of the term, in one query."""
    term, access = get_term_for_user(request, bloc_code, year)
    if kind not in Period.Kind.values:
        raise Http404(_("Không tìm thấy kỳ chấm điểm này."))
    periods = list(Period.objects.filter(term=term).order_by("kind"))
    for period in periods:
        period.term = term
    period = next((p for p in periods if p.kind == kind), None)
    if period is None:
        raise Http404(_("Kỳ chấm điểm này chưa được mở."))
    return term, access, period, periods


def get_period_for_user(request, bloc_code, year, kind):
    """The term's period of ``kind`` the user may read (404 otherwise), with the term's rights."""
    term, access, period, _periods = get_periods_for_user(request, bloc_code, year, kind)
    return term, access, period


def sees_progress(access: TermAccess) -> bool:
    """The secretariat of the year, the board and administrators follow every member's progress."""
    return access.oversees


def get_progress_term_for_user(request, bloc_code, year, *, write=False):
    """A term whose progress the user follows (404 for outsiders, 403 for members); with
    ``write``, require running the term (the board and a closed year are read-only: 403)."""
    term, access = get_term_for_user(request, bloc_code, year, write=write)
    require(
        sees_progress(access),
        _("Chỉ thư ký khối và Ban Thi đua – Khen thưởng được xem tiến độ của các đơn vị."),
    )
    return term, access


RULES_DENIED = _lazy(
    "Chỉ thư ký khối, Ban Thi đua – Khen thưởng hoặc quản trị viên được sửa quy định của năm."
)


def can_edit_rules(access: TermAccess) -> bool:
    """The year's rules (bands, tie-breaks, step, quorum, deadlines): the secretariat runs the
    year, the board sets the rules of every bloc; never on a closed year."""
    return not access.term.is_closed and access.oversees
