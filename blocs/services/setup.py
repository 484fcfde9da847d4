"""Writes that set a bloc up: the bloc with its members' rotation order, then its first year."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.history import record_by
from blocs.models import Agency, Bloc, BlocTerm, Council
from blocs.rotation import propose_leadership
from blocs.services.agencies import create_agency
from blocs.services.members import set_rotation
from blocs.services.terms import activate_term, open_term

__all__ = ["NewAgency", "create_bloc", "first_year_proposal", "open_first_term"]

# A year needs a leader and a different deputy.
MIN_SETUP_MEMBERS = 2


@dataclass(frozen=True)
class NewAgency:
    """An agency typed in while creating a bloc, created with it."""

    name: str
    abbreviation: str
    kind: str
    parent_body: str = ""


@transaction.atomic
def create_bloc(
    *,
    council: Council,
    code: str,
    name: str,
    established_by: str = "",
    doc_abbreviation: str = "",
    document_profile: str = "",
    members: list,
    by,
) -> Bloc:
    """Create a bloc whose rotation order of the lead is ``members``, all or nothing.

    ``members`` are existing active agencies of ``council`` or :class:`NewAgency` entries,
    in rotation order; the new ones are created in the council.
    """
    bloc = Bloc(
        council=council,
        code=code,
        name=name,
        established_by=established_by,
        doc_abbreviation=doc_abbreviation or "KTĐ",
        document_profile=document_profile,
    )
    bloc.full_clean()
    if len(members) < MIN_SETUP_MEMBERS:
        raise ValidationError(
            {"members": _("Hãy chọn ít nhất %(n)s đơn vị thành viên.") % {"n": MIN_SETUP_MEMBERS}}
        )
    agencies = []
    for entry in members:
        if isinstance(entry, NewAgency):
            try:
                agency = create_agency(
                    council_id=council.pk,
                    name=entry.name,
                    abbreviation=entry.abbreviation,
                    kind=entry.kind,
                    parent_body=entry.parent_body,
                    by=by,
                )
            except ValidationError as exc:
                raise ValidationError(
                    {
                        "members": _("%(name)s: %(msg)s")
                        % {"name": entry.name, "msg": " ".join(exc.messages)}
                    }
                ) from exc
        else:
            # An agency of another council is refused by ``set_rotation``.
            agency = entry
            if not agency.active:
                raise ValidationError(
                    {
                        "members": _("%(agency)s đã ngừng hoạt động hoặc đã hợp nhất.")
                        % {"agency": agency}
                    }
                )
        agencies.append(agency)
    record_by(bloc, by).save()
    set_rotation(bloc=bloc, agencies=agencies, by=by)
    return bloc


def first_year_proposal(*, bloc: Bloc) -> tuple[list[Agency], Agency | None, Agency | None]:
    """The members of a bloc's first year (its rotation order) and the proposed lead."""
    slots = list(bloc.rotation.select_related("agency").order_by("position", "id"))
    members = [s.agency for s in slots if s.agency.active]
    ids = [a.pk for a in members]
    leader_id, deputy_id, _source = propose_leadership(
        rotation=ids, members=ids, leader=None, deputy=None
    )
    by_id = {a.pk: a for a in members}
    return members, by_id.get(leader_id), by_id.get(deputy_id)


@transaction.atomic
def open_first_term(
    *,
    bloc: Bloc,
    year: int,
    leader: Agency | None = None,
    deputy: Agency | None = None,
    status: str = BlocTerm.Status.PLANNING,
    by,
) -> BlocTerm:
    """Open a new bloc's first year: every agency of its rotation joins on 1 January.

    Without ``leader``/``deputy`` the rotation decides, as for any later year: the first and
    the second agency of the order. Later years are opened with ``open_next_term``.
    """
    bloc = Bloc.objects.select_for_update().get(pk=bloc.pk)
    if BlocTerm.objects.filter(bloc=bloc).exists():
        raise ValidationError(
            _("Khối đã có năm thi đua; hãy mở năm tiếp theo từ trang của năm gần nhất.")
        )
    if status not in (BlocTerm.Status.PLANNING, BlocTerm.Status.ACTIVE):
        raise ValidationError(
            {"status": _("Năm đầu tiên chỉ có thể ở trạng thái chuẩn bị hoặc đang thực hiện.")}
        )
    members, proposed_leader, proposed_deputy = first_year_proposal(bloc=bloc)
    if len(members) < MIN_SETUP_MEMBERS:
        raise ValidationError(
            _("Khối cần ít nhất %(n)s đơn vị đang hoạt động trong thứ tự luân phiên.")
            % {"n": MIN_SETUP_MEMBERS}
        )
    leader = leader or proposed_leader
    deputy = deputy or proposed_deputy
    chosen = (leader, deputy) != (proposed_leader, proposed_deputy)
    term = open_term(
        bloc=bloc,
        year=year,
        agency_ids=[a.pk for a in members],
        leader=leader,
        deputy=deputy,
        reason=_("Chọn khi mở năm đầu tiên") if chosen else _("Theo thứ tự luân phiên"),
        by=by,
    )
    if status == BlocTerm.Status.ACTIVE:
        activate_term(term=term, by=by)
    return term
