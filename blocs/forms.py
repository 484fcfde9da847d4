import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.auth import password_is_correct
from blocs.models import Agency, Membership
from khoithidua.uploads import (
    ELECTION_MINUTES_MAX_BYTES,
    MEMBER_IMPORT_MAX_BYTES,
    MaxSizeValidator,
    check_size,
)


class LoginForm(AuthenticationForm):
    """The login form, with Vietnamese labels and autocomplete hints."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
    }

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Change one's password; the old one is checked like a login, under the same lockout."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_is_correct(user=self.user, password=old_password, request=self.request):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class VietnameseDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (the ISO form is accepted too)."""

    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2026."),
        "required": _("Hãy nhập ngày (dạng ngày/tháng/năm)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
            ),
        )
        super().__init__(**kwargs)


def place_in_order(form, chosen) -> dict:
    """Give each rotation place to one agency; a second claim on a place is an error on its field.

    ``chosen`` holds (place, field name, agency) triples, the first claim first; returns
    {place: agency}.
    """
    seen = {}
    for position, name, entry in chosen:
        if position in seen:
            form.add_error(
                name,
                _("Thứ tự %(n)s đã dùng cho %(other)s.")
                % {"n": position, "other": seen[position].name},
            )
        else:
            seen[position] = entry
    return seen


class AgencyChoiceField(forms.ModelChoiceField):
    """Choose an agency, shown with its abbreviation."""

    default_error_messages = {
        "invalid_choice": _("Đơn vị đã chọn không hợp lệ hoặc không còn trong danh sách."),
        "required": _("Hãy chọn một đơn vị."),
    }

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.abbreviation})"


class AddMemberForm(forms.Form):
    """Add an active agency of the council that is not a current member."""

    agency = AgencyChoiceField(queryset=Agency.objects.none(), label=_("Cơ quan, đơn vị"))
    joined_on = VietnameseDateField(label=_("Ngày tham gia"))

    def __init__(self, *args, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        current = Membership.objects.filter(term=term, left_on__isnull=True).values("agency_id")
        self.fields["agency"].queryset = (
            Agency.objects.active()
            .filter(council_id=term.bloc.council_id)
            .exclude(pk__in=current)
            .vietnamese_order()
        )
        self.fields["agency"].empty_label = _("— Chọn đơn vị —")
        if not self.is_bound:
            self.initial.setdefault("joined_on", _default_day(term))

    def clean_joined_on(self):
        day = self.cleaned_data["joined_on"]
        if day.year != self.term.year:
            raise ValidationError(
                _("Ngày tham gia phải thuộc năm %(year)s.") % {"year": self.term.year}
            )
        return day


class RemoveMemberForm(forms.Form):
    """Record that a member leaves the bloc, with the date and the reason."""

    left_on = VietnameseDateField(label=_("Ngày rời khối"))
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=255,
        error_messages={"required": _("Hãy ghi lý do rời khối.")},
        help_text=_("Ví dụ: sáp nhập, giải thể, chuyển sang khối khác theo quyết định số …"),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if not self.is_bound:
            self.initial.setdefault("left_on", _default_day(membership.term))

    def clean_left_on(self):
        day = self.cleaned_data["left_on"]
        if day < self.membership.joined_on:
            raise ValidationError(
                _("Ngày rời khối phải từ ngày tham gia (%(day)s) trở đi.")
                % {"day": self.membership.joined_on.strftime("%d/%m/%Y")}
            )
        if day.year != self.membership.term.year:
            raise ValidationError(
                _("Ngày rời khối phải thuộc năm %(year)s.") % {"year": self.membership.term.year}
            )
        return day


class LeadershipForm(forms.Form):
    """Choose the leader and the deputy among the current members."""

    leader = AgencyChoiceField(queryset=Agency.objects.none(), label=_("Khối trưởng"))
    deputy = AgencyChoiceField(queryset=Agency.objects.none(), label=_("Khối phó"))

    def __init__(self, *args, members, shown=None, **kwargs):
        """``members``: the agencies that may be chosen (a queryset, which checks the answer);
        ``shown``: the same agencies already read by the page, in order, if it has them."""
        super().__init__(*args, **kwargs)
        # Both lists offer the same members: read once, not once for each list drawn.
        options = None
        for name in ("leader", "deputy"):
            field = self.fields[name]
            field.queryset = members
            field.empty_label = _("— Chọn đơn vị —")
            if options is None:
                agencies = members if shown is None else shown
                options = [(a.pk, field.label_from_instance(a)) for a in agencies]
            field.choices = [("", field.empty_label), *options]

    def clean(self):
        cleaned = super().clean()
        leader, deputy = cleaned.get("leader"), cleaned.get("deputy")
        if leader and deputy and leader == deputy:
            self.add_error("deputy", _("Khối phó phải là đơn vị khác khối trưởng."))
        return cleaned


class LeadershipChangeForm(LeadershipForm):
    """Change the lead of a running year: the reason is kept in the history."""

    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=255,
        error_messages={"required": _("Hãy ghi lý do thay đổi khối trưởng, khối phó.")},
        help_text=_("Ví dụ: theo Thông báo số …/TB-BTĐKT; đơn vị khối trưởng hợp nhất."),
    )


