"""Forms of members' own reports: the agency's report, the due date, a quotation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import VietnameseDateField
from campaigns import evidence as evidence_checks
from campaigns.forms.scoring import MultipleFileField
from reports.contributions import TEXT_MAX_CHARS, section_choices


class FileIdsField(forms.TypedMultipleChoiceField):
    """Ids of files ticked to take off; blank values (an empty list of ticks) are ignored."""

    def to_python(self, value):
        return [v for v in super().to_python(value) if v.strip()]


class MemberReportForm(forms.Form):
    """The agency's text and new files; files to take off come as ``withdraw`` ids.

    Files are checked as scoring evidence is (``campaigns.evidence.check_upload``: the type read
    from the content, the size limit of ``EVIDENCE_MAX_BYTES``).
    """

    SAVE, SUBMIT = "save", "submit"

    text = forms.CharField(
        label=_("Nội dung báo cáo"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    files = MultipleFileField(label=_("Tệp kèm theo"))
    withdraw = FileIdsField(required=False, coerce=int, choices=())
    action = forms.ChoiceField(
        choices=[(SAVE, _("Lưu bản nháp")), (SUBMIT, _("Gửi thường trực khối"))],
        required=False,
    )

    def __init__(self, *args, current_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdraw"].choices = [(f.pk, f.original_name) for f in current_files]
        self.fields["withdraw"].error_messages["invalid_choice"] = _(
            "Tệp cần gỡ không còn trong báo cáo."
        )

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        for upload in uploads:
            evidence_checks.check_upload(upload)
        return uploads

    def clean_action(self):
        return self.cleaned_data.get("action") or self.SAVE


class ContributionsDueForm(forms.Form):
    contributions_due = VietnameseDateField(
        label=_("Hạn các đơn vị gửi báo cáo"),
        required=False,
        help_text=_("Để trống nếu không định hạn."),
    )


class QuoteForm(forms.Form):
    section = forms.ChoiceField(
        label=_("Trích vào mục"),
        error_messages={"invalid_choice": _("Hãy chọn một mục của báo cáo.")},
    )
    next = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = section_choices()
