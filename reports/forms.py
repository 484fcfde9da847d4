from django import forms
from django.utils.translation import gettext_lazy as _

from khoithidua.uploads import VERIFY_UPLOAD_MAX_BYTES, MaxSizeValidator
from reports.kinds import kind_choices


class DocumentRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=())

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds if kinds is not None else kind_choices()


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp PDF cần đối chiếu"),
        help_text=_("Tải lên bản bạn nhận được để so sánh với văn bản gốc."),
        validators=[MaxSizeValidator(VERIFY_UPLOAD_MAX_BYTES)],
    )
