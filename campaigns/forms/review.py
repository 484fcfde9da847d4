"""Forms of the review: cross-check assignment and the layers of a score line."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns import layers
from campaigns.services.agreement import REOPEN_REASON_MAX

POINTS_FIELD = {
    "max_digits": 6,
    "decimal_places": 2,
    "min_value": 0,
    "localize": True,
    "widget": forms.TextInput(
        attrs={"inputmode": "decimal", "class": "form-control form-control-sm"}
    ),
}


class CrossCheckForm(forms.Form):
    """One choice per member: which member cross-checks it (empty: nobody yet).

    A member whose choice the request does not carry keeps its ``current`` reviewer: only an
    empty choice removes an assignment.
    """

    def __init__(self, *args, members, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        if self.is_bound:
            data = self.data.copy()
            for agency in members:
                data.setdefault(f"reviewer_{agency.pk}", str(current.get(agency.pk, "")))
            self.data = data
        choices = [("", _("— chưa phân công —"))] + [(str(a.pk), a.name) for a in members]
        self.members = members
        for agency in members:
            self.fields[f"reviewer_{agency.pk}"] = forms.ChoiceField(
                label=agency.name,
                choices=choices,
                required=False,
                initial=str(current.get(agency.pk, "")),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def pairs(self):
        """(reviewer, reviewed) ids of the filled choices."""
        out = []
        for agency in self.members:
            value = self.cleaned_data.get(f"reviewer_{agency.pk}")
            if value:
                out.append((int(value), agency.pk))
        return out


class ReviewLineForm(forms.Form):
    points = forms.DecimalField(label=_("Điểm chấm chéo"), **POINTS_FIELD)
    note = forms.CharField(
        label=_("Nhận xét"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 1,
                "class": "form-control form-control-sm",
                "placeholder": _("Nhận xét (bắt buộc khi khác điểm tự chấm)"),
            }
        ),
        help_text=_("Bắt buộc khi khác điểm tự chấm."),
    )


class ReviewEntryForm(forms.Form):
    """One line of the whole-card review save: its fields belong to the card's one form.

    Both fields are optional here: a field the request did not carry leaves the line as it was;
    whether the points need a note is the service's rule.
    """

    FORM_ID = "review-all"

    points = forms.DecimalField(
        label=_("Điểm chấm chéo"),
        required=False,
        error_messages={
            "invalid": _("Điểm phải là một số, ví dụ 7,5."),
            "min_value": _("Điểm không được âm."),
            "max_digits": _("Điểm quá lớn."),
            "max_whole_digits": _("Điểm quá lớn."),
            "max_decimal_places": _("Điểm có tối đa 2 chữ số thập phân."),
        },
        **POINTS_FIELD,
    )
    note = ReviewLineForm.base_fields["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["form"] = self.FORM_ID

    def sent(self, data) -> bool:
        """Whether the request carried any field of this line."""
        return any(self.add_prefix(name) in data for name in self.fields)

    def entry(self, data) -> tuple:
        """(points, note) for ``record_reviews``: ``None`` for what the request did not carry."""
        points = self.cleaned_data.get("points")
        note = self.cleaned_data.get("note") if self.add_prefix("note") in data else None
        return points, note


class ExplanationForm(forms.Form):
    text = forms.CharField(
        label=_("Giải trình"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
    )


class AgreedLineForm(forms.Form):
    points = forms.DecimalField(label=_("Điểm thống nhất"), **POINTS_FIELD)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
    )


class BoardLineForm(forms.Form):
    points = forms.DecimalField(label=_("Điểm điều chỉnh"), **POINTS_FIELD)
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
    )


class AgreeConfirmForm(forms.Form):
    """The second step of locking a period: the secretariat ticks that it has read the list."""

    step = forms.CharField(widget=forms.HiddenInput, initial="confirm")
    confirm = forms.BooleanField(
        label=_("Tôi đã xem danh sách trên và xác nhận thống nhất điểm, khóa kỳ chấm điểm này."),
        error_messages={"required": _("Hãy đánh dấu xác nhận trước khi khóa kỳ.")},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class PeriodReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại kỳ"),
        max_length=REOPEN_REASON_MAX,
        help_text=_("Được ghi vào lịch sử của kỳ (tối đa 100 ký tự)."),
        error_messages={"required": _("Phải ghi lý do mở lại kỳ.")},
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )


LAYER_FORMS = {
    "review": ReviewLineForm,
    "explanation": ExplanationForm,
    "agreed": AgreedLineForm,
    "board": BoardLineForm,
}


class GridFilterForm(forms.Form):
    LAYERS = [
        ("all", _("Tất cả các lớp")),
        *((layer, layers.LABELS[layer]) for layer in layers.ORDER),
        ("final", _("Điểm cuối cùng")),
    ]

    group = forms.ChoiceField(
        label=_("Nhóm tiêu chí"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    layer = forms.ChoiceField(
        label=_("Lớp điểm"),
        choices=LAYERS,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    diff = forms.BooleanField(
        label=_("Chỉ dòng có chênh lệch"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("Mọi nhóm"))] + [
            (str(g.pk), f"{g.code}. {g.title}") for g in groups
        ]
