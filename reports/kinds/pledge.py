"""Giao ước thi đua: the pledge text, the members' registered titles, who signed it and the proof."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.models import Agency
from campaigns.models import Pledge, PledgeSignature, TitleRegistration
from reports.kinds.base import DocumentKind, register


def _title(term, params):
    return _("Giao ước thi đua năm %(year)s") % {"year": term.year}


def _pledge_for(document) -> Pledge:
    """The pledge version the document shows: the one it was made from, else the current one."""
    pledges = Pledge.objects.filter(term=document.term).select_related("term__bloc")
    pledge_id = document.params.get("pledge_id")
    if pledge_id:
        return pledges.get(pk=pledge_id)
    pledge = pledges.current().order_by("-version").first() or pledges.order_by("-version").first()
    if pledge is None:
        raise ValueError(gettext("Năm thi đua này chưa có giao ước."))
    return pledge


def _context(document):
    pledge = _pledge_for(document)
    # The document names the pledge version and hash it shows, so that /verify can compare
    # them with the database later, even after a newer version has been issued.
    params = {**document.params, "pledge_id": pledge.pk, "content_hash": pledge.content_hash}
    if params != document.params:
        document.params = params
        document.save(update_fields=["params"])
    if pledge.is_frozen:
        members = pledge.members
    else:
        from campaigns.services.pledges import member_snapshot

        members = member_snapshot(pledge.term)
    signatures = {s.agency_id: s for s in PledgeSignature.objects.filter(pledge=pledge)}
    names = {
        a.pk: a.name_on(document.issued_on or timezone.localdate())
        for a in Agency.objects.filter(pk__in=[m["id"] for m in members]).prefetch_related(
            "name_changes"
        )
    }
    registrations = {}
    for r in TitleRegistration.objects.filter(term=document.term).order_by("title", "id"):
        registrations.setdefault(r.agency_id, []).append(r.get_title_display())
    rows = []
    for m in members:
        signature = signatures.get(m["id"])
        rows.append(
            {
                "name": names.get(m["id"], m["name"]),
                "abbreviation": m["abbreviation"],
                "signature": signature,
                "signed_at": timezone.localtime(signature.signed_at) if signature else None,
                "titles": registrations.get(m["id"], []),
            }
        )
    return {
        "pledge": pledge,
        "commitments": list(pledge.commitments.all()),
        "rows": rows,
        "signed_count": len(signatures),
        "content_hash": pledge.content_hash or pledge.compute_hash(members=members),
        "pledge_bases": pledge.legal_bases_list,
    }


def _verify_checks(document):
    """Recompute the pledge's canonical hash; compare it with the stored one and each signature."""
    pledge_id = document.params.get("pledge_id")
    pledge = Pledge.objects.filter(pk=pledge_id).select_related("term__bloc").first()
    if pledge is None:
        return [(gettext("Giao ước"), False, gettext("Không tìm thấy giao ước gốc."))]
    checks = []
    recomputed = pledge.compute_hash()
    printed = document.params.get("content_hash", "")
    if pledge.is_frozen:
        checks.append(
            (
                gettext("Nội dung giao ước phiên bản %(v)s") % {"v": pledge.version},
                recomputed == pledge.content_hash,
                gettext("mã băm tính lại %(h)s") % {"h": recomputed}
                if recomputed == pledge.content_hash
                else gettext("mã băm tính lại %(h)s khác mã đã lưu %(s)s")
                % {"h": recomputed, "s": pledge.content_hash},
            )
        )
        checks.append(
            (
                gettext("Mã băm in trên văn bản"),
                printed == pledge.content_hash,
                gettext("khớp với giao ước đã lưu")
                if printed == pledge.content_hash
                else gettext("không khớp với giao ước đã lưu"),
            )
        )
    else:
        checks.append(
            (gettext("Giao ước"), False, gettext("Văn bản được tạo từ dự thảo chưa mở ký."))
        )
    for signature in pledge.signatures.select_related("agency").order_by("signed_at", "id"):
        ok = signature.content_hash == recomputed == pledge.content_hash
        detail = (
            gettext("%(who)s ký lúc %(at)s trên đúng nội dung này")
            % {
                "who": signature.signer_label,
                "at": timezone.localtime(signature.signed_at).strftime("%d/%m/%Y %H:%M"),
            }
            if ok
            else gettext("chữ ký thuộc nội dung khác (mã băm %(h)s)")
            % {"h": signature.content_hash}
        )
        if document.finished_at and signature.signed_at > document.finished_at:
            detail += gettext(" (ký sau khi văn bản này được tạo, nên không có trong văn bản)")
        checks.append(
            (gettext("Chữ ký của %(agency)s") % {"agency": signature.agency.name}, ok, detail)
        )
    if pledge.status == Pledge.Status.VOID:
        checks.append(
            (
                gettext("Hiệu lực"),
                False,
                gettext("Phiên bản %(v)s đã bị thu hồi lúc %(at)s.")
                % {
                    "v": pledge.version,
                    "at": timezone.localtime(pledge.voided_at).strftime("%d/%m/%Y %H:%M")
                    if pledge.voided_at
                    else "—",
                },
            )
        )
    return checks


register(
    DocumentKind(
        slug="pledge",
        label=_("Giao ước thi đua"),
        type_code="GƯ",
        template="reports/pdf/pledge.html",
        build_context=_context,
        title=_title,
        verify_checks=_verify_checks,
    )
)
