"""Writes of agencies: renames and the 2025 mergers."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.history import record_by
from blocs.models import (
    Agency,
    AgencyNameChange,
    BlocTerm,
    LeadershipChange,
    Membership,
    RotationSlot,
)
from blocs.services.leadership import fill_vacant_lead, lead_of, record_lead_change

__all__ = [
    "create_agency",
    "merge_agencies",
    "rename_agency",
]


def create_agency(
    *, council_id: int, name: str, abbreviation: str, kind: str, parent_body: str = "", by=None
) -> Agency:
    """Create an agency of the council, checked like any other (its abbreviation unique)."""
    agency = Agency(
        council_id=council_id,
        name=name,
        abbreviation=abbreviation,
        kind=kind,
        parent_body=parent_body,
    )
    agency.full_clean()
    record_by(agency, by).save()
    return agency


@transaction.atomic
def rename_agency(
    *, agency: Agency, name: str, abbreviation: str, changed_on, reason: str = "", by=None
) -> Agency:
    """Rename an agency; the old name stays in history for earlier years' documents."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    change = AgencyNameChange(
        agency=agency,
        old_name=agency.name,
        new_name=name,
        old_abbreviation=agency.abbreviation,
        new_abbreviation=abbreviation,
        changed_on=changed_on,
        reason=reason,
        recorded_by=by,
    )
    agency.name = name
    agency.abbreviation = abbreviation
    agency.full_clean()
    record_by(agency, by).save(update_fields=["name", "abbreviation", "sort_key", "search_text"])
    change.new_abbreviation = agency.abbreviation
    change.full_clean()
    change.save()
    return agency


@transaction.atomic
def merge_agencies(*, source: Agency, target: Agency, merged_on, by=None) -> Agency:
    """Merge ``source`` into ``target`` (2025 reorganisations): history stays on ``source``.

    Open terms (not closed) lose ``source`` from ``merged_on`` and gain ``target`` where it was
    not a member; a lead held by ``source`` passes to ``target``.
    """
    if source.pk == target.pk:
        raise ValidationError(_("Không thể hợp nhất một đơn vị vào chính nó."))
    if not target.active:
        raise ValidationError(_("Đơn vị tiếp nhận đã ngừng hoạt động."))
    source = Agency.objects.select_for_update().get(pk=source.pk)
    open_memberships = list(
        Membership.objects.select_for_update()
        .filter(agency=source, left_on__isnull=True)
        .exclude(term__status=BlocTerm.Status.CLOSED)
        .select_related("term")
    )
    leads_before = {m.term_id: lead_of(m.term) for m in open_memberships}
    for m in open_memberships:
        role = m.role
        target_m = Membership.objects.filter(term=m.term, agency=target).first()
        if target_m is None:
            target_m = Membership(term=m.term, agency=target, joined_on=max(merged_on, m.joined_on))
            record_by(target_m, by).save()
        elif target_m.left_on is not None:
            target_m.left_on = None
            record_by(target_m, by).save(update_fields=["left_on"])
        m.role = Membership.Role.MEMBER
        m.left_on = max(merged_on, m.joined_on)
        m.left_reason = _("Hợp nhất vào %(target)s") % {"target": target}
        record_by(m, by).save(update_fields=["role", "left_on", "left_reason"])
        if role != Membership.Role.MEMBER and target_m.role == Membership.Role.MEMBER:
            target_m.role = role
            try:
                with transaction.atomic():
                    record_by(target_m, by).save(update_fields=["role"])
            except IntegrityError:
                target_m.role = Membership.Role.MEMBER
    for term in {m.term_id: m.term for m in open_memberships}.values():
        fill_vacant_lead(term, by=by)
        record_lead_change(
            term=term,
            old=leads_before[term.pk],
            new=lead_of(term),
            by=by,
            source=LeadershipChange.Source.MERGER,
            reason=_("%(source)s hợp nhất vào %(target)s") % {"source": source, "target": target},
        )
    for slot in RotationSlot.objects.filter(agency=source):
        if RotationSlot.objects.filter(bloc=slot.bloc, agency=target).exists():
            record_by(slot, by).delete()
        else:
            slot.agency = target
            record_by(slot, by).save(update_fields=["agency"])
    source.active = False
    source.merged_into = target
    source.merged_on = merged_on
    source.full_clean()
    record_by(source, by).save(update_fields=["active", "merged_into", "merged_on"])
    return source
