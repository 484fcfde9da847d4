"""The award dossier's page: the secretariat assembles and sends it, the board returns or accepts
it and records the decision; both read its versions and history and download it as one zip."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from awards import dossier_rules
from awards.dossier_rules import Refused
from awards.models import Dossier, GrantedAward
from blocs.access import require
from reports import archive
from reports.access import get_dossier_attachment_for_user, get_dossier_term_for_user
from reports.dossiers import parts as dossier_parts
from reports.dossiers import services
from reports.dossiers.forms import AttachmentForm, DecisionForm, MoveForm, RevokeForm

ACTION_LABELS = {
    dossier_rules.SUBMIT: gettext_lazy("Gửi hồ sơ cho Ban"),
    dossier_rules.WITHDRAW: gettext_lazy("Rút hồ sơ"),
    dossier_rules.REOPEN: gettext_lazy("Mở lại hồ sơ"),
    dossier_rules.RETURN: gettext_lazy("Trả lại hồ sơ"),
    dossier_rules.ACCEPT: gettext_lazy("Tiếp nhận hồ sơ"),
}


def _sides(access) -> list[str]:
    sides = []
    if access.can_manage:
        sides.append(dossier_rules.BLOC)
    if access.is_board or access.is_admin:
        sides.append(dossier_rules.BOARD)
    return sides


def _actions(state: str, access) -> list[dict]:
    """The buttons the reader has; the service decides again on every move."""
    found = []
    for side in _sides(access):
        for action in dossier_rules.allowed_actions(state, side):
            if action == dossier_rules.DECIDE:
                continue
            found.append(
                {
                    "action": action,
                    "label": ACTION_LABELS[action],
                    "needs_reason": dossier_rules.MOVES[action].needs_reason,
                    "side": side,
                }
            )
    return found


def _versions(versions) -> list[dict]:
    return [
        {
            "version": v,
            "documents": [p for p in v.parts if p.get("type") == "document"],
            "attachments": [p for p in v.parts if p.get("type") == "attachment"],
        }
        for v in versions
    ]


def _page(request, term, access, *, status=200, **forms):
    dossier = services.dossier_of(term)
    state = dossier.state if dossier else Dossier.State.DRAFT
    assembly = dossier_parts.assemble(term, dossier)
    decision = getattr(dossier, "decision", None) if dossier else None
    # The decision's answers are those of the term's nominations, read with them.
    grants = []
    if decision is not None:
        grants = sorted(
            (
                n.grant
                for n in assembly.nominations
                if getattr(n, "grant", None) is not None and n.grant.decision_id == decision.pk
            ),
            key=lambda g: (g.award_type.order, g.nomination.position, g.pk),
        )
    versions = (
        list(dossier.versions.select_related("submitted_by").order_by("-number")) if dossier else []
    )
    events = list(dossier.events.select_related("actor").order_by("-at", "-id")) if dossier else []
    board = dossier_rules.BOARD in _sides(access)
    for grant in grants:
        # Each award in force gets its own revocation form; a refused one comes back as sent.
        if board and grant.in_force:
            sent = forms.get("revoke_form")
            grant.revoke_form = (
                sent
                if sent is not None and forms.get("revoke_grant") == str(grant.pk)
                else RevokeForm(initial={"grant": grant.pk}, auto_id=f"id_revoke_{grant.pk}_%s")
            )
    editable = access.can_manage and (dossier is None or dossier.is_editable)
    deciding = board and state == Dossier.State.ACCEPTED
    context = {
        "term": term,
        "access": access,
        "section": "dossier",
        "dossier": dossier,
        "state": state,
        "state_label": Dossier.State(state).label,
        "assembly": assembly,
        "actions": _actions(state, access),
        "versions": _versions(versions),
        "events": events,
        "decision": decision,
        "grants": grants,
        "can_revoke": board,
        "editable": editable,
        "move_form": forms.get("move_form") or MoveForm(),
        "attachment_form": forms.get("attachment_form") or (AttachmentForm() if editable else None),
        "decision_form": forms.get("decision_form")
        or (
            DecisionForm(
                nominations=services.sent_nominations(
                    dossier, versions=versions, nominations=assembly.nominations
                )
            )
            if deciding
            else None
        ),
        "revoke_form": forms.get("revoke_form"),
        "revoke_grant": forms.get("revoke_grant"),
        "last_return": next((e for e in events if e.action == dossier_rules.RETURN), None),
    }
    return render(request, "reports/dossier.html", context, status=status)


@login_required
@require_GET
def dossier(request, bloc_code, year):
    """The dossier as it stands: its parts, what is missing, its versions and history."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    return _page(request, term, access)


def _refused(request, term, access, refused: Refused, **forms):
    """A refusal by the rules: 403 for the wrong side, otherwise the page with the reason."""
    if refused.code == "wrong_actor":
        require(False, refused.message)
    messages.error(request, refused.message)
    return _page(request, term, access, status=409, **forms)


