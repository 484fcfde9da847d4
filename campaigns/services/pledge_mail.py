"""The e-mails of a pledge to member heads: opened for signing, withdrawn, reminder to sign."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from blocs.models import AgencyRole
from campaigns.models import Pledge

logger = logging.getLogger(__name__)


def pledge_url(pledge: Pledge) -> str:
    path = reverse("campaigns:pledge_detail", args=[pledge.term.bloc.code, pledge.term.year])
    return settings.SITE_URL.rstrip("/") + path


def mail_heads(pledge: Pledge, agency_ids, *, kind: str, note: str = "") -> int:
    """Email the heads of ``agency_ids`` about ``pledge``; return the number of emails."""
    heads = (
        AgencyRole.objects.filter(agency_id__in=list(agency_ids), role=AgencyRole.Role.HEAD)
        .exclude(user__email="")
        .select_related("user", "agency")
        .order_by("agency__sort_key", "id")
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "title": pledge.title,
            "version": pledge.version,
            "bloc": pledge.term.bloc.name,
            "year": pledge.term.year,
            "url": pledge_url(pledge),
            "note": note,
        }
        if kind == "opened":
            subject = _("[%(bloc)s] Mời ký giao ước thi đua năm %(year)s") % context
            body = _(
                "Kính gửi Thủ trưởng %(agency)s,\n\n"
                "%(title)s (phiên bản %(version)s) của %(bloc)s đã được mở để ký trực tuyến.\n"
                "Đề nghị đồng chí đăng nhập, đọc nội dung và ký tại: %(url)s\n"
            )
        elif kind == "voided":
            subject = _("[%(bloc)s] Thu hồi giao ước thi đua năm %(year)s") % context
            body = _(
                "Kính gửi Thủ trưởng %(agency)s,\n\n"
                "Phiên bản %(version)s của %(title)s đã bị thu hồi. Lý do: %(note)s\n"
                "Chữ ký trên phiên bản này vẫn được lưu nhưng không còn hiệu lực; "
                "đơn vị sẽ ký lại phiên bản mới khi được mở ký: %(url)s\n"
            )
        else:
            subject = _("[%(bloc)s] Nhắc ký giao ước thi đua năm %(year)s") % context
            body = _(
                "Kính gửi Thủ trưởng %(agency)s,\n\n"
                "Đơn vị chưa ký %(title)s (phiên bản %(version)s) của %(bloc)s.\n"
                "Đề nghị đồng chí đăng nhập và ký tại: %(url)s\n"
            )
        for role in heads:
            messages.append(
                (
                    subject,
                    body % {**context, "agency": role.agency.name},
                    settings.DEFAULT_FROM_EMAIL,
                    [role.user.email],
                )
            )
    if messages:
        transaction.on_commit(lambda: send(messages))
    return len(messages)


def send(messages) -> None:
    # The change is already committed: a mail server that is down must not turn it into an
    # error page, so the failure is logged for the administrator instead.
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("could not send %s pledge emails", len(messages))
