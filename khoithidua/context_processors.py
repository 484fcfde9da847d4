from django.conf import settings


def site(request):
    """Expose whether background tasks run in-process, so every page can say so."""
    return {"TASKS_EAGER": settings.TASKS_EAGER}
