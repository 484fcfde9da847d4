from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsPublicationForm(forms.Form):
    """Publish or withdraw a year's results, with a confirmation ticked."""

    PUBLISH = "publish"
    WITHDRAW = "withdraw"

    action = forms.ChoiceField(
        choices=[(PUBLISH, _("Công khai")), (WITHDRAW, _("Thôi công khai"))],
        widget=forms.HiddenInput,
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã xem lại nội dung sẽ hiện trên trang công khai."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi thực hiện.")},
    )
