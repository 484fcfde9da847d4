"""The site's addresses plus two that only the load benchmark serves (bench/load.py).

``/__login__/<username>/`` signs a user in without a password, so that the load needs neither
the password hash's cost nor django-axes' counters; ``/__bare__/<path>`` answers with the page
at ``<path>`` rendered again from the template and context its view built for the signed-in
user the first time this process served it: the same server, middleware and session, without
the view's own work.
"""

from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.template import Context
from django.template.base import Template
from django.urls import path, resolve

from blocs.models import User
from khoithidua.urls import urlpatterns as site_urlpatterns

# (path, user id) → (template, context) of this process; sync workers serve one request
# at a time, so neither this dict nor the patched render below is shared between requests.
_captured = {}


def login_as(request, username):
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Http404(username)
    login(request, user, backend="blocs.auth.UserBackend")
    return HttpResponse("ok")


def _capture(request, page_path):
    """Serve ``page_path`` through its view once, keeping the outermost template and context."""
    seen = []
    original = Template._render

    def recording(template, context):
        if not seen:
            seen.append((template, context.flatten()))
        return original(template, context)

    match = resolve(page_path)
    request.path = request.path_info = page_path
    request.resolver_match = match
    Template._render = recording
    try:
        response = match.func(request, *match.args, **match.kwargs)
    finally:
        Template._render = original
    if response.status_code != 200 or not seen:
        return response, None
    return response, seen[0]


def bare(request, page_path):
    page_path = "/" + page_path
    # Served as the page is: the same middleware, and the same user read from the session.
    key = (page_path, request.user.pk)
    captured = _captured.get(key)
    if captured is None:
        response, captured = _capture(request, page_path)
        if captured is None:
            return response
        _captured[key] = captured
        response["X-Bare-Captured"] = "1"
        return response
    template, context = captured
    return HttpResponse(template.render(Context(context, autoescape=True)))


urlpatterns = [
    path("__login__/<str:username>/", login_as),
    path("__bare__/", bare, {"page_path": ""}),
    path("__bare__/<path:page_path>", bare),
    *site_urlpatterns,
]
