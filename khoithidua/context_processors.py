from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    """Expose whether background tasks run in-process, so every page can say so, the largest
    request the server reads, so that a form can say so before sending too much, and the number
    of the user's unread notifications for the header (counted only if a page shows it), and
    whether the user sits on a board, for the menu (read once with the page's access checks)."""
    from khoithidua.uploads import request_max_bytes

    return {
        "TASKS_EAGER": settings.TASKS_EAGER,
        "MAX_REQUEST_BYTES": request_max_bytes(),
        "UNREAD_NOTIFICATIONS": SimpleLazyObject(lambda: _unread(request)),
        "IS_BOARD_OFFICER": SimpleLazyObject(lambda: _is_board_officer(request)),
    }


def _is_board_officer(request) -> bool:
    if getattr(request, "user", None) is None:
        return False
    from blocs.access import on_a_board

    return on_a_board(request)


def _unread(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Read with the user of the session (blocs.auth.UserBackend); counted here otherwise.
    known = getattr(user, "unread_notifications", None)
    if known is not None:
        return known
    from blocs.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()
