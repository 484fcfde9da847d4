"""A deadline typed as a Vietnamese date and a 24-hour time, whatever the browser's language.

Browsers draw their own date and time inputs in the system's language (mm/dd/yyyy and AM/PM
on an English system), so the app uses two plain text inputs instead: the date as
dd/mm/yyyy and the time as HH:MM, read in Vietnam time (Asia/Ho_Chi_Minh, GMT+7).
"""

import datetime
import re
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# What the inputs' pattern attributes let the browser send, and what the server reads: the same.
# The time may be written the Vietnamese way too, "17h00".
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}"
TIME_PATTERN = r"\d{1,2}[:hH]\d{2}"
# A whole moment in one value, as scripts and the former single input sent it.
WHOLE_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y", "%Y-%m-%d %H:%M"]


class DeadlineWidget(forms.MultiWidget):
    """A date input (dd/mm/yyyy) and a time input (HH:MM), each with its own label."""

    def __init__(self, attrs=None):
        common = {"class": "form-control", "autocomplete": "off", "inputmode": "numeric"}
        widgets = {
            "date": forms.TextInput(
                attrs={
                    **common,
                    "pattern": DATE_PATTERN,
                    "placeholder": "dd/mm/yyyy",
                    "maxlength": "10",
                    "size": "10",
                }
            ),
            "time": forms.TextInput(
                attrs={
                    **common,
                    "pattern": TIME_PATTERN,
                    "placeholder": "HH:MM",
                    "maxlength": "5",
                    "size": "5",
                }
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = value.astimezone(VIETNAM)
            return [
                f"{value.day:02d}/{value.month:02d}/{value.year:04d}",
                f"{value.hour:02d}:{value.minute:02d}",
            ]
        return [None, None]

    def value_from_datadict(self, data, files, name):
        keys = [name + suffix for suffix in self.widgets_names]
        if not any(key in data for key in keys) and name in data:
            return split_moment(data.get(name))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        date_html = self.widgets[0].render(date["name"], date["value"], date["attrs"], renderer)
        time_html = self.widgets[1].render(time["name"], time["value"], time["attrs"], renderer)
        return format_html(
            '<div class="row g-2 deadline-input">'
            '<div class="col-7 col-sm-auto"><label class="form-label small mb-0" for="{}">{}</label>'
            "{}</div>"
            '<div class="col-5 col-sm-auto"><label class="form-label small mb-0" for="{}">{}</label>'
            "{}</div></div>",
            date["attrs"]["id"],
            _("Ngày (dd/mm/yyyy)"),
            date_html,
            time["attrs"]["id"],
            _("Giờ (HH:MM, 24 giờ)"),
            time_html,
        )


def split_moment(text) -> list:
    """A moment typed in one value, as [date, time] texts; unreadable text stays in the date."""
    text = (text or "").strip()
    for layout in WHOLE_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, layout)
        except ValueError:
            continue
        return [
            f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}",
            f"{moment.hour:02d}:{moment.minute:02d}",
        ]
    return [text, ""]


def parse_date(text: str) -> datetime.date | None:
    if not re.fullmatch(DATE_PATTERN, text):
        return None
    day, month, year = (int(part) for part in text.split("/"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def parse_time(text: str) -> datetime.time | None:
    if not re.fullmatch(TIME_PATTERN, text):
        return None
    hour, minute = (int(part) for part in re.split("[:hH]", text))
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class DeadlineField(forms.MultiValueField):
    """A moment in Vietnam time from a dd/mm/yyyy date and an HH:MM time; an aware datetime.

    A year outside 1900–9998 is refused as a typing error (and would not convert to UTC at the
    edges of the calendar).
    """

    widget = DeadlineWidget
    default_error_messages = {
        "required": _("Hãy nhập ngày (dd/mm/yyyy) và giờ (HH:MM)."),
        "invalid_date": _("Ngày phải theo dạng dd/mm/yyyy, ví dụ 30/06/2026."),
        "invalid_time": _("Giờ phải theo dạng HH:MM, 24 giờ, ví dụ 17:00."),
        "no_date": _("Hãy nhập ngày theo dạng dd/mm/yyyy."),
        "no_time": _("Hãy nhập giờ theo dạng HH:MM, 24 giờ."),
        "year": _("Năm của thời hạn phải trong khoảng 1900 – 9998."),
    }

    def __init__(self, **kwargs):
        kwargs.pop("input_formats", None)
        fields = (forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value):
        if isinstance(value, datetime.datetime):
            # A disabled field cleans its initial value, already a moment.
            return value
        if not isinstance(value, (list, tuple)):
            value = split_moment(value) if value else ["", ""]
        date_text, time_text = ((part or "").strip() for part in (list(value) + ["", ""])[:2])
        if not date_text and not time_text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        date, time = parse_date(date_text), parse_time(time_text)
        problems = []
        if not date_text:
            problems.append("no_date")
        elif date is None:
            problems.append("invalid_date")
        elif not 1900 <= date.year <= 9998:
            problems.append("year")
        if not time_text:
            problems.append("no_time")
        elif time is None:
            problems.append("invalid_time")
        if problems:
            raise forms.ValidationError(
                [forms.ValidationError(self.error_messages[p], code="invalid") for p in problems]
            )
        moment = timezone.make_aware(datetime.datetime.combine(date, time), VIETNAM)
        self.run_validators(moment)
        return moment

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True
