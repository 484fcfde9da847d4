"""Writes on campaigns, pledges, signatures and title registrations.

A pledge goes draft → open → signed; an open or signed pledge that must change is withdrawn
(void) and the next version is issued as a draft copy. Signatures of a withdrawn version stay
where they are: they prove what was signed then, not what is in force now.
"""

import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from blocs.auth import password_is_correct
from blocs.history import delete_with_history, record_by
from blocs.models import AgencyRole, BlocTerm, Membership
from campaigns import notices
from campaigns.models import (
    Campaign,
    CampaignAttachment,
    Commitment,
    Pledge,
    PledgeEvent,
    PledgeSignature,
    TitleRegistration,
)
from campaigns.services import notifications

logger = logging.getLogger(__name__)


class PledgeError(ValidationError):
    """A refused pledge operation; its message is shown to the user as is."""


# Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def save_campaign(
    *,
    term: BlocTerm,
    by,
    kind: str,
    title: str,
    starts_on,
    ends_on,
    content: str = "",
    campaign: Campaign | None = None,
    files=(),
) -> Campaign:
    """Create a campaign of ``term`` or update ``campaign``; attach any uploaded ``files``."""
    if campaign is None:
        campaign = Campaign(term=term, created_by=by)
    campaign.kind = kind
    campaign.title = " ".join(title.split())
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.content = content.strip()
    campaign.full_clean()
    record_by(campaign, by).save()
    for uploaded in files:
        add_campaign_attachment(campaign=campaign, uploaded=uploaded, by=by)
    return campaign


@transaction.atomic
def add_campaign_attachment(*, campaign: Campaign, uploaded, by) -> CampaignAttachment:
    """Store one uploaded file with its SHA-256."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    attachment = CampaignAttachment(
        campaign=campaign,
        file=uploaded,
        original_name=uploaded.name[:255],
        sha256=digest.hexdigest(),
        size=uploaded.size,
        uploaded_by=by,
    )
    attachment.full_clean()
    record_by(attachment, by).save()
    return attachment


# Pledge drafting ------------------------------------------------------------------------------


def current_pledge(term: BlocTerm) -> Pledge | None:
    """The term's pledge in force or in preparation (never a withdrawn one)."""
    return Pledge.objects.current().filter(term=term).order_by("-version").first()


def _record(pledge: Pledge, *, by, from_status: str, note: str = "") -> PledgeEvent:
    event = PledgeEvent(
        pledge=pledge, by=by, from_status=from_status, to_status=pledge.status, note=note
    )
    event.full_clean()
    event.save()
    return event


def _clean_lines(texts) -> list[str]:
    return [t.strip() for t in texts if t and t.strip()]


def _set_commitments(pledge: Pledge, commitments: list[str], *, by) -> None:
    delete_with_history(pledge.commitments.all(), by=by)
    rows = [Commitment(pledge=pledge, order=i, text=t) for i, t in enumerate(commitments, 1)]
    for row in rows:
        row.full_clean(validate_constraints=False)
    bulk_create_with_history(rows, Commitment, default_user=by)


@transaction.atomic
def save_pledge_draft(
    *,
    term: BlocTerm,
    by,
    title: str,
    slogan: str,
    legal_bases: str,
    commitments: list[str],
) -> Pledge:
    """Create the term's draft pledge, or update it while it is still a draft."""
    BlocTerm.objects.select_for_update().filter(pk=term.pk).first()
    pledge = current_pledge(term)
    created = pledge is None
    if pledge is not None and pledge.is_frozen:
        raise PledgeError(
            _(
                "Giao ước đã mở ký nên không thể sửa. Hãy thu hồi và ban hành phiên bản mới "
                "nếu cần thay đổi."
            )
        )
    commitments = _clean_lines(commitments)
    if not commitments:
        raise PledgeError(_("Giao ước cần ít nhất một nội dung cam kết."))
    if pledge is None:
        last = Pledge.objects.filter(term=term).aggregate(v=Max("version"))["v"] or 0
        pledge = Pledge(term=term, version=last + 1, created_by=by)
    pledge.title = " ".join(title.split())
    pledge.slogan = " ".join(slogan.split())
    pledge.legal_bases = "\n".join(_clean_lines(legal_bases.splitlines()))
    pledge.full_clean()
    record_by(pledge, by).save()
    _set_commitments(pledge, commitments, by=by)
    if created:
        _record(pledge, by=by, from_status="", note=_("Soạn dự thảo."))
    return pledge


