"""Forms of the provisional ranking: publishing, appealing lines, answering an appeal."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.evidence import ALLOWED_LABEL, check_upload
from campaigns.forms.rules import appeal_days_field
from campaigns.services.points import points_label


class PublishRankingForm(forms.Form):
    appeal_days = appeal_days_field(label=gettext_lazy("Số ngày nhận kiến nghị"))


def line_label(line) -> str:
    return _("%(code)s. %(title)s — điểm hiện tại %(points)s") % {
        "code": line.criterion.code,
        "title": line.criterion.title,
        "points": points_label(line.final_points) or "—",
    }


class AppealForm(forms.Form):
    """The lines of the head's own card to appeal, points asked for each, reason and evidence.

    ``agencies`` are (id, name) of the agencies the user heads; ``lines`` their score lines.
    """

    agency = forms.TypedChoiceField(label=gettext_lazy("Đơn vị kiến nghị"), coerce=int)
    lines = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Dòng điểm kiến nghị"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Hãy chọn ít nhất một dòng điểm để kiến nghị."),
            "invalid_choice": gettext_lazy("Dòng điểm đã chọn không thuộc phiếu của đơn vị."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do kiến nghị"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Hãy nêu lý do kiến nghị.")},
    )
    evidence = forms.FileField(
        label=gettext_lazy("Tài liệu kèm theo (không bắt buộc)"),
        required=False,
    )

    def __init__(self, *args, agencies, lines, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in per form, in the request's language: ``%`` on a lazy string at import time
        # would fix it in the language of the process.
        self.fields["evidence"].help_text = _("Định dạng %(allowed)s.") % {"allowed": ALLOWED_LABEL}
        self.line_rows = list(lines)
        self.fields["agency"].choices = list(agencies)
        self.fields["lines"].choices = [(ln.pk, line_label(ln)) for ln in self.line_rows]
        for ln in self.line_rows:
            self.fields[f"requested_{ln.pk}"] = forms.CharField(
                label=_("Điểm đề nghị cho tiêu chí %(code)s (không bắt buộc)")
                % {"code": ln.criterion.code},
                required=False,
                max_length=20,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control form-control-sm",
                    }
                ),
            )
        requested = [f"requested_{ln.pk}" for ln in self.line_rows]
        self.order_fields(["agency", "lines", *requested, "reason", "evidence"])

    def line_table(self) -> list:
        """(line, its checkbox, its requested-points field) for each line, in card order."""
        boxes = {int(box.data["value"]): box for box in self["lines"].subwidgets}
        return [
            (ln, boxes[ln.pk], self[f"requested_{ln.pk}"])
            for ln in self.line_rows
            if ln.pk in boxes
        ]

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_upload(upload)
        return upload

    def chosen_lines(self) -> list:
        """(ScoreLine, requested points or None) for each line ticked."""
        by_id = {ln.pk: ln for ln in self.line_rows}
        return [
            (by_id[pk], self.cleaned_data.get(f"requested_{pk}") or None)
            for pk in self.cleaned_data["lines"]
        ]


class AnswerAppealForm(forms.Form):
    """Uphold (with the new points of each line) or reject an appeal; the answer is required."""

    UPHOLD, REJECT = "upheld", "rejected"

    decision = forms.ChoiceField(
        label=gettext_lazy("Quyết định"),
        choices=[(UPHOLD, gettext_lazy("Chấp nhận")), (REJECT, gettext_lazy("Không chấp nhận"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Hãy chọn chấp nhận hoặc không chấp nhận.")},
    )
    answer = forms.CharField(
        label=gettext_lazy("Trả lời"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        error_messages={"required": gettext_lazy("Hãy nhập nội dung trả lời kiến nghị.")},
    )

    def __init__(self, *args, appeal, **kwargs):
        kwargs.setdefault("auto_id", f"id_a{appeal.pk}_%s")
        super().__init__(*args, **kwargs)
        self.appeal = appeal
        self.line_ids = []
        for row in appeal.lines.all():
            self.line_ids.append(row.line_id)
            self.fields[f"points_{row.line_id}"] = forms.CharField(
                label=_("Điểm mới cho tiêu chí %(code)s khi chấp nhận")
                % {"code": row.line.criterion.code},
                required=False,
                max_length=20,
                initial=points_label(row.requested_points),
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "autocomplete": "off",
                        "class": "form-control form-control-sm",
                    }
                ),
            )
        self.order_fields(["decision", *[f"points_{i}" for i in self.line_ids], "answer"])

    @property
    def upheld(self) -> bool:
        return self.cleaned_data["decision"] == self.UPHOLD

    def new_points(self) -> dict:
        return {i: self.cleaned_data.get(f"points_{i}") or None for i in self.line_ids}
