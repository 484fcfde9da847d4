"""The page where a signed-in user makes, reads once and revokes their API token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from api import services
from api.forms import TokenActionForm

# The new key waits here, in the user's own session, for the one page that shows it.
SHOWN_ONCE = "api_token_once"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """Show whether the user has a token; POST makes a new one (shown once) or revokes it."""
    form = TokenActionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["action"] == TokenActionForm.CREATE:
                token = services.issue_token(user=request.user)
                request.session[SHOWN_ONCE] = token.key
                messages.success(
                    request, _("Đã tạo mã truy cập mới. Mã cũ (nếu có) không còn dùng được.")
                )
            elif services.revoke_token(user=request.user):
                messages.success(request, _("Đã thu hồi mã truy cập."))
            else:
                messages.info(request, _("Đồng chí chưa có mã truy cập nào để thu hồi."))
            return redirect("api:token")
    token = Token.objects.filter(user=request.user).first()
    new_key = request.session.pop(SHOWN_ONCE, None)
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            # Only the key of the token in force: one revoked meanwhile is never shown.
            "new_key": new_key if token is not None and new_key == token.key else None,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
