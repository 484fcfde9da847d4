"""Writes of a bloc's years: opening the next one, starting and closing a year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from blocs.history import record_by
from blocs.models import (
    Agency,
    Bloc,
    BlocTerm,
    LeadershipChange,
    Membership,
)
from blocs.services.leadership import proposal_for_next_year, set_leadership

__all__ = [
    "activate_term",
    "close_term",
    "open_next_term",
    "open_term",
    "today",
]


@transaction.atomic
def open_term(
    *,
    bloc: Bloc,
    year: int,
    agency_ids,
    leader: Agency | None,
    deputy: Agency | None,
    reason: str,
    by,
    **values,
) -> BlocTerm:
    """Create ``bloc``'s year ``year`` in planning: the agencies join on 1 January, the lead set.

    The caller holds the bloc's row lock and has chosen the members and the lead; ``values`` are
    further fields of the term (its quorum, its legal bases).
    """
    term = BlocTerm(bloc=bloc, year=year, status=BlocTerm.Status.PLANNING, opened_by=by, **values)
    term.full_clean()
    record_by(term, by).save()
    start = datetime.date(year, 1, 1)
    bulk_create_with_history(
        [Membership(term=term, agency_id=pk, joined_on=start) for pk in agency_ids],
        Membership,
        default_user=by,
    )
    if leader and deputy:
        set_leadership(
            term=term,
            leader=leader,
            deputy=deputy,
            by=by,
            reason=reason,
            source=LeadershipChange.Source.OPENING,
        )
    return term


@transaction.atomic
def open_next_term(
    *, bloc: Bloc, by, leader: Agency | None = None, deputy: Agency | None = None
) -> BlocTerm:
    """Open the year after the bloc's latest term: copy its members and set the lead.

    Without an explicit ``leader``/``deputy`` the proposal is used: the election recorded at the
    latest term's year-end meeting, else the rotation.
    """
    bloc = Bloc.objects.select_for_update().get(pk=bloc.pk)
    current = (
        BlocTerm.objects.filter(bloc=bloc)
        .order_by("-year")
        .prefetch_related("memberships__agency")
        .first()
    )
    if current is None:
        raise ValidationError(_("Khối chưa có năm thi đua nào để sao chép."))
    year = current.year + 1
    if BlocTerm.objects.filter(bloc=bloc, year=year).exists():
        raise ValidationError(_("Năm %(year)s đã được mở.") % {"year": year})
    proposed_leader, proposed_deputy, source = proposal_for_next_year(term=current)
    if (leader or proposed_leader, deputy or proposed_deputy) != (proposed_leader, proposed_deputy):
        reason = _("Chọn khi mở năm, khác đề xuất")
    elif source == "election":
        reason = _("Theo kết quả bầu tại hội nghị tổng kết năm %(year)s") % {"year": current.year}
    else:
        reason = _("Theo thứ tự luân phiên")
    return open_term(
        bloc=bloc,
        year=year,
        agency_ids=[
            m.agency_id for m in current.memberships.all() if m.left_on is None and m.agency.active
        ],
        leader=leader or proposed_leader,
        deputy=deputy or proposed_deputy,
        reason=reason,
        by=by,
        quorum=current.quorum,
        legal_bases=current.legal_bases,
    )


@transaction.atomic
def close_term(*, term: BlocTerm, by) -> BlocTerm:
    """Close a finished year: from then on it is read-only for its members."""
    if term.is_closed:
        raise ValidationError(_("Năm thi đua này đã kết thúc."))
    term.status = BlocTerm.Status.CLOSED
    record_by(term, by).save(update_fields=["status"])
    return term


@transaction.atomic
def activate_term(*, term: BlocTerm, by) -> BlocTerm:
    """Start a planned year once its lead is set."""
    if term.status != BlocTerm.Status.PLANNING:
        raise ValidationError(_("Chỉ năm thi đua đang chuẩn bị mới có thể bắt đầu."))
    if term.leader is None or term.deputy is None:
        raise ValidationError(_("Cần có khối trưởng và khối phó trước khi bắt đầu năm thi đua."))
    term.status = BlocTerm.Status.ACTIVE
    record_by(term, by).save(update_fields=["status"])
    return term


def today():
    return timezone.localdate()
