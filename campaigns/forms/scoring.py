"""Forms of the scoring part: they validate and normalise, the services write."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Agency
from campaigns.models import CriteriaTable, Criterion
from campaigns.services.scoring import parse_points

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%H:%M %d/%m/%Y", "%Y-%m-%d %H:%M"]


class DeadlineInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    return helper


class TableSettingsForm(forms.ModelForm):
    class Meta:
        model = CriteriaTable
        fields = ["title", "base_max", "bonus_cap", "penalty_cap", "change_note"]
        widgets = {"change_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class NewVersionForm(forms.Form):
    change_note = forms.CharField(
        label=gettext_lazy("Nội dung thay đổi"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("Được gửi kèm thông báo tới mọi đơn vị thành viên."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CriterionForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=gettext_lazy("Thuộc nhóm"),
        queryset=Criterion.objects.none(),
        required=False,
        empty_label=gettext_lazy("(cấp cao nhất)"),
    )
    code = forms.CharField(label=gettext_lazy("Mã"), max_length=20)
    title = forms.CharField(label=gettext_lazy("Nội dung tiêu chí"), max_length=500)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=Criterion.Kind.choices)
    max_points = forms.DecimalField(
        label=gettext_lazy("Điểm tối đa"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=gettext_lazy("Bỏ trống với nhóm: điểm của nhóm là tổng các tiêu chí con."),
    )
    evidence_required = forms.BooleanField(
        label=gettext_lazy("Bắt buộc minh chứng"), required=False
    )
    guidance = forms.CharField(
        label=gettext_lazy("Hướng dẫn chấm"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    order = forms.IntegerField(label=gettext_lazy("Thứ tự"), min_value=0, required=False)

    def __init__(self, *args, table, exclude_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = table.criteria.filter(kind=Criterion.Kind.GROUP)
        if exclude_id:
            groups = groups.exclude(pk=exclude_id)
        self.fields["parent"].queryset = groups.order_by("order", "pk")
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind != Criterion.Kind.GROUP:
            points = data.get("max_points")
            if points is None or points <= 0:
                self.add_error("max_points", _("Tiêu chí phải có điểm tối đa lớn hơn 0."))
        return data


class CriteriaImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp Excel (.xlsx)"),
        help_text=gettext_lazy("Toàn bộ các dòng của bản dự thảo được thay bằng nội dung tệp."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 5 MB)."))
        return upload


class PeriodForm(forms.Form):
    self_deadline = forms.DateTimeField(
        label=gettext_lazy("Hạn tự chấm (giờ Việt Nam, GMT+7)"),
        input_formats=DATETIME_FORMATS,
        widget=DeadlineInput(),
    )
    review_deadline = forms.DateTimeField(
        label=gettext_lazy("Hạn chấm chéo (giờ Việt Nam, GMT+7)"),
        input_formats=DATETIME_FORMATS,
        widget=DeadlineInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean(self):
        data = super().clean()
        start, end = data.get("self_deadline"), data.get("review_deadline")
        if start and end and end < start:
            self.add_error("review_deadline", _("Hạn chấm chéo phải sau hạn tự chấm."))
        return data


class ExtensionForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Đơn vị"), queryset=Agency.objects.none())
    until = forms.DateTimeField(
        label=gettext_lazy("Gia hạn đến (giờ Việt Nam, GMT+7)"),
        input_formats=DATETIME_FORMATS,
        widget=DeadlineInput(),
    )
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=500)

    def __init__(self, *args, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(memberships__term=term).order_by(
            "sort_key", "pk"
        )
        self.helper = _helper()


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SelfScoreForm:
    """The grid of points and notes; values come back as typed when one is wrong.

    Fields are ``points-<criterion id>`` and ``note-<criterion id>`` for every leaf; files
    ``file-<criterion id>`` (several allowed), ``replace-<evidence id>`` and the list
    ``withdraw`` of evidence ids.
    """

    def __init__(self, data, files, *, leaves):
        self.data, self.files, self.leaves = data, files, list(leaves)
        self.entries, self.errors, self.typed = {}, {}, {}

    def is_valid(self) -> bool:
        for criterion in self.leaves:
            raw = self.data.get(f"points-{criterion.pk}", "")
            note = self.data.get(f"note-{criterion.pk}", "")[:4000]
            self.typed[criterion.pk] = (raw, note)
            try:
                value = parse_points(raw)
            except ValueError:
                self.errors[criterion.pk] = _("“%(v)s” không phải là số.") % {"v": raw}
                continue
            if value is not None and value < 0:
                self.errors[criterion.pk] = _("Điểm không được âm.")
                continue
            if value is not None and (value >= 10000 or value != round(value, 2)):
                self.errors[criterion.pk] = _("Điểm có tối đa 2 chữ số thập phân.")
                continue
            self.entries[criterion.pk] = (value, note)
        return not self.errors

    def uploads(self):
        """(criterion id, file) for every new file, in the order of the leaves."""
        out = []
        for criterion in self.leaves:
            for upload in self.files.getlist(f"file-{criterion.pk}"):
                out.append((criterion, upload))
        return out

    def replacements(self, evidence_ids):
        return [
            (pk, self.files[f"replace-{pk}"])
            for pk in evidence_ids
            if f"replace-{pk}" in self.files
        ]

    def withdrawals(self) -> set[int]:
        return {int(v) for v in self.data.getlist("withdraw") if str(v).isdigit()}
