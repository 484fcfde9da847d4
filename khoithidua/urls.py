from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from blocs.forms import LoginForm
from khoithidua.views import dashboard, healthz

admin.site.site_header = _("Quản trị Khối thi đua")
admin.site.site_title = _("Quản trị Khối thi đua")
admin.site.index_title = _("Dữ liệu hệ thống")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", dashboard, name="dashboard"),
    path("", include("reports.urls")),
    path("", include("campaigns.urls")),
    path("", include("blocs.urls")),
]

# Uploaded and generated files are never served directly: views check access and stream them.
