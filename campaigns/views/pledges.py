"""Pages of campaigns, the pledge, its signing and title registrations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs.access import get_term_for_user, require
from blocs.auth import client_ip
from blocs.models import AgencyRole, Membership
from campaigns.forms.pledges import (
    PledgeDraftForm,
    PledgeReviseForm,
    PledgeSignForm,
    TitleRegistrationForm,
)
from campaigns.models import Pledge, PledgeSignature, TitleRegistration
from campaigns.services import pledges as services


def _back_to_pledge(term):
    return redirect("campaigns:pledge_detail", bloc_code=term.bloc.code, year=term.year)


def _term_memberships(term) -> list:
    """Every membership of the term (those that left too) with its agency, in order."""
    return list(
        Membership.objects.filter(term=term)
        .select_related("agency")
        .order_by("agency__sort_key", "agency_id")
    )


def _signable_agencies(access, pledge, memberships):
    """Agencies of the pledge the reader may sign for (heads, KT. and TUQ.), among the term's
    ``memberships`` (with their agencies, in order)."""
    if pledge is None:
        return []
    ids = {i for i in pledge.member_ids if access.can_act_for(i)}
    return [m.agency for m in memberships if m.agency_id in ids]


def _registrable_agencies(access, current):
    """The agencies among the term's ``current`` memberships the reader may register titles
    for."""
    agencies = [m.agency for m in current]
    if access.can_manage:
        return agencies
    return [a for a in agencies if access.can_draft_for(a.pk)]


# Pledge ---------------------------------------------------------------------------------------


@login_required
@require_GET
def pledge_detail(request, bloc_code, year):
    """The pledge text, its hash, who signed and who has not, registrations and history."""
    term, access = get_term_for_user(request, bloc_code, year)
    versions = list(Pledge.objects.filter(term=term).order_by("-version"))
    pledge = next((p for p in versions if p.status != Pledge.Status.VOID), None)
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        pledge = next((p for p in versions if p.version == int(wanted)), None)
        if pledge is None:
            raise Http404(_("Không có phiên bản giao ước này."))
    elif pledge is None and versions:
        pledge = versions[0]
    # The year's members, read once: the rows to sign, who must sign, who may register titles
    # and whom the reader signs for.
    memberships = _term_memberships(term)
    current = [m for m in memberships if m.left_on is None]
    current_ids = {m.agency_id for m in current}
    signatures = {}
    if pledge is not None:
        signatures = {
            s.agency_id: s for s in PledgeSignature.objects.filter(pledge=pledge).order_by("id")
        }
    # Settle an open pledge whose last unsigned member left the bloc since the last signature.
    open_pledge = next((p for p in versions if p.status == Pledge.Status.OPEN), None)
    if open_pledge is not None:
        signed = (
            set(signatures)
            if open_pledge == pledge
            else set(open_pledge.signatures.values_list("agency_id", flat=True))
        )
        required = services.required_agency_ids(open_pledge, current_ids=current_ids)
        if services.is_complete(set(required), signed):
            settled = services.refresh_pledge_status(pledge=open_pledge)
            versions = [settled if p.pk == settled.pk else p for p in versions]
            pledge = settled if pledge == settled else pledge
    rows, commitments, events = [], [], []
    if pledge is not None:
        commitments = list(pledge.commitments.all())
        events = list(pledge.events.select_related("by"))
        if pledge.is_frozen:
            members = pledge.members
        else:
            members = services.member_snapshot(term, memberships=current)
        required = (
            set(services.required_agency_ids(pledge, current_ids=current_ids))
            if pledge.is_frozen
            else set()
        )
        for m in members:
            rows.append(
                {
                    "agency": m,
                    "signature": signatures.get(m["id"]),
                    "required": m["id"] in required,
                }
            )
    registrations = {}
    for r in (
        TitleRegistration.objects.filter(term=term)
        .select_related("agency")
        .order_by("agency__sort_key", "agency_id", "title", "id")
    ):
        registrations.setdefault(r.agency, []).append(r)
    registrable = _registrable_agencies(access, current)
    signable = _signable_agencies(access, pledge, memberships) if pledge and pledge.is_open else []
    unsigned = [r for r in rows if r["required"] and not r["signature"]]
    return render(
        request,
        "campaigns/pledge_detail.html",
        {
            "term": term,
            "access": access,
            "pledge": pledge,
            "versions": versions,
            "commitments": commitments,
            "rows": rows,
            "unsigned_count": len(unsigned),
            "signed_count": sum(1 for r in rows if r["signature"]),
            "events": events,
            "registrations": list(registrations.items()),
            "title_form": TitleRegistrationForm(agencies=registrable) if registrable else None,
            "can_withdraw_ids": {a.pk for a in registrable},
            "signable": signable,
            "can_copy": access.can_manage
            and not any(p.status != Pledge.Status.VOID for p in versions)
            and Pledge.objects.filter(term__bloc=term.bloc, term__year__lt=term.year).exists(),
            "revise_form": PledgeReviseForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge_edit(request, bloc_code, year):
    """Write or change the draft (a frozen pledge changes only through a new version)."""
    term, access = get_term_for_user(request, bloc_code, year, write=True)
    pledge = services.current_pledge(term)
    if pledge is not None and pledge.is_frozen:
        messages.error(
            request,
            _("Giao ước đã mở ký nên không thể sửa. Hãy thu hồi và ban hành phiên bản mới."),
        )
        return _back_to_pledge(term)
    if pledge is None:
        initial = {
            "title": _("Giao ước thi đua năm %(year)s") % {"year": term.year},
            "legal_bases": term.legal_bases,
        }
    else:
        initial = {
            "title": pledge.title,
            "slogan": pledge.slogan,
            "legal_bases": pledge.legal_bases,
            "commitments": "\n".join(c.text for c in pledge.commitments.all()),
        }
    form = PledgeDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_pledge_draft(term=term, by=request.user, **form.cleaned_data)
        except services.PledgeError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Đã lưu dự thảo giao ước."))
            return _back_to_pledge(term)
    return render(
        request,
        "campaigns/pledge_form.html",
        {"term": term, "access": access, "form": form, "pledge": pledge},
    )


def _run(request, term, action, success):
    try:
        result = action()
    except services.PledgeError as exc:
        messages.error(request, exc.messages[0])
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


@login_required
@require_POST
def pledge_copy(request, bloc_code, year):
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    _run(
        request,
        term,
        lambda: services.copy_previous_pledge(term=term, by=request.user),
        _("Đã sao chép giao ước năm trước thành dự thảo năm nay; hãy rà soát trước khi mở ký."),
    )
    return _back_to_pledge(term)


@login_required
@require_POST
def pledge_open(request, bloc_code, year):
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    pledge = services.current_pledge(term)
    if pledge is None:
        messages.error(request, _("Năm này chưa có giao ước."))
        return _back_to_pledge(term)
    _run(
        request,
        term,
        lambda: services.open_pledge(pledge=pledge, by=request.user),
        _("Đã mở ký giao ước và gửi thư mời ký tới thủ trưởng các đơn vị."),
    )
    return _back_to_pledge(term)


@login_required
@require_POST
def pledge_revise(request, bloc_code, year):
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    pledge = services.current_pledge(term)
    form = PledgeReviseForm(request.POST)
    if pledge is None:
        messages.error(request, _("Năm này chưa có giao ước."))
    elif not form.is_valid():
        messages.error(request, form.errors["reason"][0])
    else:
        _run(
            request,
            term,
            lambda: services.revise_pledge(
                pledge=pledge, by=request.user, reason=form.cleaned_data["reason"]
            ),
            lambda new: (
                _(
                    "Đã thu hồi phiên bản %(old)s và tạo dự thảo phiên bản %(new)s; "
                    "thủ trưởng các đơn vị đã được báo qua thư."
                )
                % {"old": pledge.version, "new": new.version}
            ),
        )
    return _back_to_pledge(term)


@login_required
@require_POST
def pledge_remind(request, bloc_code, year):
    term, _access = get_term_for_user(request, bloc_code, year, write=True)
    pledge = services.current_pledge(term)
    if pledge is None:
        messages.error(request, _("Năm này chưa có giao ước."))
        return _back_to_pledge(term)
    _run(
        request,
        term,
        lambda: services.remind_unsigned(pledge=pledge, by=request.user),
        lambda n: _("Đã nhắc ký %(n)s người (hộp thông báo và thư).") % {"n": n},
    )
    return _back_to_pledge(term)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_sign(request, bloc_code, year):
    """Show the frozen text and its hash; the head re-enters the password and confirms."""
    term, access = get_term_for_user(request, bloc_code, year)
    pledge = services.current_pledge(term)
    require(
        any(access.can_act_for(i) for i in access.head_agency_ids),
        _("Chỉ thủ trưởng đơn vị thành viên (hoặc người được ủy quyền ký) được ký giao ước."),
    )
    if pledge is None or not pledge.is_open:
        messages.error(request, _("Giao ước hiện không mở để ký."))
        return _back_to_pledge(term)
    agencies = _signable_agencies(access, pledge, _term_memberships(term))
    if not agencies:
        messages.error(
            request, _("Đơn vị của bạn không thuộc danh sách ký phiên bản giao ước này.")
        )
        return _back_to_pledge(term)
    signed = set(
        PledgeSignature.objects.filter(pledge=pledge, agency__in=agencies).values_list(
            "agency_id", flat=True
        )
    )
    pending = [a for a in agencies if a.pk not in signed] or agencies
    form = PledgeSignForm(
        request.POST or None,
        agencies=agencies,
        initial={"content_hash": pledge.content_hash, "agency": pending[0].pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signature = services.sign_pledge(
                pledge=pledge,
                agency_id=data["agency"],
                user=request.user,
                password=data["password"],
                shown_hash=data["content_hash"],
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
                request=request,
            )
        except services.PledgeError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(
                request,
                _("Đã ký giao ước thay mặt %(agency)s lúc %(at)s. Mã băm nội dung đã ký: %(hash)s.")
                % {
                    "agency": signature.agency.name,
                    "at": timezone.localtime(signature.signed_at).strftime("%d/%m/%Y %H:%M"),
                    "hash": signature.content_hash,
                },
            )
            return _back_to_pledge(term)
    authorities = {
        r.agency_id: r.signing_authority
        for r in AgencyRole.objects.filter(user=request.user, agency__in=agencies).order_by("-id")
        if r.role != AgencyRole.Role.HEAD and r.signing_authority
    }
    return render(
        request,
        "campaigns/pledge_sign.html",
        {
            "term": term,
            "access": access,
            "pledge": pledge,
            "commitments": list(pledge.commitments.all()),
            "form": form,
            "signed_ids": signed,
            "agencies": [(a, authorities.get(a.pk, "")) for a in agencies],
        },
    )


# Title registrations --------------------------------------------------------------------------


@login_required
@require_POST
def title_register(request, bloc_code, year):
    term, access = get_term_for_user(request, bloc_code, year)
    agencies = _registrable_agencies(
        access, [m for m in _term_memberships(term) if m.left_on is None]
    )
    require(bool(agencies), _("Bạn không có quyền đăng ký danh hiệu cho đơn vị nào trong khối."))
    form = TitleRegistrationForm(request.POST, agencies=agencies)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back_to_pledge(term)
    _run(
        request,
        term,
        lambda: services.register_title(
            term=term,
            agency_id=form.cleaned_data["agency"],
            title=form.cleaned_data["title"],
            by=request.user,
        ),
        lambda r: (
            _("Đã đăng ký “%(title)s” cho %(agency)s.")
            % {"title": r.get_title_display(), "agency": r.agency.name}
        ),
    )
    return _back_to_pledge(term)


@login_required
@require_POST
def title_withdraw(request, bloc_code, year, registration_id):
    term, access = get_term_for_user(request, bloc_code, year)
    registration = TitleRegistration.objects.filter(term=term, pk=registration_id).first()
    if registration is None:
        raise Http404(_("Không tìm thấy đăng ký danh hiệu."))
    require(
        access.can_manage or access.can_draft_for(registration.agency_id),
        _("Bạn chỉ được rút đăng ký danh hiệu của đơn vị mình."),
    )
    services.withdraw_title(registration=registration, by=request.user)
    messages.success(request, _("Đã rút đăng ký danh hiệu."))
    return _back_to_pledge(term)