def _retitle(text: str, old_year: int, new_year: int) -> str:
    return text.replace(str(old_year), str(new_year))


@transaction.atomic
def copy_previous_pledge(*, term: BlocTerm, by) -> Pledge:
    """Start this year's draft from last year's pledge (the latest version not withdrawn)."""
    previous = list(
        Pledge.objects.filter(term__bloc=term.bloc, term__year__lt=term.year)
        .select_related("term")
        .prefetch_related("commitments")
        .order_by("-term__year", "-version")
    )
    latest_year = [p for p in previous if p.term.year == previous[0].term.year] if previous else []
    source = next((p for p in latest_year if p.status != Pledge.Status.VOID), None) or next(
        iter(latest_year), None
    )
    if source is None:
        raise PledgeError(_("Năm trước chưa có giao ước để sao chép."))
    if current_pledge(term) is not None:
        raise PledgeError(_("Năm này đã có giao ước; không thể sao chép đè lên."))
    old, new = source.term.year, term.year
    return save_pledge_draft(
        term=term,
        by=by,
        title=_retitle(source.title, old, new),
        slogan=source.slogan,
        legal_bases=term.legal_bases or source.legal_bases,
        commitments=[_retitle(c.text, old, new) for c in source.commitments.all()],
    )


def member_snapshot(term: BlocTerm, *, memberships=None) -> list[dict]:
    """The current members of ``term`` in Vietnamese order, as the pledge freezes them;
    ``memberships`` (the term's current ones with their agencies, in that order) when a page
    has read them already."""
    rows = memberships
    if rows is None:
        rows = (
            Membership.objects.filter(term=term, left_on__isnull=True)
            .select_related("agency")
            .order_by("agency__sort_key", "agency_id")
        )
    return [
        {"id": m.agency_id, "name": m.agency.name, "abbreviation": m.agency.abbreviation}
        for m in rows
    ]


def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().select_related("term__bloc").get(pk=pledge.pk)


@transaction.atomic
def open_pledge(*, pledge: Pledge, by) -> Pledge:
    """Freeze the draft and open it for signing; tell every member head."""
    pledge = _locked(pledge)
    if pledge.status != Pledge.Status.DRAFT:
        raise PledgeError(_("Chỉ mở ký được giao ước đang ở trạng thái dự thảo."))
    if pledge.term.is_closed:
        raise PledgeError(_("Năm thi đua đã kết thúc."))
    if not pledge.commitments.exists():
        raise PledgeError(_("Giao ước cần ít nhất một nội dung cam kết."))
    pledge.members = member_snapshot(pledge.term)
    if not pledge.members:
        raise PledgeError(_("Năm thi đua chưa có đơn vị thành viên."))
    pledge.content_hash = pledge.compute_hash()
    pledge.status = Pledge.Status.OPEN
    pledge.opened_at = timezone.now()
    pledge.full_clean()
    record_by(pledge, by).save(update_fields=["members", "content_hash", "status", "opened_at"])
    _record(pledge, by=by, from_status=Pledge.Status.DRAFT, note=_("Mở ký giao ước."))
    notifications.pledge_event(
        pledge=pledge, agency_ids=pledge.member_ids, kind=notices.PLEDGE_OPENED
    )
    return pledge


@transaction.atomic
def revise_pledge(*, pledge: Pledge, by, reason: str) -> Pledge:
    """Withdraw an open or signed pledge and issue the next version as a draft copy."""
    pledge = _locked(pledge)
    if pledge.status not in (Pledge.Status.OPEN, Pledge.Status.SIGNED):
        raise PledgeError(_("Chỉ thu hồi được giao ước đang ký hoặc đã ký."))
    reason = reason.strip()
    if not reason:
        raise PledgeError(_("Hãy nêu lý do thu hồi giao ước."))
    previous_status = pledge.status
    pledge.status = Pledge.Status.VOID
    pledge.voided_at = timezone.now()
    pledge.void_reason = reason
    pledge.full_clean()
    record_by(pledge, by).save(update_fields=["status", "voided_at", "void_reason"])
    _record(pledge, by=by, from_status=previous_status, note=reason)
    successor = Pledge(
        term=pledge.term,
        version=pledge.version + 1,
        title=pledge.title,
        slogan=pledge.slogan,
        legal_bases=pledge.legal_bases,
        supersedes=pledge,
        created_by=by,
    )
    successor.full_clean()
    record_by(successor, by).save()
    _set_commitments(successor, [c.text for c in pledge.commitments.all()], by=by)
    _record(
        successor,
        by=by,
        from_status="",
        note=_("Soạn phiên bản %(v)s thay phiên bản %(old)s.")
        % {"v": successor.version, "old": pledge.version},
    )
    notifications.pledge_event(
        pledge=pledge, agency_ids=pledge.member_ids, kind=notices.PLEDGE_VOIDED, note=reason
    )
    return successor


