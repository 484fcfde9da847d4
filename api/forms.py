from django import forms
from django.utils.translation import gettext_lazy as _


class TokenActionForm(forms.Form):
    """What the user asks of their API token: a new one, or none any more."""

    CREATE = "create"
    REVOKE = "revoke"

    action = forms.ChoiceField(
        label=_("Thao tác"),
        choices=[(CREATE, _("Tạo mã mới")), (REVOKE, _("Thu hồi mã"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Chưa chọn thao tác với mã truy cập."),
            "invalid_choice": _("Thao tác với mã truy cập không hợp lệ."),
        },
    )
