"""Forms of the scoring part: they validate and normalise, the services write."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.models import Agency
from campaigns import evidence as evidence_checks
from campaigns.models import CriteriaTable, Criterion
from campaigns.services.points import parse_points, storable_problem, validate_points
from campaigns.services.scorecards import UNCHANGED
from khoithidua.fields import DeadlineField
from khoithidua.uploads import CRITERIA_IMPORT_MAX_BYTES, check_size


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
        check_size(upload, CRITERIA_IMPORT_MAX_BYTES)
        return upload


class PeriodForm(forms.Form):
    self_deadline = DeadlineField(
        label=gettext_lazy("Hạn tự chấm (giờ Việt Nam, GMT+7)"),
    )
    review_deadline = DeadlineField(
        label=gettext_lazy("Hạn chấm chéo (giờ Việt Nam, GMT+7)"),
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
    until = DeadlineField(
        label=gettext_lazy("Gia hạn đến (giờ Việt Nam, GMT+7)"),
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


class RecallForm(forms.Form):
    """The agency confirms it takes its submitted card back as a draft."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi xác nhận rút lại phiếu đã nộp để sửa và nộp lại trước hạn."),
        error_messages={"required": gettext_lazy("Hãy đánh dấu xác nhận trước khi rút lại phiếu.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleans to a list (empty when none was sent)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items if item]


class EvidenceFileField(forms.FileField):
    """A file checked as evidence (type, size) by ``campaigns.evidence``."""

    def validate(self, value):
        super().validate(value)
        if value:
            evidence_checks.check_upload(value)


class SelfScoreForm(forms.Form):
    """The member's grid: points and a note per leaf, files per leaf, replaced and withdrawn files.

    Fields are ``points-<criterion id>`` and ``note-<criterion id>`` for every leaf; files
    ``file-<criterion id>`` (several allowed) and ``replace-<evidence id>`` for every current
    file; ``withdraw`` lists evidence ids. Only the fields the request carries change: a missing
    field never means "clear". Points must be storable, within 0 and the criterion's maximum and
    on the term's ``step``; one wrong line refuses the whole save.
    """

    def __init__(self, data=None, files=None, *, leaves, current_evidence=(), step=0):
        super().__init__(data, files)
        self.leaves = list(leaves)
        self.step = step
        self.current_evidence = {e.pk: e for e in current_evidence}
        for c in self.leaves:
            self.fields[f"points-{c.pk}"] = forms.CharField(required=False, strip=False)
            self.fields[f"note-{c.pk}"] = forms.CharField(required=False, strip=False)
            self.fields[f"file-{c.pk}"] = MultipleFileField()
        for pk in self.current_evidence:
            self.fields[f"replace-{pk}"] = EvidenceFileField(required=False)

    def clean_file_fields(self):
        for c in self.leaves:
            for upload in self.cleaned_data.get(f"file-{c.pk}") or []:
                try:
                    evidence_checks.check_upload(upload)
                except forms.ValidationError as exc:
                    self.add_error(f"file-{c.pk}", exc)
                    break

    def _points(self, criterion):
        """The points typed for ``criterion``: ``UNCHANGED`` when the request has none."""
        name = f"points-{criterion.pk}"
        if name not in self.data:
            return UNCHANGED
        raw = self.data.get(name, "")
        try:
            value = parse_points(raw)
        except ValueError:
            raise forms.ValidationError(_("“%(v)s” không phải là số.") % {"v": raw}) from None
        problem = storable_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        if value is not None:
            validate_points(value, criterion=criterion, step=self.step)
        return value

    def clean(self):
        data = super().clean()
        self.clean_file_fields()
        self.entries = {}
        for c in self.leaves:
            try:
                value = self._points(c)
            except forms.ValidationError as exc:
                self.add_error(f"points-{c.pk}", exc)
                continue
            note = self.data.get(f"note-{c.pk}")
            if value is UNCHANGED and note is None:
                continue
            self.entries[c.pk] = (value, None if note is None else note[:4000])
        return data

    @property
    def typed(self) -> dict:
        """What was typed, by criterion id: (points, note), for showing it again; ``None`` for
        a field the request did not carry."""
        out = {}
        for c in self.leaves:
            points, note = self.data.get(f"points-{c.pk}"), self.data.get(f"note-{c.pk}")
            if points is not None or note is not None:
                out[c.pk] = (points, None if note is None else note[:4000])
        return out

    def _errors_for(self, prefix) -> dict:
        return {
            int(name[len(prefix) :]): " ".join(errors)
            for name, errors in self.errors.items()
            if name.startswith(prefix)
        }

    @property
    def point_errors(self) -> dict:
        return self._errors_for("points-")

    @property
    def evidence_errors(self) -> dict:
        """File errors by criterion id (a replaced file's error under its criterion)."""
        out = self._errors_for("file-")
        for pk, message in self._errors_for("replace-").items():
            out[self.current_evidence[pk].criterion_id] = message
        return out

    def uploads(self):
        """(criterion, file) for every new file, in the order of the leaves."""
        return [(c, f) for c in self.leaves for f in self.cleaned_data.get(f"file-{c.pk}") or []]

    def replacements(self):
        """(current evidence, file) for every replaced file."""
        return [
            (e, self.cleaned_data[f"replace-{pk}"])
            for pk, e in self.current_evidence.items()
            if self.cleaned_data.get(f"replace-{pk}")
        ]

    def withdrawals(self) -> set[int]:
        ids = {v.strip() for v in self.data.getlist("withdraw")}
        # Ids are plain ASCII digits within the database's integer; anything else names no file.
        return {int(v) for v in ids if v.isascii() and v.isdigit() and int(v) < 2**63}
