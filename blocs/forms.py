from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form, with Vietnamese labels and autocomplete hints."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
    }

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
