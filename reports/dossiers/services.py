"""Every write on a dossier: its moves, its attachments, the decision and a revocation.

Each move asks ``awards.dossier_rules.transition`` whether it is allowed, is recorded as a
``DossierEvent`` (who, when, from → to, reason) and tells the people on the other side.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import dossier_rules
from awards.dossier_rules import Refused
from awards.models import (
    AwardDecision,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierVersion,
    GrantedAward,
    Nomination,
)
from blocs.history import record_by
from blocs.models import BoardOfficer
from blocs.services.notifications import Message, notify_all, people_of
from reports import notices
from reports.attachments import save_checked
from reports.dossiers import parts as dossier_parts


class Incomplete(Refused):
    """A submission that lacks parts; ``missing`` names each of them."""

    def __init__(self, missing: list[str]):
        super().__init__("incomplete", dossier_parts.label_missing(missing))
        self.missing = missing


def dossier_of(term) -> Dossier | None:
    """The term's dossier, with its decision once there is one."""
    return Dossier.objects.filter(term=term).select_related("decision").first()


def dossier_for(term) -> Dossier:
    """The term's dossier, made in draft the first time it is asked for (race-safe)."""
    found = dossier_of(term)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Dossier.objects.create(term=term)
    except IntegrityError:
        return Dossier.objects.get(term=term)


def actor_for(access, action: str) -> str:
    """Which side the reader acts for in ``action``: administrators act for either side."""
    move = dossier_rules.MOVES.get(action)
    if move is not None and access.is_admin:
        return move.actor
    if move is not None and move.actor == dossier_rules.BOARD and access.is_board:
        return dossier_rules.BOARD
    if access.can_manage:
        return dossier_rules.BLOC
    return dossier_rules.BOARD if access.is_board else ""


def _locked(term) -> Dossier:
    dossier = dossier_for(term)
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def _record(dossier, *, action, from_state, by, reason="") -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=dossier.state,
        version=dossier.version,
        reason=reason,
        actor=by,
    )


def dossier_url(term) -> str:
    return reverse("reports:dossier", args=[term.bloc.code, term.year])


def _params(term, **more) -> dict:
    return {"bloc": term.bloc.name, "year": term.year, **more}


def _bloc_people(term, *agency_ids) -> list:
    """The leader agency's people (its secretariat), and any other agencies named."""
    leader = term.leader
    ids = [leader.pk] if leader else []
    return people_of([*ids, *agency_ids])


def _board_people(term) -> list:
    return [
        officer.user
        for officer in BoardOfficer.objects.filter(council_id=term.bloc.council_id).select_related(
            "user"
        )
    ]


def _tell(term, dossier, action, by, reason) -> None:
    url = dossier_url(term)
    params = _params(term, version=dossier.version, reason=reason)
    if action == dossier_rules.SUBMIT:
        kind, people = notices.DOSSIER_SUBMITTED, _board_people(term)
    elif action == dossier_rules.WITHDRAW:
        kind, people = notices.DOSSIER_WITHDRAWN, _board_people(term)
    elif action == dossier_rules.RETURN:
        kind, people = notices.DOSSIER_RETURNED, _bloc_people(term)
    elif action == dossier_rules.ACCEPT:
        kind, people = notices.DOSSIER_ACCEPTED, _bloc_people(term)
    else:
        return
    notify_all([Message(people, kind, params, url)], by=by)


@transaction.atomic
def move(*, term, action: str, actor: str, by, reason: str = "") -> Dossier:
    """Make ``action`` on the term's dossier for ``actor`` (bloc or board); ``Refused`` if not
    allowed, ``Incomplete`` naming each missing part when a submission lacks any."""
    if action == dossier_rules.DECIDE:
        raise Refused("use_decision", _("Quyết định được ghi bằng mẫu ghi quyết định."))
    reason = (reason or "").strip()
    dossier = _locked(term)
    before = dossier.state
    after = dossier_rules.transition(before, action, actor, reason)
    if action == dossier_rules.SUBMIT:
        assembly = dossier_parts.assemble(term, dossier)
        if assembly.missing:
            raise Incomplete(assembly.missing)
        dossier.version += 1
        DossierVersion.objects.create(
            dossier=dossier,
            number=dossier.version,
            submitted_at=timezone.now(),
            submitted_by=by,
            parts=dossier_parts.snapshot(assembly),
        )
    dossier.state = after
    record_by(dossier, by).save()
    _record(dossier, action=action, from_state=before, by=by, reason=reason)
    _tell(term, dossier, action, by, reason)
    return dossier


def _editable(dossier) -> None:
    if not dossier.is_editable:
        raise ValidationError(
            _("Chỉ thêm, gỡ tài liệu khi hồ sơ đang chuẩn bị hoặc bị Ban trả lại.")
        )


@transaction.atomic
def add_attachment(*, term, title: str, uploaded, by) -> DossierAttachment:
    """Store a file for the dossier, checked as evidence is (type from content, size)."""
    dossier = _locked(term)
    _editable(dossier)
    return save_checked(
        DossierAttachment(dossier=dossier, title=title.strip()[:255]), uploaded, by=by
    )


