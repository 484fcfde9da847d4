from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blocs.views import dashboard_context
from campaigns.todo import tasks_for


@login_required
@require_GET
def dashboard(request):
    """The page after login: what to do next, the user's roles and their blocs."""
    context = dashboard_context(request.user)
    context["tasks"] = tasks_for(request.user)
    return render(request, "blocs/dashboard.html", context)