@login_required
@require_POST
def dossier_move(request, bloc_code, year):
    """Send, withdraw, reopen (the bloc) or return, accept (the board)."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    form = MoveForm(request.POST)
    require(bool(_sides(access)), _("Bạn chỉ được xem hồ sơ này."))
    if not form.is_valid():
        return _page(request, term, access, status=400, move_form=form)
    action = form.cleaned_data["action"]
    actor = services.actor_for(access, action)
    try:
        services.move(
            term=term,
            action=action,
            actor=actor,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except Refused as refused:
        return _refused(request, term, access, refused, move_form=form)
    messages.success(
        request,
        _("Đã cập nhật hồ sơ: %(state)s.")
        % {"state": Dossier.State(services.dossier_of(term).state).label},
    )
    return redirect("reports:dossier", term.bloc.code, term.year)


@login_required
@require_POST
def dossier_attachment_add(request, bloc_code, year):
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    require(access.can_manage, _("Chỉ thư ký khối được thêm tài liệu vào hồ sơ."))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, term, access, status=400, attachment_form=form)
    try:
        services.add_attachment(
            term=term,
            title=form.cleaned_data["title"],
            uploaded=form.cleaned_data["file"],
            by=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, term, access, status=409, attachment_form=form)
    messages.success(request, _("Đã thêm tài liệu vào hồ sơ."))
    return redirect("reports:dossier", term.bloc.code, term.year)


@login_required
@require_POST
def dossier_attachment_withdraw(request, bloc_code, year, attachment_id):
    attachment, term, access = get_dossier_attachment_for_user(
        request, bloc_code, year, attachment_id
    )
    require(access.can_manage, _("Chỉ thư ký khối được gỡ tài liệu khỏi hồ sơ."))
    try:
        services.withdraw_attachment(term=term, attachment_id=attachment.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _page(request, term, access, status=409)
    messages.success(request, _("Đã gỡ tài liệu khỏi hồ sơ."))
    return redirect("reports:dossier", term.bloc.code, term.year)


@login_required
@require_GET
def dossier_attachment(request, bloc_code, year, attachment_id):
    attachment, _term, _access = get_dossier_attachment_for_user(
        request, bloc_code, year, attachment_id
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _board_only(access):
    require(
        dossier_rules.BOARD in _sides(access),
        _("Chỉ Ban Thi đua – Khen thưởng ghi quyết định khen thưởng."),
    )


@login_required
@require_POST
def dossier_decision(request, bloc_code, year):
    """Record the council's decision: number, date, signer and the answer per nominee."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    _board_only(access)
    dossier = services.dossier_of(term)
    nominations = services.sent_nominations(dossier) if dossier else []
    form = DecisionForm(request.POST, nominations=nominations)
    if not form.is_valid():
        return _page(request, term, access, status=400, decision_form=form)
    data = form.cleaned_data
    try:
        services.record_decision(
            term=term,
            actor=dossier_rules.BOARD,
            by=request.user,
            number=data["number"],
            signed_on=data["signed_on"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
            granted_ids=data["granted"],
        )
    except Refused as refused:
        return _refused(request, term, access, refused, decision_form=form)
    messages.success(request, _("Đã ghi quyết định khen thưởng."))
    return redirect("reports:dossier", term.bloc.code, term.year)


@login_required
@require_POST
def dossier_revoke(request, bloc_code, year):
    """Record the revocation of one granted award, with its decision and reason."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    _board_only(access)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            term,
            access,
            status=400,
            revoke_form=form,
            revoke_grant=form.data.get("grant"),
        )
    data = form.cleaned_data
    try:
        services.revoke_award(
            term=term,
            grant_id=data["grant"],
            actor=dossier_rules.BOARD,
            by=request.user,
            number=data["number"],
            revoked_on=data["revoked_on"],
            reason=data["reason"],
        )
    except GrantedAward.DoesNotExist:
        raise Http404(_("Không có khen thưởng này trong quyết định.")) from None
    except Refused as refused:
        return _refused(
            request, term, access, refused, revoke_form=form, revoke_grant=str(data["grant"])
        )
    messages.success(request, _("Đã ghi việc thu hồi khen thưởng."))
    return redirect("reports:dossier", term.bloc.code, term.year)


@login_required
@require_GET
def dossier_zip(request, bloc_code, year):
    """The dossier in one zip with its index: a sent version (``?version=N``) as it was sent,
    otherwise the parts as they stand now."""
    term, access = get_dossier_term_for_user(request, bloc_code, year)
    dossier = services.dossier_of(term)
    wanted = request.GET.get("version", "")
    if wanted and not (wanted.isascii() and wanted.isdigit() and len(wanted) < 6):
        raise Http404(_("Không có lần gửi này."))
    name = f"ho-so-khen-thuong-{slugify(term.bloc.code)}-{term.year}"
    if wanted:
        version = dossier.versions.filter(number=int(wanted)).first() if dossier else None
        if version is None:
            raise Http404(_("Không có lần gửi này."))
        documents, attachments = dossier_parts.files_sent(version)
        heading = _("Hồ sơ đề nghị khen thưởng năm %(year)s của %(bloc)s – lần gửi %(n)s") % {
            "year": term.year,
            "bloc": term.bloc.name,
            "n": version.number,
        }
        notes = [
            _("Gửi lúc %(at)s, người gửi %(by)s.")
            % {
                "at": timezone.localtime(version.submitted_at).strftime("%d/%m/%Y %H:%M"),
                "by": version.submitted_by,
            }
        ]
        name = f"{name}-lan-{version.number}"
    else:
        assembly = dossier_parts.assemble(term, dossier)
        documents, attachments = assembly.files(), assembly.attachments
        heading = _("Hồ sơ đề nghị khen thưởng năm %(year)s của %(bloc)s") % {
            "year": term.year,
            "bloc": term.bloc.name,
        }
        notes = (
            [_("Còn thiếu: %(missing)s") % {"missing": " ".join(assembly.missing)}]
            if assembly.missing
            else []
        )
    return FileResponse(
        archive.write_archive(
            term, documents, attachments=attachments, heading=heading, notes=notes
        ),
        as_attachment=True,
        filename=f"{name}.zip",
        content_type="application/zip",
    )
