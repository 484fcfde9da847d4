"""The signed-in user's own account."""

from django.contrib.auth import views as auth_views

from blocs.forms import PasswordChangeForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password checked under the login lockout."""

    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