# Signing --------------------------------------------------------------------------------------


def signing_role(user, agency_id) -> AgencyRole | None:
    """The user's role that lets them sign for the agency (head, or KT./TUQ.), if any."""
    for role in AgencyRole.objects.filter(user=user, agency_id=agency_id).order_by("id"):
        if role.can_sign:
            return role
    return None


def sign_pledge(
    *,
    pledge: Pledge,
    agency_id: int,
    user,
    password: str,
    shown_hash: str,
    ip_address: str | None = None,
    user_agent: str = "",
    request=None,
) -> PledgeSignature:
    """Record the agency's signature of exactly the content whose hash the signer was shown.

    A view passes its request: the password is then checked like a login, so wrong ones count
    towards the lockout (blocs.auth.password_is_correct). The check runs before the
    transaction, whose rollback on refusal would otherwise forget the failure.
    """
    if not password_is_correct(user=user, password=password, request=request):
        raise PledgeError(_("Mật khẩu không đúng; chữ ký chưa được ghi nhận."))
    return _record_signature(
        pledge=pledge,
        agency_id=agency_id,
        user=user,
        shown_hash=shown_hash,
        ip_address=ip_address,
        user_agent=user_agent,
    )


@transaction.atomic
def _record_signature(
    *, pledge, agency_id, user, shown_hash, ip_address, user_agent
) -> PledgeSignature:
    """Sign once the password is confirmed.

    The pledge row is locked so that a signature and a withdrawal, or the last two
    signatures, never interleave; the unique constraint on (pledge, agency) is the last word
    when two signing requests for one agency race.
    """
    pledge = _locked(pledge)
    if pledge.status == Pledge.Status.DRAFT:
        raise PledgeError(_("Giao ước đang là dự thảo, chưa mở ký."))
    if pledge.status == Pledge.Status.VOID:
        raise PledgeError(
            _("Phiên bản %(v)s của giao ước đã bị thu hồi; hãy ký phiên bản mới.")
            % {"v": pledge.version}
        )
    if pledge.status == Pledge.Status.SIGNED:
        raise PledgeError(_("Giao ước đã được tất cả các đơn vị ký."))
    if pledge.term.is_closed:
        raise PledgeError(_("Năm thi đua đã kết thúc."))
    if (shown_hash or "").strip().lower() != pledge.content_hash:
        raise PledgeError(
            _(
                "Nội dung giao ước đã thay đổi kể từ khi trang được mở (mã băm không khớp). "
                "Hãy tải lại trang, đọc lại nội dung và ký lại."
            )
        )
    if agency_id not in pledge.member_ids:
        raise PledgeError(_("Đơn vị này không thuộc danh sách ký giao ước."))
    role = signing_role(user, agency_id)
    if role is None:
        raise PledgeError(
            _("Bạn không phải thủ trưởng (hoặc người được ủy quyền ký) của đơn vị này.")
        )
    if _already_signed(pledge, agency_id):
        raise PledgeError(_("Đơn vị đã ký phiên bản giao ước này."))
    signature = PledgeSignature(
        pledge=pledge,
        agency_id=agency_id,
        user=user,
        signer_name=user.get_full_name(),
        signer_title=user.job_title,
        authority=role.signing_authority if role.role != AgencyRole.Role.HEAD else "",
        signed_at=timezone.now(),
        content_hash=pledge.content_hash,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:500],
    )
    signature.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            record_by(signature, user).save()
    except IntegrityError:
        raise PledgeError(_("Đơn vị đã ký phiên bản giao ước này.")) from None
    refresh_pledge_status(pledge=pledge, by=user)
    return signature


