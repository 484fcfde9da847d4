"""Writes of a term's members and of the bloc's rotation order."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from blocs.history import delete_with_history, record_by
from blocs.models import (
    Agency,
    Bloc,
    BlocTerm,
    Membership,
    RotationSlot,
)
from blocs.services.agencies import create_agency

__all__ = [
    "MAX_MEMBERS",
    "MIN_MEMBERS",
    "add_member",
    "import_members",
    "member_count_warning",
    "remove_member",
    "set_rotation",
]


MIN_MEMBERS = 4
MAX_MEMBERS = 14


def member_count_warning(count: int) -> str:
    """Return a warning when a bloc falls outside the usual 4–14 members, else ''."""
    if count < MIN_MEMBERS:
        return _("Khối chỉ có %(n)s thành viên, ít hơn mức tối thiểu %(min)s.") % {
            "n": count,
            "min": MIN_MEMBERS,
        }
    if count > MAX_MEMBERS:
        return _("Khối có %(n)s thành viên, nhiều hơn mức tối đa %(max)s.") % {
            "n": count,
            "max": MAX_MEMBERS,
        }
    return ""


@transaction.atomic
def add_member(*, term: BlocTerm, agency: Agency, joined_on, by=None) -> Membership:
    """Add an agency to the term (or bring back one that left)."""
    if not agency.active:
        raise ValidationError(
            _("%(agency)s đã ngừng hoạt động hoặc đã hợp nhất.") % {"agency": agency}
        )
    if agency.council_id != term.bloc.council_id:
        raise ValidationError(_("Đơn vị thuộc hội đồng thi đua khác."))
    membership = Membership.objects.filter(term=term, agency=agency).first()
    if membership and membership.left_on is None:
        raise ValidationError(
            _("%(agency)s đã là thành viên của khối năm %(year)s.")
            % {"agency": agency, "year": term.year}
        )
    if membership:
        membership.left_on = None
        membership.left_reason = ""
        membership.joined_on = joined_on
        membership.full_clean()
        record_by(membership, by).save(update_fields=["left_on", "left_reason", "joined_on"])
    else:
        membership = Membership(term=term, agency=agency, joined_on=joined_on)
        membership.full_clean()
        record_by(membership, by).save()
    if not RotationSlot.objects.filter(bloc=term.bloc, agency=agency).exists():
        last = RotationSlot.objects.filter(bloc=term.bloc).order_by("-position").first()
        slot = RotationSlot(
            bloc=term.bloc, agency=agency, position=(last.position + 1) if last else 1
        )
        record_by(slot, by).save()
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, left_on, reason: str = "", by=None) -> Membership:
    """Record that an agency left the term; its history stays."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(_("Đơn vị này đã rời khối."))
    if membership.role != Membership.Role.MEMBER:
        raise ValidationError(
            _(
                "Không thể cho khối trưởng hoặc khối phó rời khối; hãy đổi khối trưởng, khối phó trước."
            )
        )
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("Ngày rời khối phải sau ngày tham gia.")})
    membership.left_on = left_on
    membership.left_reason = reason
    membership.full_clean()
    record_by(membership, by).save(update_fields=["left_on", "left_reason"])
    return membership


@transaction.atomic
def set_rotation(*, bloc: Bloc, agencies: list[Agency], by=None) -> list[RotationSlot]:
    """Replace the bloc's rotation order of the lead with ``agencies``, in that order."""
    if len({a.pk for a in agencies}) != len(agencies):
        raise ValidationError(_("Một đơn vị chỉ có một vị trí trong thứ tự luân phiên."))
    foreign = [a for a in agencies if a.council_id != bloc.council_id]
    if foreign:
        raise ValidationError(_("%(agency)s thuộc hội đồng thi đua khác.") % {"agency": foreign[0]})
    Bloc.objects.select_for_update().filter(pk=bloc.pk).first()
    delete_with_history(RotationSlot.objects.filter(bloc=bloc), by=by)
    return bulk_create_with_history(
        [
            RotationSlot(bloc=bloc, agency=agency, position=position)
            for position, agency in enumerate(agencies, start=1)
        ],
        RotationSlot,
        default_user=by,
    )


@transaction.atomic
def import_members(*, term: BlocTerm, rows, by=None) -> list[Membership]:
    """Create the new agencies and add every row as a member, all or nothing.

    ``rows`` are ``blocs.imports.ImportRow`` from a file read without a single error; any
    failure here (a row that became invalid since it was read) undoes the whole import.
    """
    if term.is_closed:
        raise ValidationError(_("Năm thi đua đã kết thúc, không thể nhập thêm thành viên."))
    memberships = []
    for row in rows:
        if row.agency_id:
            agency = Agency.objects.filter(
                pk=row.agency_id, council_id=term.bloc.council_id
            ).first()
            if agency is None:
                raise ValidationError(
                    _("Dòng %(row)s: %(msg)s")
                    % {
                        "row": row.row,
                        "msg": _("đơn vị không còn trong danh sách của hội đồng thi đua."),
                    }
                )
        else:
            try:
                agency = create_agency(
                    council_id=term.bloc.council_id,
                    name=row.name,
                    abbreviation=row.abbreviation,
                    kind=row.kind,
                    parent_body=row.parent_body,
                    by=by,
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("Dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(exc.messages)}
                ) from exc
        try:
            membership = add_member(term=term, agency=agency, joined_on=row.joined_on, by=by)
        except ValidationError as exc:
            raise ValidationError(
                _("Dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(exc.messages)}
            ) from exc
        memberships.append(membership)
    return memberships