MINUTES_EXTENSIONS = (".pdf",)


class ElectionVotesForm(LeadershipForm):
    """Next year's leader and deputy with the votes each received."""

    leader_votes = forms.IntegerField(
        label=_("Số phiếu bầu khối trưởng"),
        min_value=0,
        error_messages={"required": _("Hãy nhập số phiếu bầu khối trưởng.")},
    )
    deputy_votes = forms.IntegerField(
        label=_("Số phiếu bầu khối phó"),
        min_value=0,
        error_messages={"required": _("Hãy nhập số phiếu bầu khối phó.")},
    )


class ElectionForm(ElectionVotesForm):
    """The vote at the year-end meeting for next year's leader and deputy."""

    held_on = VietnameseDateField(label=_("Ngày bầu (hội nghị tổng kết)"))
    voters = forms.IntegerField(
        label=_("Số đơn vị tham gia bỏ phiếu"),
        min_value=1,
        error_messages={"required": _("Hãy nhập số đơn vị tham gia bỏ phiếu.")},
    )
    minutes = forms.FileField(
        label=_("Biên bản bầu (tệp PDF)"),
        required=False,
        help_text=_("Bản scan biên bản có chữ ký, tệp PDF tối đa 10 MB."),
    )
    minutes_number = forms.CharField(
        label=_("Số biên bản"),
        required=False,
        max_length=30,
        help_text=_("Ví dụ: 05/BB-KTĐ. Không có tệp thì phải ghi số và ngày biên bản."),
    )
    minutes_date = VietnameseDateField(label=_("Ngày biên bản"), required=False)

    field_order = ["held_on", "leader", "deputy", "voters", "leader_votes", "deputy_votes"]

    def __init__(self, *args, members, election=None, **kwargs):
        super().__init__(*args, members=members, **kwargs)
        self.has_stored_minutes = bool(election and election.minutes)
        self.member_count = members.count()
        self.fields["leader"].label = _("Khối trưởng được bầu cho năm sau")
        self.fields["deputy"].label = _("Khối phó được bầu cho năm sau")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("held_on", css_class="col-md-5")),
            Row(Column("leader"), Column("deputy")),
            Row(Column("voters"), Column("leader_votes"), Column("deputy_votes")),
            "minutes",
            Row(Column("minutes_number"), Column("minutes_date")),
        )

    def clean_voters(self):
        voters = self.cleaned_data["voters"]
        if voters > self.member_count:
            raise ValidationError(
                _("Số đơn vị bỏ phiếu không thể lớn hơn số thành viên (%(n)s).")
                % {"n": self.member_count}
            )
        return voters

    def clean_minutes(self):
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return upload
        check_size(upload, ELECTION_MINUTES_MAX_BYTES)
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if not upload.name.lower().endswith(MINUTES_EXTENSIONS) or head != b"%PDF-":
            raise ValidationError(_("Biên bản phải là tệp PDF."))
        return upload

    def _clean_minutes_record(self, data):
        """The minutes are required: the PDF (new or kept) or their number and date."""
        number = (data.get("minutes_number") or "").strip()
        day = data.get("minutes_date")
        data["minutes_number"] = number
        if number and not day and "minutes_date" not in self.errors:
            self.add_error("minutes_date", _("Hãy ghi ngày của biên bản số %(n)s.") % {"n": number})
        elif day and not number:
            self.add_error("minutes_number", _("Hãy ghi số của biên bản ngày này."))
        has_file = bool(data.get("minutes")) or self.has_stored_minutes
        # A wrong file, number or date has its own message already.
        told = any(name in self.errors for name in ("minutes", "minutes_number", "minutes_date"))
        if not has_file and not (number and day) and not told:
            self.add_error(
                "minutes",
                _("Cần có biên bản bầu: tải lên tệp PDF, hoặc ghi số và ngày của biên bản."),
            )

    def clean(self):
        cleaned = super().clean()
        voters = cleaned.get("voters")
        for name in ("leader_votes", "deputy_votes"):
            votes = cleaned.get(name)
            if voters is not None and votes is not None and votes > voters:
                self.add_error(name, _("Số phiếu không thể lớn hơn số đơn vị tham gia bỏ phiếu."))
        self._clean_minutes_record(cleaned)
        return cleaned


