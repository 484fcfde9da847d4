"""The board's form for an eligibility hold (Nghị định số 152/2025/NĐ-CP, Điều 4)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import EligibilityHold
from awards.models.holds import DEFAULT_LEGAL_NOTE
from blocs.forms import VietnameseDateField
from blocs.models import Agency


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class HoldForm(forms.Form):
    """A hold on an agency of one of the board's councils; "until" ends it."""

    agency = AgencyChoiceField(
        label=_("Đơn vị"),
        queryset=Agency.objects.none(),
        empty_label=_("— Chọn đơn vị —"),
        error_messages={
            "required": _("Hãy chọn đơn vị."),
            "invalid_choice": _("Đơn vị đã chọn không thuộc hội đồng thi đua của Ban."),
        },
    )
    reason = forms.ChoiceField(
        label=_("Lý do"),
        choices=[("", _("— Chọn lý do —"))] + EligibilityHold.Reason.choices,
        error_messages={"required": _("Hãy chọn lý do tạm dừng xét.")},
    )
    details = forms.CharField(
        label=_("Nội dung"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: số văn bản, cơ quan đang thanh tra, kiểm tra."),
    )
    starts_on = VietnameseDateField(label=_("Từ ngày"))
    until = VietnameseDateField(
        label=_("Đến ngày"),
        required=False,
        help_text=_("Để trống khi chưa có kết luận; ghi ngày để chấm dứt việc tạm dừng."),
    )
    legal_note = forms.CharField(
        label=_("Căn cứ"), max_length=255, required=False, initial=DEFAULT_LEGAL_NOTE
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(
            council__in=[c.pk for c in councils]
        ).order_by("sort_key", "id")

    def clean(self):
        data = super().clean()
        starts_on, until = data.get("starts_on"), data.get("until")
        if starts_on and until and until < starts_on:
            self.add_error("until", _("Ngày kết thúc phải từ ngày bắt đầu trở về sau."))
        return data
