from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import domain


def _year_choices():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this + 1, this - 6, -1)]


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        if not self.is_bound:
            year, quarter = domain.previous_quarter(timezone.localdate())
            self.initial.setdefault("year", year)
            self.initial.setdefault("quarter", quarter)
