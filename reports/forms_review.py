from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReviewReport

# A section longer than this is not a report section any more (about 15 printed pages).
SECTION_MAX_CHARS = 40_000


class ReviewReportForm(forms.Form):
    """The five sections of a review report; a section left out of the request keeps its text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ReviewReport.SECTIONS:
            self.fields[name] = forms.CharField(
                label=ReviewReport._meta.get_field(name).verbose_name,
                required=False,
                strip=False,
                max_length=SECTION_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 8}),
                error_messages={
                    "max_length": _(
                        "Mục này dài %(show_value)s ký tự, quá giới hạn %(limit_value)s ký tự; "
                        "hãy rút gọn hoặc chuyển bớt sang phụ lục."
                    )
                },
            )

    def sent_sections(self) -> dict:
        """The sections the request carried, as typed; the others are left as they are."""
        return {
            name: self.cleaned_data[name] for name in ReviewReport.SECTIONS if name in self.data
        }
