"""The dossier's forms: a move (with its reason), an attachment, the decision, a revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards import dossier_rules
from awards.models import DossierEvent
from blocs.forms import VietnameseDateField
from campaigns.forms.scoring import EvidenceFileField

REASON_HELP = _("Bắt buộc khi trả lại hoặc rút hồ sơ.")


class MoveForm(forms.Form):
    action = forms.ChoiceField(choices=DossierEvent.Action.choices)
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
    )

    def clean(self):
        cleaned = super().clean()
        move = dossier_rules.MOVES.get(cleaned.get("action"))
        if move is not None and move.needs_reason and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Cần ghi rõ lý do."))
        return cleaned


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=255)
    file = EvidenceFileField(label=_("Tệp"))


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Số quyết định"), max_length=50)
    signed_on = VietnameseDateField(label=_("Ngày ký"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=255)
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"), max_length=255, initial=_("Chủ tịch")
    )
    granted = forms.TypedMultipleChoiceField(
        label=_("Đơn vị được khen thưởng"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bỏ chọn đơn vị Hội đồng không khen thưởng."),
    )

    def __init__(self, *args, nominations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted"].choices = [
            (n.pk, f"{n.nomination_list.award_type.name}: {n.agency.name}") for n in nominations
        ]
        if not self.is_bound:
            self.initial.setdefault("granted", [n.pk for n in nominations])


class RevokeForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=50)
    revoked_on = VietnameseDateField(label=_("Ngày quyết định thu hồi"))
    reason = forms.CharField(
        label=_("Lý do thu hồi"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