@transaction.atomic
def refresh_pledge_status(*, pledge: Pledge, by=None) -> Pledge:
    """Mark an open pledge signed once every member still required to sign has signed.

    Besides the last signature, a member leaving the bloc can complete a pledge: the
    remaining members have all signed, and nobody is left to sign and settle it.
    """
    pledge = _locked(pledge)
    if pledge.status != Pledge.Status.OPEN:
        return pledge
    required = set(required_agency_ids(pledge))
    signatures = PledgeSignature.objects.filter(pledge=pledge, agency_id__in=required)
    signed = set(signatures.values_list("agency_id", flat=True))
    if not is_complete(required, signed):
        return pledge
    pledge.status = Pledge.Status.SIGNED
    pledge.signed_at = max(signatures.values_list("signed_at", flat=True))
    record_by(pledge, by).save(update_fields=["status", "signed_at"])
    _record(pledge, by=by, from_status=Pledge.Status.OPEN, note=_("Tất cả đơn vị đã ký."))
    return pledge


def _already_signed(pledge: Pledge, agency_id: int) -> bool:
    return PledgeSignature.objects.filter(pledge=pledge, agency_id=agency_id).exists()


def is_complete(required: set, signed: set) -> bool:
    """Whether an open pledge is signed: someone had to sign, and all of them have."""
    return bool(required) and required <= signed


def required_agency_ids(pledge: Pledge, *, current_ids=None) -> list[int]:
    """Agencies that must sign: those frozen into the pledge that are still current members
    (``current_ids``, the term's current members, when a page has read them already)."""
    if current_ids is None:
        current_ids = set(
            Membership.objects.filter(
                term_id=pledge.term_id, left_on__isnull=True, agency_id__in=pledge.member_ids
            ).values_list("agency_id", flat=True)
        )
    return [i for i in pledge.member_ids if i in current_ids]


def unsigned_agency_ids(pledge: Pledge) -> list[int]:
    signed = set(pledge.signatures.values_list("agency_id", flat=True))
    return [i for i in required_agency_ids(pledge) if i not in signed]


# Reminders ------------------------------------------------------------------------------------


def remind_unsigned(*, pledge: Pledge, by=None, key: str = "") -> int:
    """Remind the heads of members that have not signed the open pledge; return how many."""
    if pledge.status != Pledge.Status.OPEN:
        raise PledgeError(_("Chỉ nhắc ký khi giao ước đang mở ký."))
    return notifications.pledge_event(
        pledge=pledge, agency_ids=unsigned_agency_ids(pledge), kind=notices.REMIND_PLEDGE, key=key
    )


@transaction.atomic
def remind_all_open_pledges() -> int:
    """Remind the unsigned heads of every open pledge in an active term, once a day each."""
    sent = 0
    today = timezone.localdate()
    pledges = Pledge.objects.filter(status=Pledge.Status.OPEN).exclude(
        term__status=BlocTerm.Status.CLOSED
    )
    for pledge in pledges.select_related("term__bloc"):
        # A member that left may have been the last one not to sign: settle before reminding.
        pledge = refresh_pledge_status(pledge=pledge)
        if pledge.status == Pledge.Status.OPEN:
            sent += remind_unsigned(
                pledge=pledge, key=f"pledge-daily:{pledge.pk}:{today.isoformat()}"
            )
    return sent


# Title registrations --------------------------------------------------------------------------


def _existing_registration(term, agency_id, title) -> TitleRegistration | None:
    return TitleRegistration.objects.filter(term=term, agency_id=agency_id, title=title).first()


@transaction.atomic
def register_title(*, term: BlocTerm, agency_id: int, title: str, by) -> TitleRegistration:
    """Record that a member aims for ``title`` this year; registering it again changes nothing."""
    existing = _existing_registration(term, agency_id, title)
    if existing is not None:
        return existing
    registration = TitleRegistration(term=term, agency_id=agency_id, title=title, registered_by=by)
    # The unique constraint is left to the database, which decides between two racing clicks;
    # the second then gets the registration the first made.
    registration.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            record_by(registration, by).save()
    except IntegrityError:
        return TitleRegistration.objects.get(term=term, agency_id=agency_id, title=title)
    return registration


@transaction.atomic
def withdraw_title(*, registration: TitleRegistration, by) -> None:
    """Remove a title registration."""
    record_by(registration, by).delete()
