from django.conf import settings


def site(request):
    """Expose whether background tasks run in-process, so every page can say so, and the
    largest request the server reads, so that a form can say so before sending too much."""
    from khoithidua.uploads import request_max_bytes

    return {"TASKS_EAGER": settings.TASKS_EAGER, "MAX_REQUEST_BYTES": request_max_bytes()}
