"""The nomination list of one award, as the secretariat ticks it."""

from django import forms
from django.utils.translation import gettext_lazy as _

ACTIONS = (
    ("save", _("Lưu dự kiến")),
    ("confirm", _("Chốt danh sách")),
    ("reopen", _("Mở lại để sửa")),
)


class NominationForm(forms.Form):
    award_type = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)

    def __init__(self, *args, choices, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"] = forms.TypedMultipleChoiceField(
            label=label,
            choices=[(str(i), name) for i, name in choices],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
