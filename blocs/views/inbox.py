"""A person's inbox: their notifications, marking them read, and how they want to be told."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blocs import notices
from blocs.access import get_notification_for_user
from blocs.forms import NotificationPreferencesForm
from blocs.models import Notification
from blocs.services import notifications as service

PAGE_SIZE = 30


@login_required
@require_GET
def inbox(request):
    """The user's notifications, newest first, unread ones marked; ``?unread=1`` filters."""
    rows = Notification.objects.filter(user=request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        rows = rows.unread()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "blocs/inbox.html",
        {"page": page, "only_unread": only_unread},
    )


@login_required
@require_GET
def notification_open(request, notification_id):
    """Mark a notification read and go to what it is about."""
    notification = get_notification_for_user(request, notification_id)
    service.mark_read(notification=notification)
    return redirect(_local_or_inbox(request, notification.url))


@login_required
@require_POST
def notification_read(request, notification_id):
    notification = get_notification_for_user(request, notification_id)
    service.mark_read(notification=notification)
    return redirect(_back(request))


@login_required
@require_POST
def inbox_read_all(request):
    count = service.mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(count)d thông báo là đã đọc.") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    """The page the form came from, when it is a path of this site; else the inbox."""
    return _local_or_inbox(request, request.POST.get("next", ""))


def _local_or_inbox(request, url: str) -> str:
    """``url`` when it is a path of this site, so no link leads elsewhere; else the inbox."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}
    ):
        return url
    return reverse("blocs:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request):
    """Choose the language of one's mail and, per kind, mail at once, a daily digest or none."""
    kinds = notices.all_kinds()
    form = NotificationPreferencesForm(request.POST or None, user=request.user, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        service.save_preferences(
            user=request.user,
            language=form.cleaned_data["language"],
            deliveries=form.deliveries(),
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("blocs:inbox_settings")
    return render(
        request,
        "blocs/inbox_settings.html",
        {
            "form": form,
            "rows": [(k, form[form.field_name(k.code)]) for k in kinds],
            "has_email": bool(request.user.email),
        },
    )
