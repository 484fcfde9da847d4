"""Loaders for scoring objects: each checks the term's rights through ``blocs.access``.

A scorecard is seen by its own agency's users, the secretariat, the deputy, the board (and
administrators), and — once it is submitted — by the agency assigned to cross-check it in that
period. Everybody else — other members included — gets a 404, so that one member's scores and
evidence never leak to another before the review.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from blocs.access import TermAccess, require, term_access
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


def can_see_scorecard(access: TermAccess, scorecard: Scorecard, reviewer_id=None) -> bool:
    """Whether the reader may see this scorecard, its lines and its evidence.

    ``reviewer_id`` is the reader's assigned reviewer agency when the caller already knows it.
    """
    if not access.can_read:
        return False
    if sees_every_scorecard(access) or scorecard.agency_id in access.member_agency_ids:
        return True
    # A draft is still the member's own working copy: the reviewer sees it once submitted.
    if scorecard.status == Scorecard.Status.DRAFT:
        return False
    if reviewer_id is not None:
        return True
    return reviewer_agency_id(access, scorecard.period_id, scorecard.agency_id) is not None


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
    access = term_access(request.user, scorecard.period.term)
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
    access = term_access(request.user, evidence.scorecard.period.term)
    if not can_see_scorecard(access, evidence.scorecard):
        raise Http404(_("Không tìm thấy minh chứng."))
    return evidence, access


def get_table_for_term(term, version) -> CriteriaTable:
    """A version of the term's criteria table (read rights on the term are checked before)."""
    try:
        return CriteriaTable.objects.get(term=term, version=version)
    except CriteriaTable.DoesNotExist:
        raise Http404(_("Không tìm thấy phiên bản bảng tiêu chí này.")) from None


def get_period_for_term(term, kind) -> Period:
    """A period of the term by kind (read rights on the term are checked before)."""
    if kind not in Period.Kind.values:
        raise Http404(_("Không tìm thấy kỳ chấm điểm này."))
    try:
        return Period.objects.get(term=term, kind=kind)
    except Period.DoesNotExist:
        raise Http404(_("Kỳ chấm điểm này chưa được mở.")) from None
