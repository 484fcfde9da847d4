"""Writes of a term's lead: the proposal, direct changes, the election and their log."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.history import record_by
from blocs.models import (
    Agency,
    BlocTerm,
    LeadershipChange,
    LeadershipElection,
    Membership,
    RotationSlot,
)
from blocs.rotation import propose_leadership

# ``lead_of``, ``record_lead_change`` and ``fill_vacant_lead`` are shared with agency mergers only.
__all__ = ["proposal_for_next_year", "record_election", "set_leadership"]


def proposal_for_next_year(*, term: BlocTerm):
    """Return (leader, deputy, source) proposed for the year after ``term``."""
    current = [m for m in term.memberships.all() if m.left_on is None]
    members = {m.agency_id for m in current}
    rotation = list(
        RotationSlot.objects.filter(bloc=term.bloc)
        .order_by("position")
        .values_list("agency_id", flat=True)
    )
    election = LeadershipElection.objects.filter(term=term).first()
    pair = (election.leader_id, election.deputy_id) if election else None
    leader_id, deputy_id, source = propose_leadership(
        rotation=rotation,
        members=members,
        leader=term.leader.pk if term.leader else None,
        deputy=term.deputy.pk if term.deputy else None,
        election=pair,
    )
    agencies = Agency.objects.in_bulk([a for a in (leader_id, deputy_id) if a])
    return agencies.get(leader_id), agencies.get(deputy_id), source


def lead_of(term: BlocTerm) -> tuple[int | None, int | None]:
    """The (leader id, deputy id) of ``term`` as stored now."""
    roles = dict(
        Membership.objects.filter(term=term)
        .exclude(role=Membership.Role.MEMBER)
        .values_list("role", "agency_id")
    )
    return roles.get(Membership.Role.LEADER), roles.get(Membership.Role.DEPUTY)


def record_lead_change(*, term, old, new, by, source, reason="") -> LeadershipChange | None:
    """Keep who changed the lead, from what to what; nothing when it did not change."""
    if old == new:
        return None
    change = LeadershipChange(
        term=term,
        source=source,
        old_leader_id=old[0],
        old_deputy_id=old[1],
        new_leader_id=new[0],
        new_deputy_id=new[1],
        reason=reason,
        changed_by=by,
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def set_leadership(
    *,
    term: BlocTerm,
    leader: Agency,
    deputy: Agency,
    by=None,
    reason: str = "",
    source: str = LeadershipChange.Source.MANUAL,
) -> BlocTerm:
    """Make ``leader`` and ``deputy`` (both current members) the term's lead, and log it."""
    if leader == deputy:
        raise ValidationError(_("Khối trưởng và khối phó phải là hai đơn vị khác nhau."))
    memberships = {m.agency_id: m for m in Membership.objects.select_for_update().filter(term=term)}
    old = (
        next((a for a, m in memberships.items() if m.role == Membership.Role.LEADER), None),
        next((a for a, m in memberships.items() if m.role == Membership.Role.DEPUTY), None),
    )
    for agency, label in ((leader, _("Khối trưởng")), (deputy, _("Khối phó"))):
        m = memberships.get(agency.pk)
        if m is None or m.left_on is not None:
            raise ValidationError(
                _(
                    "%(role)s phải là thành viên của khối năm %(year)s: %(agency)s chưa là thành viên."
                )
                % {"role": label, "year": term.year, "agency": agency}
            )
    for m in memberships.values():
        role = (
            Membership.Role.LEADER
            if m.agency_id == leader.pk
            else Membership.Role.DEPUTY
            if m.agency_id == deputy.pk
            else Membership.Role.MEMBER
        )
        if m.role != role and m.role != Membership.Role.MEMBER:
            m.role = Membership.Role.MEMBER
            record_by(m, by).save(update_fields=["role"])
    for agency_id, role in (
        (leader.pk, Membership.Role.LEADER),
        (deputy.pk, Membership.Role.DEPUTY),
    ):
        m = memberships[agency_id]
        if m.role != role:
            m.role = role
            record_by(m, by).save(update_fields=["role"])
    record_lead_change(
        term=term, old=old, new=(leader.pk, deputy.pk), by=by, source=source, reason=reason
    )
    # Drop a stale prefetch so that term.leader / term.deputy show the new lead.
    getattr(term, "_prefetched_objects_cache", {}).pop("memberships", None)
    return term


@transaction.atomic
def record_election(
    *,
    term: BlocTerm,
    by,
    held_on,
    leader: Agency,
    deputy: Agency,
    voters: int,
    leader_votes: int,
    deputy_votes: int,
    minutes=None,
    minutes_number: str | None = None,
    minutes_date=None,
) -> LeadershipElection:
    """Record the year-end vote for next year's lead; an open next term takes it at once."""
    current = {m.agency_id for m in term.memberships.all() if m.left_on is None}
    for agency in (leader, deputy):
        if agency.pk not in current:
            raise ValidationError(
                _("%(agency)s không phải là thành viên của khối năm %(year)s.")
                % {"agency": agency, "year": term.year}
            )
    election = LeadershipElection.objects.filter(term=term).first() or LeadershipElection(term=term)
    election.held_on = held_on
    election.leader = leader
    election.deputy = deputy
    election.voters = voters
    election.leader_votes = leader_votes
    election.deputy_votes = deputy_votes
    election.recorded_by = by
    if minutes:
        election.minutes = minutes
    # Number and date of the minutes: ``None`` keeps what was recorded.
    if minutes_number is not None:
        election.minutes_number = minutes_number.strip()
    if minutes_date is not None or minutes_number is not None:
        election.minutes_date = minutes_date
    election.full_clean()
    record_by(election, by).save()
    following = BlocTerm.objects.filter(bloc=term.bloc, year=term.year + 1).first()
    if following and not following.is_closed:
        members = set(
            following.memberships.filter(left_on__isnull=True).values_list("agency_id", flat=True)
        )
        if leader.pk in members and deputy.pk in members:
            set_leadership(
                term=following,
                leader=leader,
                deputy=deputy,
                by=by,
                reason=_("Theo kết quả bầu ngày %(day)s") % {"day": held_on.strftime("%d/%m/%Y")},
                source=LeadershipChange.Source.ELECTION,
            )
    return election


def fill_vacant_lead(term: BlocTerm, *, by=None) -> None:
    """After a merge, give a vacant lead or deputy post to the next member in the rotation."""
    memberships = list(Membership.objects.filter(term=term, left_on__isnull=True))
    roles = {m.role: m for m in memberships}
    if Membership.Role.LEADER in roles and Membership.Role.DEPUTY in roles:
        return
    members = {m.agency_id for m in memberships}
    rotation = list(
        RotationSlot.objects.filter(bloc=term.bloc)
        .order_by("position")
        .values_list("agency_id", flat=True)
    )
    order = rotation + sorted(members - set(rotation))
    taken = {m.agency_id for m in memberships if m.role != Membership.Role.MEMBER}
    for role in (Membership.Role.LEADER, Membership.Role.DEPUTY):
        if role in roles:
            continue
        anchor = roles.get(Membership.Role.LEADER)
        start = order.index(anchor.agency_id) + 1 if anchor and anchor.agency_id in order else 0
        for step in range(len(order)):
            candidate = order[(start + step) % len(order)]
            if candidate in members and candidate not in taken:
                m = next(x for x in memberships if x.agency_id == candidate)
                m.role = role
                record_by(m, by).save(update_fields=["role"])
                roles[role] = m
                taken.add(candidate)
                break