class RotationForm(forms.Form):
    """The rotation order of the lead: one position number per agency."""

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        for position, (agency, note) in enumerate(self.agencies, start=1):
            label = f"{agency.name} ({agency.abbreviation})"
            self.fields[f"pos_{agency.pk}"] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=len(self.agencies),
                initial=position,
                help_text=note,
                error_messages={
                    "required": _("Hãy nhập thứ tự cho %(agency)s.") % {"agency": agency.name},
                },
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [
            (cleaned[f"pos_{agency.pk}"], f"pos_{agency.pk}", agency)
            for agency, _note in self.agencies
            if cleaned.get(f"pos_{agency.pk}") is not None
        ]
        place_in_order(self, chosen)
        return cleaned

    def full_clean(self):
        super().full_clean()
        # The table layout prints each error under its agency; tie it to the input for readers.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"id_{name}-error"
                attrs["class"] += " is-invalid"

    def ordered_agencies(self):
        """The agencies in the chosen order (call after ``is_valid``)."""
        return [
            agency
            for agency, _note in sorted(
                self.agencies, key=lambda pair: self.cleaned_data[f"pos_{pair[0].pk}"]
            )
        ]


class MemberImportForm(forms.Form):
    """Upload the filled-in Excel template."""

    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        help_text=_("Tối đa 2 MB và 500 đơn vị."),
        error_messages={"required": _("Hãy chọn tệp Excel theo mẫu.")},
        validators=[MaxSizeValidator(MEMBER_IMPORT_MAX_BYTES)],
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _default_day(term):
    """Today when it falls in the term's year, else the first of January of that year."""
    today = timezone.localdate()
    return today if today.year == term.year else datetime.date(term.year, 1, 1)


class NotificationPreferencesForm(forms.Form):
    """A person's language and, for each kind of notification, how they want to be told."""

    language = forms.ChoiceField(label=_("Ngôn ngữ của thư và thông báo"))

    def __init__(self, *args, user, kinds, **kwargs):
        from django.conf import settings
        from django.utils.translation import get_language_info

        from blocs.notices import Delivery

        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        self.fields["language"].initial = user.mail_language
        chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
        for kind in kinds:
            self.fields[self.field_name(kind.code)] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=chosen.get(kind.code, kind.default),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    @staticmethod
    def field_name(code: str) -> str:
        return "delivery_" + code.replace(".", "__")

    def deliveries(self) -> dict[str, str]:
        """The choice for each kind the request carried; a kind it did not send is kept."""
        return {
            kind.code: self.cleaned_data[self.field_name(kind.code)]
            for kind in self.kinds
            if self.cleaned_data.get(self.field_name(kind.code))
        }
