"""Writes that touch several rows of the blocs app."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import (
    Agency,
    AgencyNameChange,
    Bloc,
    BlocTerm,
    LeadershipChange,
    LeadershipElection,
    Membership,
    RotationSlot,
)
from blocs.rotation import propose_leadership

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


def _lead_of(term: BlocTerm) -> tuple[int | None, int | None]:
    """The (leader id, deputy id) of ``term`` as stored now."""
    roles = dict(
        Membership.objects.filter(term=term)
        .exclude(role=Membership.Role.MEMBER)
        .values_list("role", "agency_id")
    )
    return roles.get(Membership.Role.LEADER), roles.get(Membership.Role.DEPUTY)


def _record_lead_change(*, term, old, new, by, source, reason="") -> LeadershipChange | None:
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
            m.save(update_fields=["role"])
    for agency_id, role in (
        (leader.pk, Membership.Role.LEADER),
        (deputy.pk, Membership.Role.DEPUTY),
    ):
        m = memberships[agency_id]
        if m.role != role:
            m.role = role
            m.save(update_fields=["role"])
    _record_lead_change(
        term=term, old=old, new=(leader.pk, deputy.pk), by=by, source=source, reason=reason
    )
    # Drop a stale prefetch so that term.leader / term.deputy show the new lead.
    getattr(term, "_prefetched_objects_cache", {}).pop("memberships", None)
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
    leader = leader or proposed_leader
    deputy = deputy or proposed_deputy
    term = BlocTerm(
        bloc=bloc,
        year=year,
        status=BlocTerm.Status.PLANNING,
        quorum=current.quorum,
        legal_bases=current.legal_bases,
        opened_by=by,
    )
    term.full_clean()
    term.save()
    start = datetime.date(year, 1, 1)
    Membership.objects.bulk_create(
        Membership(term=term, agency_id=m.agency_id, joined_on=start)
        for m in current.memberships.all()
        if m.left_on is None and m.agency.active
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
    election.full_clean()
    election.save()
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
        membership.save(update_fields=["left_on", "left_reason", "joined_on"])
    else:
        membership = Membership(term=term, agency=agency, joined_on=joined_on)
        membership.full_clean()
        membership.save()
    if not RotationSlot.objects.filter(bloc=term.bloc, agency=agency).exists():
        last = RotationSlot.objects.filter(bloc=term.bloc).order_by("-position").first()
        RotationSlot.objects.create(
            bloc=term.bloc, agency=agency, position=(last.position + 1) if last else 1
        )
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
    membership.save(update_fields=["left_on", "left_reason"])
    return membership


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
    agency.save(update_fields=["name", "abbreviation", "sort_key"])
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
    leads_before = {m.term_id: _lead_of(m.term) for m in open_memberships}
    for m in open_memberships:
        role = m.role
        target_m = Membership.objects.filter(term=m.term, agency=target).first()
        if target_m is None:
            target_m = Membership.objects.create(
                term=m.term, agency=target, joined_on=max(merged_on, m.joined_on)
            )
        elif target_m.left_on is not None:
            target_m.left_on = None
            target_m.save(update_fields=["left_on"])
        m.role = Membership.Role.MEMBER
        m.left_on = max(merged_on, m.joined_on)
        m.left_reason = _("Hợp nhất vào %(target)s") % {"target": target}
        m.save(update_fields=["role", "left_on", "left_reason"])
        if role != Membership.Role.MEMBER and target_m.role == Membership.Role.MEMBER:
            target_m.role = role
            try:
                with transaction.atomic():
                    target_m.save(update_fields=["role"])
            except IntegrityError:
                target_m.role = Membership.Role.MEMBER
    for term in {m.term_id: m.term for m in open_memberships}.values():
        _fill_vacant_lead(term)
        _record_lead_change(
            term=term,
            old=leads_before[term.pk],
            new=_lead_of(term),
            by=by,
            source=LeadershipChange.Source.MERGER,
            reason=_("%(source)s hợp nhất vào %(target)s") % {"source": source, "target": target},
        )
    for slot in RotationSlot.objects.filter(agency=source):
        if RotationSlot.objects.filter(bloc=slot.bloc, agency=target).exists():
            slot.delete()
        else:
            slot.agency = target
            slot.save(update_fields=["agency"])
    source.active = False
    source.merged_into = target
    source.merged_on = merged_on
    source.full_clean()
    source.save(update_fields=["active", "merged_into", "merged_on"])
    return source


def _fill_vacant_lead(term: BlocTerm) -> None:
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
                m.save(update_fields=["role"])
                roles[role] = m
                taken.add(candidate)
                break


@transaction.atomic
def set_rotation(*, bloc: Bloc, agencies: list[Agency], by=None) -> list[RotationSlot]:
    """Replace the bloc's rotation order of the lead with ``agencies``, in that order."""
    if len({a.pk for a in agencies}) != len(agencies):
        raise ValidationError(_("Một đơn vị chỉ có một vị trí trong thứ tự luân phiên."))
    foreign = [a for a in agencies if a.council_id != bloc.council_id]
    if foreign:
        raise ValidationError(_("%(agency)s thuộc hội đồng thi đua khác.") % {"agency": foreign[0]})
    Bloc.objects.select_for_update().filter(pk=bloc.pk).first()
    RotationSlot.objects.filter(bloc=bloc).delete()
    return RotationSlot.objects.bulk_create(
        RotationSlot(bloc=bloc, agency=agency, position=position)
        for position, agency in enumerate(agencies, start=1)
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
            agency = Agency(
                council_id=term.bloc.council_id,
                name=row.name,
                abbreviation=row.abbreviation,
                kind=row.kind,
                parent_body=row.parent_body,
            )
            try:
                agency.full_clean()
            except ValidationError as exc:
                raise ValidationError(
                    _("Dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(exc.messages)}
                ) from exc
            agency.save()
        try:
            membership = add_member(term=term, agency=agency, joined_on=row.joined_on, by=by)
        except ValidationError as exc:
            raise ValidationError(
                _("Dòng %(row)s: %(msg)s") % {"row": row.row, "msg": "; ".join(exc.messages)}
            ) from exc
        memberships.append(membership)
    return memberships


@transaction.atomic
def close_term(*, term: BlocTerm, by) -> BlocTerm:
    """Close a finished year: from then on it is read-only for its members."""
    if term.is_closed:
        raise ValidationError(_("Năm thi đua này đã kết thúc."))
    term.status = BlocTerm.Status.CLOSED
    term.save(update_fields=["status"])
    return term


@transaction.atomic
def activate_term(*, term: BlocTerm, by) -> BlocTerm:
    """Start a planned year once its lead is set."""
    if term.status != BlocTerm.Status.PLANNING:
        raise ValidationError(_("Chỉ năm thi đua đang chuẩn bị mới có thể bắt đầu."))
    if term.leader is None or term.deputy is None:
        raise ValidationError(_("Cần có khối trưởng và khối phó trước khi bắt đầu năm thi đua."))
    term.status = BlocTerm.Status.ACTIVE
    term.save(update_fields=["status"])
    return term


def today():
    return timezone.localdate()
