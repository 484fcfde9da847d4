from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _broker_status() -> str:
    if settings.TASKS_EAGER:
        return "eager"
    from khoithidua.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:
        return "error"


@never_cache
@require_GET
def healthz(request):
    """Report the database and the task broker; 503 when either is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "error"
    broker = _broker_status()
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse({"database": database, "broker": broker}, status=200 if healthy else 503)
