"""The filters of the board's province overview and cross-bloc ranking, read from the query
string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import Agency
from campaigns.models import Period
from reports import province, province_ranking

QUERY_ERRORS = {"max_length": _("Tên tìm kiếm dài tối đa 100 ký tự.")}


class OverviewFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Kỳ"),
        choices=Period.Kind.choices,
        required=False,
        error_messages={"invalid_choice": _("Kỳ chấm điểm không hợp lệ.")},
    )
    state = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=[("", _("Tất cả"))] + [(k, label) for k, (label, _t) in province.STATES.items()],
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một tình trạng trong danh sách.")},
    )
    dossier = forms.ChoiceField(
        label=_("Hồ sơ khen thưởng"),
        choices=[("", _("Tất cả"))] + province.dossier_choices(),
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một trạng thái hồ sơ trong danh sách.")},
    )
    q = forms.CharField(
        label=_("Tên khối (có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        error_messages=QUERY_ERRORS,
    )


class RankingFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Kỳ"),
        choices=Period.Kind.choices,
        required=False,
        error_messages={"invalid_choice": _("Kỳ chấm điểm không hợp lệ.")},
    )
    bloc = forms.CharField(
        label=_("Khối (có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        error_messages=QUERY_ERRORS,
    )
    band = forms.ChoiceField(
        label=_("Xếp loại"),
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một mức xếp loại trong danh sách.")},
    )
    kind = forms.ChoiceField(
        label=_("Loại cơ quan"),
        choices=[("", _("Tất cả"))] + list(Agency.Kind.choices),
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một loại cơ quan trong danh sách.")},
    )
    q = forms.CharField(
        label=_("Tên cơ quan (có dấu hoặc không dấu)"),
        required=False,
        max_length=100,
        error_messages=QUERY_ERRORS,
    )
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        choices=list(province_ranking.SORTS.items()),
        required=False,
        error_messages={"invalid_choice": _("Hãy chọn một cách sắp xếp trong danh sách.")},
    )

    def __init__(self, data, *, bands=()):
        super().__init__(data)
        self.fields["band"].choices = [("", _("Tất cả"))] + list(bands)
