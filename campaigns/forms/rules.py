"""The year's rules: classification bands, tie-break order, score step, quorum and deadlines."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns import ranking
from campaigns.forms.scoring import PeriodForm
from campaigns.models import APPEAL_DAYS_MAX, Period
from campaigns.services.points import history_value, parse_points, points_label

# Room for one band more than the year has, so that a band can be added.
MAX_BANDS = 8
TIE_BREAK_PLACES = len(ranking.RULE_LABELS)
ORDINALS = [gettext_lazy("thứ nhất"), gettext_lazy("thứ hai"), gettext_lazy("thứ ba")]


class TypedDecimalField(forms.DecimalField):
    """A decimal as Vietnamese write it, read like points (``parse_points``): a comma or a dot.

    A text input: a number input would drop "0,25" in browsers set to English.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        # No min/max/step attributes: they belong to number inputs.
        return {}

    def to_python(self, value):
        try:
            value = parse_points(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


def appeal_days_field(**kwargs) -> forms.IntegerField:
    """The days members have to appeal a published ranking: 1 to ``APPEAL_DAYS_MAX`` (60, which
    the messages name)."""
    return forms.IntegerField(
        min_value=1,
        max_value=APPEAL_DAYS_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": gettext_lazy("Hãy nhập số ngày nhận kiến nghị, từ 1 đến 60."),
            "invalid": gettext_lazy("Số ngày nhận kiến nghị phải là số nguyên, từ 1 đến 60."),
            "min_value": gettext_lazy("Số ngày nhận kiến nghị phải từ 1 đến 60."),
            "max_value": gettext_lazy("Số ngày nhận kiến nghị phải từ 1 đến 60."),
        },
        **kwargs,
    )


