"""The forms of the award rules page: one award's rule of the year, and a council's own award."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from awards import rules
from awards.models import AwardRule, AwardType
from campaigns.services.points import parse_points

THREE_PLACES = Decimal("0.001")


def share_text(value) -> str:
    """A stored share as people type it back ("20%", "2/3"); "" for none."""
    if value is None or value == "":
        return ""
    try:
        return rules.share_label(value)
    except ValueError:
        return str(value)


def parse_share(text) -> Decimal | None:
    """A share typed as a percent ("20", "66,7", "50%") or a fraction ("2/3"), as a decimal with
    three places (``"2/3"`` → ``Decimal("0.667")``); blank is ``None``; ValueError otherwise."""
    if isinstance(text, Decimal):
        value = Fraction(text)
    else:
        text = ("" if text is None else str(text)).strip().replace(" ", "")
        if not text:
            return None
        if "/" in text:
            value = rules.share(text)
        else:
            number = parse_points(text.removesuffix("%"))
            if number is None or not 0 <= number <= 100:
                raise ValueError(text)
            value = Fraction(number) / 100
    stored = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        THREE_PLACES, rounding=ROUND_HALF_UP
    )
    # The stored decimal must stand for a share between none and all (awards.rules.share).
    rules.share(stored)
    return stored


class ShareField(forms.Field):
    """A share typed as a percent or a fraction; cleans to a Decimal with three places."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _(
            "%(label)s phải là một tỷ lệ phần trăm từ 0 đến 100 (ví dụ 20 hoặc 66,7) hoặc một"
            " phân số (ví dụ 2/3)."
        ),
    }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return share_text(value)
        return value

    def to_python(self, value):
        try:
            return parse_share(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"label": self.label or _("Tỷ lệ")},
            ) from None


STRICT_CHOICES = [
    ("1", _("Trên tỷ lệ (>)")),
    ("0", _("Từ tỷ lệ trở lên (≥)")),
]


class AwardRuleForm(forms.Form):
    """One award's rule for the year; "active" unticked leaves the award out of the year."""

    award_type = forms.ModelChoiceField(queryset=AwardType.objects.none(), widget=forms.HiddenInput)
    active = forms.BooleanField(
        label=_("Xét hình thức này trong năm"),
        required=False,
        help_text=_("Bỏ chọn để năm nay không xét hình thức khen thưởng này."),
    )
    max_count = forms.IntegerField(
        label=_("Số lượng tối đa"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Để trống nếu không giới hạn."),
        error_messages={
            "invalid": _("Số lượng tối đa phải là một số nguyên, ví dụ 1."),
            "min_value": _("Số lượng tối đa phải từ 1 trở lên."),
            "max_value": _("Số lượng tối đa không quá 999."),
        },
    )
    max_share = ShareField(
        label=_("Tỷ lệ tối đa trên số thành viên"),
        required=False,
        help_text=_("Ví dụ 20 (nghĩa là 20%) hoặc 1/5; để trống nếu không giới hạn."),
    )
    min_vote_share = ShareField(
        label=_("Tỷ lệ phiếu tối thiểu"),
        help_text=_("Ví dụ 50 (nghĩa là 50%) hoặc 2/3."),
        error_messages={"required": _("Hãy nhập tỷ lệ phiếu tối thiểu, ví dụ 50 hoặc 2/3.")},
    )
    vote_strict = forms.TypedChoiceField(
        label=_("Cách so tỷ lệ phiếu"),
        choices=STRICT_CHOICES,
        coerce=lambda value: value == "1",
        error_messages={"required": _("Hãy chọn cách so tỷ lệ phiếu.")},
    )
    vote_base = forms.ChoiceField(
        label=_("Tính tỷ lệ phiếu trên"),
        choices=AwardRule.Base.choices,
        error_messages={"required": _("Hãy chọn cách tính tỷ lệ phiếu.")},
    )
    quorum = ShareField(
        label=_("Tỷ lệ có mặt tối thiểu riêng"),
        required=False,
        help_text=_("Để trống để dùng tỷ lệ có mặt của hội nghị."),
    )
    requires = forms.ModelChoiceField(
        label=_("Chỉ xét đơn vị đã được đề nghị"),
        queryset=AwardType.objects.none(),
        required=False,
        empty_label=_("— Không yêu cầu —"),
    )
    leading = forms.BooleanField(label=_("Bình chọn đơn vị dẫn đầu khối"), required=False)
    min_band = forms.ChoiceField(label=_("Xếp loại tối thiểu"), required=False)
    legal_source = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, award_types, bands, award_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [t.pk for t in award_types]
        self.fields["award_type"].queryset = AwardType.objects.filter(pk__in=ids)
        others = [t.pk for t in award_types if award_type is None or t.pk != award_type.pk]
        self.fields["requires"].queryset = AwardType.objects.filter(pk__in=others)
        choices = [("", _("— Không yêu cầu —"))] + [(b.code, b.label) for b in bands]
        current = self.initial.get("min_band")
        if current and current not in {b.code for b in bands}:
            choices.append((current, current))
        self.fields["min_band"].choices = choices

    @classmethod
    def initial_for(cls, rule: AwardRule | None, award_type: AwardType) -> dict:
        if rule is None:
            return {"award_type": award_type.pk, "active": False, "min_vote_share": "50%"}
        return {
            "award_type": award_type.pk,
            "active": True,
            "max_count": rule.max_count,
            "max_share": share_text(rule.max_share),
            "min_vote_share": share_text(rule.min_vote_share),
            "vote_strict": "1" if rule.vote_strict else "0",
            "vote_base": rule.vote_base,
            "quorum": share_text(rule.quorum),
            "requires": rule.requires_id,
            "leading": rule.leading,
            "min_band": rule.min_band,
            "legal_source": rule.legal_source,
        }

    def rule_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("award_type")
        data.pop("active")
        return data


class AwardTypeForm(forms.Form):
    """A council's own award, added from the award rules page by the board."""

    code = forms.SlugField(
        label=_("Mã"),
        max_length=40,
        help_text=_("Chữ thường không dấu, số và dấu gạch ngang, ví dụ bang-khen-khoi."),
        error_messages={
            "required": _("Hãy nhập mã, ví dụ bang-khen-khoi."),
            "invalid": _("Mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang."),
        },
    )
    name = forms.CharField(
        label=_("Tên hình thức khen thưởng"),
        max_length=255,
        error_messages={"required": _("Hãy nhập tên hình thức khen thưởng.")},
    )
    level = forms.ChoiceField(
        label=_("Cấp"),
        choices=AwardType.Level.choices,
        error_messages={
            "required": _("Hãy chọn cấp khen thưởng."),
            "invalid_choice": _("Cấp khen thưởng đã chọn không có trong danh sách."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại"),
        choices=AwardType.Kind.choices,
        error_messages={
            "required": _("Hãy chọn loại khen thưởng."),
            "invalid_choice": _("Loại khen thưởng đã chọn không có trong danh sách."),
        },
    )
    issuer = forms.CharField(
        label=_("Cấp quyết định"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: Chủ tịch Ủy ban nhân dân tỉnh."),
    )
    order = forms.IntegerField(
        label=_("Thứ tự"),
        min_value=0,
        max_value=32767,
        initial=50,
        error_messages={
            "required": _("Hãy nhập thứ tự hiển thị, ví dụ 50."),
            "invalid": _("Thứ tự phải là một số nguyên, ví dụ 50."),
            "min_value": _("Thứ tự không được âm."),
            "max_value": _("Thứ tự không quá 32767."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "type")
        super().__init__(*args, **kwargs)
