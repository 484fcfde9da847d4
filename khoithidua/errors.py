"""Pages shown when a request cannot be served: not found, and locked out after wrong passwords.

400, 403 and 500 use Django's own handlers with the templates of the same names; 400 and 500 are
rendered without the request's context, so their templates stand alone.
"""

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def page_not_found(request, exception=None):
    """The site's 404, in DEBUG too (khoithidua.middleware): never a list of the site's URLs."""
    message = None
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


def lockout(request, original_response=None, credentials=None):
    """Say that wrong passwords locked this username on this address, until when, whom to call.

    django-axes calls it (AXES_LOCKOUT_CALLABLE) instead of the response of the request that
    reached the limit, and of every later attempt; each attempt while locked starts the wait
    again, so the time shown is counted from now.
    """
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/lockout.html",
        {
            "username": get_client_username(request, credentials) or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
            "retry_at": timezone.localtime() + cool_off if cool_off else None,
            "support_contact": settings.SUPPORT_CONTACT,
        },
        status=429,
    )
