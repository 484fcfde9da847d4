"""The forms of the review meeting page: details, attendance, the election, opening a ballot."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from awards.models import Ballot
from blocs.forms import ElectionVotesForm
from khoithidua.fields import DeadlineField

TEXT = {"class": "form-control"}
SMALL = {"class": "form-control form-control-sm"}


class MeetingForm(forms.Form):
    """When and where the meeting is held, and who runs it."""

    held_at = DeadlineField(
        label=_("Thời gian họp"),
        error_messages={"required": _("Hãy nhập ngày (dd/mm/yyyy) và giờ (HH:MM) họp.")},
    )
    place = forms.CharField(
        label=_("Địa điểm"),
        max_length=255,
        error_messages={"required": _("Hãy ghi địa điểm họp.")},
    )
    chair = forms.CharField(
        label=_("Chủ trì"),
        max_length=255,
        help_text=_("Họ tên, chức vụ."),
        error_messages={"required": _("Hãy ghi người chủ trì hội nghị.")},
    )
    secretary = forms.CharField(label=_("Thư ký hội nghị"), max_length=255, required=False)
    ballot_committee = forms.CharField(
        label=_("Tổ kiểm phiếu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một người: họ tên, chức vụ."),
    )
    board_representative = forms.CharField(
        label=_("Đại diện Ban Thi đua – Khen thưởng"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "held_at",
            Row(Column("place"), Column("chair")),
            Row(Column("secretary"), Column("board_representative")),
            "ballot_committee",
        )


class AttendanceForm(forms.Form):
    """One row per member: present (with who came and their title) or absent (with a reason)."""

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = list(agencies)
        for agency in self.agencies:
            pk = agency.pk
            self.fields[f"present_{pk}"] = forms.BooleanField(
                label=_("%(agency)s có mặt") % {"agency": agency.name},
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"representative_{pk}"] = forms.CharField(
                label=_("Người dự của %(agency)s") % {"agency": agency.name},
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs=SMALL),
            )
            self.fields[f"title_{pk}"] = forms.CharField(
                label=_("Chức vụ người dự của %(agency)s") % {"agency": agency.name},
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs=SMALL),
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Lý do vắng của %(agency)s") % {"agency": agency.name},
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs=SMALL),
            )

    def sent(self, agency) -> bool:
        """Whether the request carried this agency's row (a form never clears what it did not
        send). An unchecked box sends nothing, so the row's text inputs tell."""
        return any(
            f"{name}_{agency.pk}" in self.data
            for name in ("present", "representative", "title", "reason")
        )

    def clean(self):
        cleaned = super().clean()
        for agency in self.agencies:
            pk = agency.pk
            if not self.sent(agency):
                continue
            if (
                cleaned.get(f"present_{pk}")
                and not (cleaned.get(f"representative_{pk}") or "").strip()
            ):
                if f"representative_{pk}" not in self.errors:
                    self.add_error(
                        f"representative_{pk}",
                        _("%(agency)s: có mặt thì phải ghi người dự.") % {"agency": agency.name},
                    )
        return cleaned

    def rows(self) -> dict:
        """The rows to record: agency id → values, only for the agencies the request sent."""
        data = self.cleaned_data
        return {
            agency.pk: {
                "present": bool(data.get(f"present_{agency.pk}")),
                "representative": data.get(f"representative_{agency.pk}", ""),
                "representative_title": data.get(f"title_{agency.pk}", ""),
                "absence_reason": data.get(f"reason_{agency.pk}", ""),
            }
            for agency in self.agencies
            if self.sent(agency)
        }

    def table(self, extra: dict | None = None):
        """(agency, present, representative, title, reason, extra) bound fields, row by row."""
        extra = extra or {}
        for agency in self.agencies:
            pk = agency.pk
            yield (
                agency,
                self[f"present_{pk}"],
                self[f"representative_{pk}"],
                self[f"title_{pk}"],
                self[f"reason_{pk}"],
                extra.get(pk),
            )


class MeetingElectionForm(ElectionVotesForm):
    """The vote at the year-end meeting for next year's leader and deputy; the voters are the
    members present."""

    minutes_number = forms.CharField(
        label=_("Số biên bản hội nghị"),
        required=False,
        max_length=30,
        help_text=_("Ví dụ: 05/BB-KTĐ. Ngày biên bản là ngày họp."),
    )

    def __init__(self, *args, members, voters, **kwargs):
        super().__init__(*args, members=members, **kwargs)
        self.voters = voters
        self.fields["leader"].label = _("Khối trưởng được bầu cho năm sau")
        self.fields["deputy"].label = _("Khối phó được bầu cho năm sau")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("leader"), Column("deputy")),
            Row(Column("leader_votes"), Column("deputy_votes"), Column("minutes_number")),
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("leader_votes", "deputy_votes"):
            votes = cleaned.get(name)
            if votes is not None and votes > self.voters:
                self.add_error(
                    name,
                    ValidationError(
                        _("Số phiếu không thể lớn hơn số đơn vị có mặt (%(n)s).")
                        % {"n": self.voters}
                    ),
                )
        return cleaned


class OpenBallotForm(forms.Form):
    """Open a round of the secret ballot for one award (posted to the ballots' own view)."""

    award_type = forms.TypedChoiceField(label=_("Khen thưởng"), coerce=int)
    mode = forms.ChoiceField(label=_("Hình thức bỏ phiếu"), choices=Ballot.Mode.choices)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].choices = [
            (rule.award_type_id, rule.award_type.name) for rule in rules
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Row(Column("award_type"), Column("mode")))
