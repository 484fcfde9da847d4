"""Project-wide pages: the dashboard after login, which gathers every app's to-do, and the
health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Window
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from blocs.models import Notification
from blocs.views.browse import dashboard_context
from campaigns.todo import Work, led_terms, my_memberships, secretariat_tasks, tasks_for
from reports.services import documents_waiting_for_queue

# The unread notifications the dashboard shows; the inbox has them all.
DASHBOARD_NOTIFICATIONS = 5


@login_required
@require_GET
def dashboard(request):
    """The page after login: what to do next, what is new, the user's roles and their blocs."""
    context = dashboard_context(request.user)
    # The member's to-do and the secretariat's read the user's roles, memberships and running
    # work once.
    mine = my_memberships(request.user, roles=context["roles"])
    work = Work({m.term_id for m in mine.memberships})
    context["tasks"] = tasks_for(request.user, mine=mine, work=work)
    # The running years the user's agency leads: the secretariat's own work and its progress.
    context["led_terms"] = led_terms(request.user, mine=mine)
    context["secretariat_tasks"] = secretariat_tasks(context["led_terms"], work=work)
    # The menu's board link, from the board's councils read above (administrators see it
    # anyway).
    context["IS_BOARD_OFFICER"] = bool(context["councils"])
    # The latest unread notifications, each with the number of all unread, which the header
    # shows: one query for both.
    context["notifications"] = list(
        Notification.objects.filter(user=request.user)
        .unread()
        .annotate(unread_total=Window(Count("pk")))[:DASHBOARD_NOTIFICATIONS]
    )
    notifications = context["notifications"]
    context["UNREAD_NOTIFICATIONS"] = notifications[0].unread_total if notifications else 0
    return render(request, "blocs/dashboard.html", context)


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
    body = {"database": database, "broker": broker}
    if database == "ok":
        # Documents asked for while the broker was down: the sweep sends them when it is back.
        body["documents_waiting"] = documents_waiting_for_queue()
    return JsonResponse(body, status=200 if healthy else 503)