@transaction.atomic
def withdraw_attachment(*, term, attachment_id, by) -> DossierAttachment:
    """Take a file off the dossier; it stays stored for the versions that sent it."""
    dossier = _locked(term)
    _editable(dossier)
    attachment = DossierAttachment.objects.get(pk=attachment_id, dossier=dossier)
    if attachment.withdrawn_at is None:
        attachment.withdrawn_at = timezone.now()
        record_by(attachment, by).save()
    return attachment


def sent_nominations(dossier, *, versions=None, nominations=()) -> list[Nomination]:
    """The nominations of the latest submitted version, in its order (2 queries, none given
    the dossier's ``versions`` newest first and the ``nominations`` it sent, already read)."""
    if versions is None:
        version = dossier.versions.order_by("-number").first()
    else:
        version = versions[0] if versions else None
    if version is None:
        return []
    ids = dossier_parts.nominations_sent(version)
    wanted = set(ids)
    by_id = {n.pk: n for n in nominations if n.pk in wanted}
    unread = [i for i in ids if i not in by_id]
    if unread:
        found = Nomination.objects.filter(pk__in=unread).select_related(
            "agency", "nomination_list__award_type"
        )
        by_id.update((n.pk, n) for n in found)
    return [by_id[i] for i in ids if i in by_id]


@transaction.atomic
def record_decision(
    *,
    term,
    actor: str,
    by,
    number: str,
    signed_on,
    signer_name: str,
    signer_title: str,
    granted_ids,
) -> AwardDecision:
    """Record the council's decision on an accepted dossier: one answer per nominee sent,
    granted for those in ``granted_ids`` (possibly fewer than proposed, never others)."""
    dossier = _locked(term)
    before = dossier.state
    dossier_rules.transition(before, dossier_rules.DECIDE, actor)
    nominations = sent_nominations(dossier)
    granted_ids = {int(i) for i in granted_ids}
    unknown = granted_ids - {n.pk for n in nominations}
    if unknown:
        raise Refused(
            "not_proposed", _("Chỉ khen thưởng được đơn vị có trong hồ sơ đề nghị của khối.")
        )
    decision = record_by(
        AwardDecision(
            dossier=dossier,
            number=number.strip(),
            signed_on=signed_on,
            signer_name=signer_name.strip(),
            signer_title=signer_title.strip(),
            recorded_by=by,
        ),
        by,
    )
    decision.save()
    for nomination in nominations:
        record_by(
            GrantedAward(
                decision=decision,
                nomination=nomination,
                agency=nomination.agency,
                award_type=nomination.nomination_list.award_type,
                granted=nomination.pk in granted_ids,
            ),
            by,
        ).save()
    dossier.state = Dossier.State.DECIDED
    record_by(dossier, by).save()
    # The page names the decision beside its event, in the reader's language.
    _record(dossier, action=dossier_rules.DECIDE, from_state=before, by=by)
    granted = [n for n in nominations if n.pk in granted_ids]
    notify_all(
        [
            Message(
                _bloc_people(term, *{n.agency_id for n in granted}),
                notices.DOSSIER_DECIDED,
                _params(
                    term,
                    number=decision.number,
                    date=signed_on.isoformat(),
                    granted=len(granted),
                    proposed=len(nominations),
                ),
                dossier_url(term),
            )
        ],
        by=by,
    )
    return decision


@transaction.atomic
def revoke_award(*, term, grant_id, actor: str, by, number: str, revoked_on, reason: str):
    """Record that a granted award was revoked (Luật Thi đua, khen thưởng 2022, chương VII);
    the award stays, marked, with the revoking decision and its reason."""
    if actor != dossier_rules.BOARD:
        raise Refused("wrong_actor", _("Chỉ Ban Thi đua – Khen thưởng ghi việc thu hồi."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("Cần ghi rõ lý do thu hồi."))
    grant = (
        GrantedAward.objects.select_for_update(of=("self",))
        .select_related("agency", "award_type", "decision")
        .get(pk=grant_id, decision__dossier__term=term)
    )
    if not grant.granted:
        raise Refused(
            "not_granted", _("Đơn vị này không được khen thưởng nên không có gì để thu hồi.")
        )
    if grant.is_revoked:
        raise Refused("already_revoked", _("Khen thưởng này đã được ghi thu hồi."))
    if revoked_on < grant.decision.signed_on:
        raise Refused(
            "before_decision",
            _("Ngày thu hồi không thể trước ngày ký quyết định khen thưởng (%(date)s).")
            % {"date": grant.decision.signed_on.strftime("%d/%m/%Y")},
        )
    grant.revoked_at = timezone.now()
    grant.revoked_on = revoked_on
    grant.revocation_number = number.strip()
    grant.revocation_reason = reason
    grant.revoked_by = by
    record_by(grant, by).save()
    notify_all(
        [
            Message(
                _bloc_people(term, grant.agency_id),
                notices.AWARD_REVOKED,
                _params(
                    term,
                    agency=grant.agency.name,
                    award=grant.award_type.name,
                    number=grant.revocation_number,
                    reason=reason,
                ),
                dossier_url(term),
            )
        ],
        by=by,
    )
    return grant
