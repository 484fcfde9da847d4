"""Forms that set a bloc up: the bloc with its members in rotation order, then its first year."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from blocs.forms import AgencyChoiceField, LeadershipForm, place_in_order
from blocs.models import Agency, Bloc, BlocTerm, Council, DocumentProfile
from blocs.services.setup import MIN_SETUP_MEMBERS, NewAgency

# Rows for agencies typed in on the page; more can be loaded later with the Excel import.
NEW_AGENCY_ROWS = 3


class CouncilChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "Hội đồng đã chọn không hợp lệ hoặc bạn không thuộc Ban của hội đồng này."
        ),
        "required": _("Hãy chọn hội đồng thi đua – khen thưởng."),
    }


def _position_field(**kwargs) -> forms.IntegerField:
    """A place in the rotation order; empty leaves the agency out of the bloc."""
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=99,
        error_messages={
            "invalid": _("Thứ tự phải là một số nguyên từ 1."),
            "min_value": _("Thứ tự phải là một số nguyên từ 1."),
            "max_value": _("Thứ tự không quá 99."),
        },
        **kwargs,
    )


class BlocCreateForm(forms.Form):
    """A new bloc: its name, code and founding decision, and its members in rotation order.

    Each agency of the officer's councils has a position field: a number puts it in the bloc at
    that place of the rotation order, an empty field leaves it out.
    """

    council = CouncilChoiceField(queryset=Council.objects.none(), label=_("Hội đồng thi đua"))
    name = forms.CharField(
        label=_("Tên khối"),
        max_length=255,
        error_messages={"required": _("Hãy nhập tên khối.")},
        help_text=_("Ví dụ: Khối thi đua các cơ quan Văn hóa – Xã hội."),
    )
    code = forms.SlugField(
        label=_("Mã khối"),
        max_length=50,
        error_messages={
            "required": _("Hãy nhập mã khối."),
            "invalid": _(
                "Mã khối chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, "
                "ví dụ khoi-van-hoa-xa-hoi."
            ),
        },
        help_text=_("Dùng trong địa chỉ trang và lệnh quản trị; không đổi về sau."),
    )
    established_by = forms.CharField(
        label=_("Quyết định thành lập"),
        max_length=255,
        error_messages={"required": _("Hãy ghi quyết định thành lập khối.")},
        help_text=_(
            "Số, ngày và người ký, ví dụ: Quyết định số 15/QĐ-HĐTĐKT ngày 10/01/2026 của Chủ tịch Hội đồng."
        ),
    )
    doc_abbreviation = forms.CharField(
        label=_("Ký hiệu trên văn bản"),
        max_length=30,
        initial="KTĐ",
        error_messages={"required": _("Hãy nhập ký hiệu trên văn bản, ví dụ KTĐ.")},
        help_text=_("Phần sau dấu gạch trong số văn bản, ví dụ KTĐ trong 07/BC-KTĐ."),
    )
    document_profile = forms.ChoiceField(
        label=_("Thể thức văn bản của khối"),
        choices=[("", _("Theo cơ quan khối trưởng của năm")), *DocumentProfile.choices],
        required=False,
        help_text=Bloc._meta.get_field("document_profile").help_text,
    )

    def __init__(self, *args, councils, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.filter(pk__in=[c.pk for c in councils])
        self.fields["council"].empty_label = None if len(councils) == 1 else _("— Chọn hội đồng —")
        if len(councils) == 1:
            self.initial.setdefault("council", councils[0].pk)
        self.agencies = list(agencies)
        for agency in self.agencies:
            self.fields[self.position_name(agency)] = _position_field(
                label=f"{agency.name} ({agency.abbreviation})",
                widget=forms.NumberInput(
                    attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}
                ),
            )
        kinds = [("", _("— Loại —")), *Agency.Kind.choices]
        for i in range(1, NEW_AGENCY_ROWS + 1):
            self.fields[f"new{i}_name"] = forms.CharField(
                label=_("Tên đơn vị mới %(i)s") % {"i": i}, max_length=255, required=False
            )
            self.fields[f"new{i}_abbreviation"] = forms.CharField(
                label=pgettext_lazy("form field", "Tên viết tắt"), max_length=30, required=False
            )
            self.fields[f"new{i}_kind"] = forms.ChoiceField(
                label=_("Loại"),
                choices=kinds,
                required=False,
                error_messages={"invalid_choice": _("Loại đơn vị không hợp lệ.")},
            )
            self.fields[f"new{i}_position"] = _position_field(label=_("Thứ tự"))
        self.members = []

    @staticmethod
    def position_name(agency) -> str:
        return f"pos_{agency.pk}"

    def agency_rows(self):
        """(agency, its position field) in the order of the page."""
        return [(a, self[self.position_name(a)]) for a in self.agencies]

    def new_rows(self):
        return [
            {
                "name": self[f"new{i}_name"],
                "abbreviation": self[f"new{i}_abbreviation"],
                "kind": self[f"new{i}_kind"],
                "position": self[f"new{i}_position"],
            }
            for i in range(1, NEW_AGENCY_ROWS + 1)
        ]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower()
        other = Bloc.objects.filter(code=code).first()
        if other is not None:
            raise ValidationError(
                _("Mã khối “%(code)s” đã được dùng cho %(bloc)s; hãy chọn mã khác.")
                % {"code": code, "bloc": other.name}
            )
        return code

    def clean_doc_abbreviation(self):
        return self.cleaned_data["doc_abbreviation"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        council = cleaned.get("council")
        chosen = []  # (position, field name, entry)
        for agency in self.agencies:
            name = self.position_name(agency)
            position = cleaned.get(name)
            if position is None:
                continue
            if council is not None and agency.council_id != council.pk:
                self.add_error(
                    name,
                    _("%(agency)s thuộc hội đồng thi đua khác với hội đồng đã chọn.")
                    % {"agency": agency.name},
                )
                continue
            chosen.append((position, name, agency))
        taken_abbreviations = {
            a.abbreviation.upper(): a
            for a in self.agencies
            if council and a.council_id == council.pk
        }
        for i in range(1, NEW_AGENCY_ROWS + 1):
            entry = self._new_agency(i, cleaned, taken_abbreviations)
            if entry is not None:
                chosen.append((cleaned[f"new{i}_position"], f"new{i}_position", entry))
        seen = place_in_order(self, sorted(chosen, key=lambda c: (c[0], c[1])))
        self.members = [seen[p] for p in sorted(seen)]
        if not self.errors and len(self.members) < MIN_SETUP_MEMBERS:
            self.add_error(
                None,
                _(
                    "Hãy chọn ít nhất %(n)s đơn vị thành viên: ghi số thứ tự luân phiên "
                    "(1, 2, 3…) vào cột “Thứ tự” của từng đơn vị."
                )
                % {"n": MIN_SETUP_MEMBERS},
            )
        return cleaned

    def _new_agency(self, i, cleaned, taken):
        """The agency typed on row ``i``, or None when the row is empty or wrong."""
        keys = ("name", "abbreviation", "kind", "position")
        values = {k: cleaned.get(f"new{i}_{k}") for k in keys}
        if isinstance(values["name"], str):
            values["name"] = " ".join(values["name"].split())
        if isinstance(values["abbreviation"], str):
            values["abbreviation"] = values["abbreviation"].strip().upper()
        if not any(values.values()) and not any(f"new{i}_{k}" in self.errors for k in keys):
            return None
        missing = {
            "name": _("Hãy nhập tên đơn vị mới."),
            "abbreviation": _("Hãy nhập tên viết tắt của đơn vị mới."),
            "kind": _("Hãy chọn loại đơn vị."),
            "position": _("Hãy ghi thứ tự luân phiên của đơn vị mới."),
        }
        ok = True
        for key, message in missing.items():
            if not values[key] and f"new{i}_{key}" not in self.errors:
                self.add_error(f"new{i}_{key}", message)
                ok = False
        if values["abbreviation"] and values["abbreviation"] in taken:
            self.add_error(
                f"new{i}_abbreviation",
                _("Tên viết tắt %(abbr)s đã dùng cho %(agency)s.")
                % {"abbr": values["abbreviation"], "agency": taken[values["abbreviation"]].name},
            )
            ok = False
        if not ok or any(f"new{i}_{k}" in self.errors for k in keys):
            return None
        taken[values["abbreviation"]] = NewAgency(
            name=values["name"], abbreviation=values["abbreviation"], kind=values["kind"]
        )
        return taken[values["abbreviation"]]


class FirstYearForm(LeadershipForm):
    """The first year of a new bloc: the year, its leader and deputy, and its status."""

    year = forms.IntegerField(
        label=_("Năm thi đua"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Hãy nhập năm thi đua."),
            "invalid": _("Năm thi đua phải là một số, ví dụ 2026."),
            "min_value": _("Năm thi đua phải từ 2000 đến 2100."),
            "max_value": _("Năm thi đua phải từ 2000 đến 2100."),
        },
    )
    leader = AgencyChoiceField(
        queryset=Agency.objects.none(),
        label=_("Khối trưởng"),
        error_messages={
            "required": _("Hãy chọn đơn vị khối trưởng."),
            "invalid_choice": _("Khối trưởng phải là một đơn vị thành viên của khối."),
        },
    )
    deputy = AgencyChoiceField(
        queryset=Agency.objects.none(),
        label=_("Khối phó"),
        error_messages={
            "required": _("Hãy chọn đơn vị khối phó."),
            "invalid_choice": _("Khối phó phải là một đơn vị thành viên của khối."),
        },
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=[
            (BlocTerm.Status.PLANNING, BlocTerm.Status.PLANNING.label),
            (BlocTerm.Status.ACTIVE, BlocTerm.Status.ACTIVE.label),
        ],
        initial=BlocTerm.Status.PLANNING,
        error_messages={"invalid_choice": _("Trạng thái không hợp lệ.")},
        help_text=_(
            "“Chuẩn bị” khi còn soạn giao ước, bảng tiêu chí; “Đang thực hiện” khi năm đã bắt đầu."
        ),
    )

    field_order = ["year", "leader", "deputy", "status"]

    def __init__(self, *args, members, leader=None, deputy=None, **kwargs):
        ids = [a.pk for a in members]
        super().__init__(
            *args, members=Agency.objects.filter(pk__in=ids).vietnamese_order(), **kwargs
        )
        self.initial.setdefault("year", _default_year())
        self.initial.setdefault("leader", leader.pk if leader else None)
        self.initial.setdefault("deputy", deputy.pk if deputy else None)


def _default_year() -> int:
    """This year, or next year from November, when blocs open the coming year."""
    today = timezone.localdate()
    return today.year + 1 if today.month >= 11 else today.year