class RulesForm(forms.Form):
    """Bands (label and minimum, highest first), tie-break order, score step, quorum and the
    appeal window."""

    score_step = TypedDecimalField(
        label=gettext_lazy("Bước điểm"),
        min_value=Decimal("0"),
        max_value=Decimal("10"),
        max_digits=4,
        decimal_places=2,
        help_text=gettext_lazy(
            "Điểm chấm phải là bội số của bước này, ví dụ 0,25; ghi 0 để không giới hạn."
        ),
        error_messages={
            "required": gettext_lazy("Hãy nhập bước điểm, ví dụ 0,25."),
            "invalid": gettext_lazy("Bước điểm phải là một số, ví dụ 0,25."),
            "min_value": gettext_lazy("Bước điểm không được âm."),
            "max_value": gettext_lazy("Bước điểm không quá 10."),
            "max_digits": gettext_lazy("Bước điểm có tối đa 2 chữ số thập phân, ví dụ 0,25."),
            "max_decimal_places": gettext_lazy(
                "Bước điểm có tối đa 2 chữ số thập phân, ví dụ 0,25."
            ),
            "max_whole_digits": gettext_lazy("Bước điểm không quá 10."),
        },
    )
    quorum = TypedDecimalField(
        label=gettext_lazy("Tỷ lệ có mặt tối thiểu của hội nghị (%)"),
        min_value=Decimal("50"),
        max_value=Decimal("100"),
        max_digits=4,
        decimal_places=1,
        help_text=gettext_lazy("Phần trăm số đơn vị thành viên, ví dụ 66,7 cho hai phần ba."),
        error_messages={
            "required": gettext_lazy("Hãy nhập tỷ lệ có mặt tối thiểu, ví dụ 66,7."),
            "invalid": gettext_lazy("Tỷ lệ có mặt tối thiểu phải là một số, ví dụ 66,7."),
            "min_value": gettext_lazy("Tỷ lệ có mặt tối thiểu phải từ 50%% đến 100%%."),
            "max_value": gettext_lazy("Tỷ lệ có mặt tối thiểu phải từ 50%% đến 100%%."),
            "max_digits": gettext_lazy("Tỷ lệ có mặt tối thiểu phải từ 50%% đến 100%%."),
            "max_decimal_places": gettext_lazy(
                "Tỷ lệ có mặt tối thiểu có tối đa 1 chữ số thập phân, ví dụ 66,7."
            ),
            "max_whole_digits": gettext_lazy("Tỷ lệ có mặt tối thiểu phải từ 50%% đến 100%%."),
        },
    )

    appeal_days = appeal_days_field(
        label=gettext_lazy("Số ngày nhận kiến nghị sau khi công bố kết quả"),
        help_text=gettext_lazy(
            "Sau khi công bố kết quả tạm thời, thành viên có bấy nhiêu ngày để kiến nghị."
        ),
    )

    def __init__(self, data=None, *args, bands, **kwargs):
        initial = kwargs.get("initial") or {}
        if data is not None and "appeal_days" not in data and "appeal_days" in initial:
            # A request that does not send the appeal window leaves it as it is: a form never
            # clears what it was not given.
            data = data.copy()
            data["appeal_days"] = str(initial["appeal_days"])
        super().__init__(data, *args, **kwargs)
        self.band_codes = [b.code for b in bands]
        rows = min(len(bands) + 1, MAX_BANDS)
        for i in range(1, rows + 1):
            band = bands[i - 1] if i <= len(bands) else None
            self.fields[f"band{i}_label"] = forms.CharField(
                label=_("Tên mức %(i)s") % {"i": i},
                max_length=50,
                required=False,
                initial=band.label if band else "",
            )
            self.fields[f"band{i}_min"] = TypedDecimalField(
                label=_("Từ (điểm)"),
                min_value=Decimal("0"),
                max_value=Decimal("1000"),
                max_digits=6,
                decimal_places=2,
                required=False,
                initial=points_label(band.min) if band else None,
                error_messages={
                    "invalid": _("Ngưỡng điểm phải là một số, ví dụ 85."),
                    "min_value": _("Ngưỡng điểm không được âm."),
                    "max_value": _("Ngưỡng điểm không quá 1000."),
                    "max_digits": _("Ngưỡng điểm không quá 1000."),
                    "max_decimal_places": _("Ngưỡng điểm có tối đa 2 chữ số thập phân."),
                    "max_whole_digits": _("Ngưỡng điểm không quá 1000."),
                },
            )
        self.band_count = rows
        choices = [("", _("— Không dùng —")), *[(k, v) for k, v in ranking.RULE_LABELS.items()]]
        for i in range(1, TIE_BREAK_PLACES + 1):
            self.fields[f"tie_break_{i}"] = forms.ChoiceField(
                label=_("Tiêu chí phân định %(n)s") % {"n": ORDINALS[i - 1]}
                if i <= len(ORDINALS)
                else _("Tiêu chí phân định %(n)s") % {"n": i},
                choices=choices,
                required=False,
                error_messages={"invalid_choice": _("Tiêu chí phân định không hợp lệ.")},
            )

    def band_rows(self):
        return [
            (self[f"band{i}_label"], self[f"band{i}_min"]) for i in range(1, self.band_count + 1)
        ]

    def tie_break_fields(self):
        return [self[f"tie_break_{i}"] for i in range(1, TIE_BREAK_PLACES + 1)]

    def clean(self):
        cleaned = super().clean()
        cleaned["bands"] = self._clean_bands(cleaned)
        cleaned["tie_breaks"] = self._clean_tie_breaks(cleaned)
        return cleaned

    def _clean_bands(self, cleaned):
        bands, labels, above = [], {}, None
        for i in range(1, self.band_count + 1):
            label_name, min_name = f"band{i}_label", f"band{i}_min"
            if label_name in self.errors or min_name in self.errors:
                continue
            label = " ".join((cleaned.get(label_name) or "").split())
            minimum = cleaned.get(min_name)
            if not label and minimum is None:
                continue
            if not label:
                self.add_error(label_name, _("Hãy đặt tên cho mức xếp loại có ngưỡng này."))
                continue
            if minimum is None:
                self.add_error(
                    min_name, _("Hãy ghi ngưỡng điểm của mức “%(label)s”.") % {"label": label}
                )
                continue
            if label.casefold() in labels:
                self.add_error(
                    label_name,
                    _("Tên mức “%(label)s” đã dùng ở dòng %(row)s.")
                    % {"label": label, "row": labels[label.casefold()]},
                )
                continue
            if above is not None and minimum >= above[1]:
                self.add_error(
                    min_name,
                    _(
                        "Các mức phải xếp từ cao xuống thấp: ngưỡng của “%(label)s” (%(min)s) "
                        "phải thấp hơn ngưỡng của “%(above)s” (%(above_min)s)."
                    )
                    % {
                        "label": label,
                        "min": history_value(minimum),
                        "above": above[0],
                        "above_min": history_value(above[1]),
                    },
                )
                continue
            labels[label.casefold()] = i
            above = (label, minimum)
            bands.append({"code": self._code(i, label, bands), "label": label, "min": minimum})
        if not bands and not any(
            f"band{i}_label" in self.errors for i in range(1, self.band_count + 1)
        ):
            self.add_error("band1_label", _("Cần ít nhất một mức xếp loại."))
        return [{**b, "min": history_value(b["min"])} for b in bands]

    def _code(self, i, label, bands):
        """A band keeps the code of its row; a new row gets one from its label."""
        taken = {b["code"] for b in bands}
        if i <= len(self.band_codes) and self.band_codes[i - 1] not in taken:
            return self.band_codes[i - 1]
        base = re.sub(r"[^a-z0-9]+", "_", slugify(label.replace("đ", "d").replace("Đ", "D")))
        base = base.strip("_") or "muc"
        code, n = base, 2
        while code in taken or code in self.band_codes[i:]:
            code, n = f"{base}_{n}", n + 1
        return code

    def _clean_tie_breaks(self, cleaned):
        chosen, seen = [], {}
        for i in range(1, TIE_BREAK_PLACES + 1):
            name = f"tie_break_{i}"
            rule = cleaned.get(name)
            if not rule:
                continue
            if rule in seen:
                self.add_error(
                    name,
                    _("“%(rule)s” đã được chọn ở vị trí %(n)s.")
                    % {"rule": ranking.RULE_LABELS[rule], "n": seen[rule]},
                )
                continue
            seen[rule] = i
            chosen.append(rule)
        return chosen


class RulesPeriodForm(PeriodForm):
    """A period's deadlines on the rules page: both empty leaves a period not yet opened."""

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        if period is None:
            for field in self.fields.values():
                field.required = False
        elif period.status == Period.Status.AGREED:
            for field in self.fields.values():
                field.disabled = True
                field.help_text = _("Kỳ đã thống nhất: không sửa được thời hạn.")

    def clean(self):
        data = super().clean()
        start, end = data.get("self_deadline"), data.get("review_deadline")
        if self.period is None and bool(start) != bool(end) and not self.errors:
            missing = "review_deadline" if start else "self_deadline"
            self.add_error(missing, _("Hãy ghi cả hạn tự chấm và hạn chấm chéo để mở kỳ này."))
        return data

    def deadlines(self):
        """(self deadline, review deadline), or None when the period stays unopened."""
        start, end = (
            self.cleaned_data.get("self_deadline"),
            self.cleaned_data.get("review_deadline"),
        )
        return (start, end) if start and end else None


def percent(quorum: Decimal) -> Decimal:
    """The stored share (0.667) as the percentage shown (66.7)."""
    return (quorum * 100).quantize(Decimal("0.1"))
