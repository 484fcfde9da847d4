"""The signed-in user's own account."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.views import i18n

from blocs.forms import PasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password checked under the login lockout."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def set_language(request):
    """Django's language switch; a signed-in user's mail follows the language they chose."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
