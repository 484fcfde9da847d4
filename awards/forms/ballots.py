"""Forms of the secret ballots: opening a round, the paper count, an online vote."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Ballot


class BallotOpenForm(forms.Form):
    """Open round 1 of an award (posted from the meeting page)."""

    award_type = forms.TypedChoiceField(label=_("Khen thưởng"), coerce=int)
    mode = forms.ChoiceField(label=_("Hình thức bỏ phiếu"), choices=Ballot.Mode.choices)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].choices = [(r.award_type_id, r.award_type.name) for r in rules]
        self.rules = {r.award_type_id: r for r in rules}


class SecondRoundForm(forms.Form):
    mode = forms.ChoiceField(label=_("Hình thức bỏ phiếu lại"), choices=Ballot.Mode.choices)


class PaperCountForm(forms.Form):
    """The ballot committee's count: ballots issued, returned, valid, invalid, votes per
    candidate. The service checks that the numbers are possible together."""

    issued = forms.IntegerField(label=_("Số phiếu phát ra"), min_value=0, max_value=10000)
    returned = forms.IntegerField(label=_("Số phiếu thu về"), min_value=0, max_value=10000)
    valid = forms.IntegerField(label=_("Số phiếu hợp lệ"), min_value=0, max_value=10000)
    invalid = forms.IntegerField(label=_("Số phiếu không hợp lệ"), min_value=0, max_value=10000)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        for c in self.candidates:
            self.fields[f"votes_{c.agency_id}"] = forms.IntegerField(
                label=_("Số phiếu của %(agency)s") % {"agency": c.agency.name},
                min_value=0,
                max_value=10000,
            )
        for field in self.fields.values():
            field.widget.attrs.update({"inputmode": "numeric"})

    def vote_fields(self):
        return [self[f"votes_{c.agency_id}"] for c in self.candidates]

    def votes(self) -> dict:
        return {c.agency_id: self.cleaned_data[f"votes_{c.agency_id}"] for c in self.candidates}


class VoteForm(forms.Form):
    """One agency's secret vote: one choice when one seat, else up to ``seats``; none is blank."""

    def __init__(self, *args, candidates, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats
        choices = [(str(c.agency_id), c.agency.name) for c in candidates]
        if seats == 1:
            self.fields["choices"] = forms.ChoiceField(
                label=_("Chọn một đơn vị"),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
        else:
            self.fields["choices"] = forms.MultipleChoiceField(
                label=_("Chọn tối đa %(seats)s đơn vị") % {"seats": seats},
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean_choices(self):
        value = self.cleaned_data.get("choices")
        chosen = [value] if isinstance(value, str) and value else list(value or [])
        if len(chosen) > self.seats:
            raise forms.ValidationError(
                _("Chỉ chọn tối đa %(seats)s đơn vị."), params={"seats": self.seats}
            )
        return [int(v) for v in chosen]
