"""Forms of campaigns, pledges, signatures and title registrations: validate only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, TitleRegistration
from khoithidua.uploads import CAMPAIGN_ATTACHMENT_MAX_BYTES, check_size

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# A real pledge has 5 to 30 numbered commitments; their numbers are stored as small integers.
MAX_COMMITMENTS = 500


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/02/2026.")},
    )


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại phong trào"), choices=Campaign.Kind.choices)
    title = forms.CharField(label=_("Tên phong trào"), max_length=255)
    starts_on = _date_field(_("Từ ngày"))
    ends_on = _date_field(_("Đến ngày"))
    content = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachment = forms.FileField(
        label=_("Tệp đính kèm (kế hoạch, hướng dẫn)"),
        required=False,
        help_text=_("Tối đa 20 MB; tệp đã đính kèm được giữ lại."),
    )

    def clean_attachment(self):
        uploaded = self.cleaned_data.get("attachment")
        check_size(uploaded, CAMPAIGN_ATTACHMENT_MAX_BYTES)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


class PledgeDraftForm(forms.Form):
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=255,
        error_messages={"required": _("Hãy nhập tiêu đề giao ước.")},
    )
    slogan = forms.CharField(label=_("Khẩu hiệu thi đua"), max_length=500, required=False)
    legal_bases = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một căn cứ."),
    )
    commitments = forms.CharField(
        label=_("Nội dung giao ước"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Mỗi dòng một nội dung cam kết; thứ tự các dòng là thứ tự đánh số."),
        error_messages={"required": _("Giao ước cần ít nhất một nội dung cam kết.")},
    )

    def clean_commitments(self):
        lines = [line.strip() for line in self.cleaned_data["commitments"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Giao ước cần ít nhất một nội dung cam kết."))
        if len(lines) > MAX_COMMITMENTS:
            raise forms.ValidationError(
                _("Giao ước có %(n)s nội dung cam kết; tối đa %(max)s.")
                % {"n": len(lines), "max": MAX_COMMITMENTS}
            )
        return lines


class PledgeReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thu hồi"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy nêu lý do thu hồi giao ước.")},
    )


class PledgeSignForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Ký cho đơn vị"), coerce=int)
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    password = forms.CharField(
        label=_("Mật khẩu của bạn"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Nhập lại mật khẩu đăng nhập để xác nhận chính bạn ký."),
        error_messages={"required": _("Hãy nhập mật khẩu để xác nhận chữ ký.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi đã đọc toàn văn giao ước trên và đồng ý ký thay mặt đơn vị."),
        error_messages={"required": _("Hãy đánh dấu xác nhận đã đọc và đồng ý ký.")},
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Bạn chỉ được ký cho đơn vị mà bạn là thủ trưởng hoặc được ủy quyền ký."
        )


class TitleRegistrationForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    title = forms.ChoiceField(label=_("Danh hiệu đăng ký"), choices=TitleRegistration.Title.choices)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        self.fields["agency"].error_messages["invalid_choice"] = _(
            "Bạn chỉ được đăng ký danh hiệu cho đơn vị của mình."
        )
