from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from blocs.forms import LoginForm
from blocs.views.accounts import PasswordChangeView, set_language
from khoithidua.views import dashboard, healthz

admin.site.site_header = _("Quản trị Khối thi đua")
admin.site.site_title = _("Quản trị Khối thi đua")
admin.site.index_title = _("Dữ liệu hệ thống")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switch also remembers a signed-in user's choice for their mail.
    path("i18n/setlang/", set_language, name="set_language"),
    # The admin's own form would check the old password outside the lockout: use the site's.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("", dashboard, name="dashboard"),
    path("", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("awards.urls")),
    path("", include("campaigns.urls")),
    path("", include("blocs.urls")),
]

handler404 = "khoithidua.errors.page_not_found"

# Uploaded and generated files are never served directly: views check access and stream them.
