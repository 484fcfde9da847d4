"""The reminder button's form and the board overview's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Period


class RemindForm(forms.Form):
    """The period the reminder is about (the page's period; empty for the current one)."""

    period = forms.ChoiceField(
        label=_("Kỳ chấm điểm"),
        choices=[("", "")] + list(Period.Kind.choices),
        required=False,
        error_messages={"invalid_choice": _("Kỳ chấm điểm không hợp lệ.")},
    )


class BoardFilterForm(forms.Form):
    """Filters of the board overview, read from the query string."""

    council = forms.TypedChoiceField(
        label=_("Hội đồng"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một hội đồng trong danh sách.")},
    )
    year = forms.TypedChoiceField(
        label=_("Năm"),
        coerce=int,
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một năm trong danh sách.")},
    )
    q = forms.CharField(
        label=_("Tên khối (có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        help_text=_("Ví dụ: khoi dang"),
        error_messages={"max_length": _("Tên khối tìm kiếm dài tối đa 100 ký tự.")},
    )
    overdue = forms.BooleanField(label=_("Chỉ khối có việc quá hạn"), required=False)

    def __init__(self, data, *, councils, years):
        super().__init__(data)
        self.fields["council"].choices = [("", _("Tất cả"))] + [(c.pk, c.name) for c in councils]
        self.fields["year"].choices = [(y, str(y)) for y in years]
