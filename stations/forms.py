from django import forms
from django.utils.translation import gettext_lazy as _

from congress.models import Deputy
from projects.models import Project

from .models import Booking, MatterRoute, StationLevel, VisitKind


class BookingForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["topic", "name", "phone"]
        widgets = {"topic": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "name": _("Optional; only the staff and the deputies on duty see it."),
            "phone": _("Optional; only the staff and the deputies on duty see it."),
        }


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=20)


class ProfileForm(forms.Form):
    level = forms.ChoiceField(label=_("level"), choices=StationLevel.choices)
    online = forms.BooleanField(label=_("online station"), required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    opening_hours = forms.CharField(label=_("opening hours"), max_length=100, required=False)
    deputies = forms.ModelMultipleChoiceField(
        label=_("assigned deputies"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            township=township, in_office=True
        ).order_by("name_sort_key", "pk")


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    weekday = forms.TypedChoiceField(
        label=_("weekday"),
        coerce=int,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    nth = forms.TypedChoiceField(
        label=_("which one in the month"),
        coerce=int,
        choices=[
            (1, _("the first")),
            (2, _("the second")),
            (3, _("the third")),
            (4, _("the fourth")),
            (-1, _("the last")),
        ],
    )
    start = forms.TimeField(label=_("from"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("to"), widget=forms.TimeInput(attrs={"type": "time"}))
    per_day = forms.IntegerField(label=_("deputies per day"), min_value=1, max_value=10, initial=2)


class SwapForm(forms.Form):
    from_deputy = forms.ModelChoiceField(label=_("from"), queryset=Deputy.objects.none())
    to_deputy = forms.ModelChoiceField(label=_("to"), queryset=Deputy.objects.none())
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, duty_day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_deputy"].queryset = duty_day.deputies.all()
        self.fields["to_deputy"].queryset = Deputy.objects.filter(
            township=duty_day.station.township_id, in_office=True
        ).order_by("name_sort_key", "pk")


class ReceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    deputies = forms.ModelMultipleChoiceField(
        label=_("deputies present"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    visitor = forms.CharField(label=_("department head visiting"), max_length=100, required=False)
    residents = forms.IntegerField(label=_("residents received"), min_value=0, initial=0)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            township=township, in_office=True
        ).order_by("name_sort_key", "pk")


class CreditForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("deputy"), queryset=Deputy.objects.none())
    item = forms.ModelChoiceField(label=_("item"), queryset=None)
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_file = forms.FileField(
        label=_("evidence file"),
        required=False,
        help_text=_("Optional: a photo (JPEG, PNG or WebP) or a PDF, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,.pdf"}),
    )

    def __init__(self, *args, township, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.filter(township=township).order_by(
            "name_sort_key", "pk"
        )
        self.fields["item"].queryset = items


class DutyItemForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=32)
    label = forms.CharField(label=_("item"), max_length=64, required=False)
    points = forms.IntegerField(label=_("points"), min_value=0, max_value=1000)


class MatterForm(forms.Form):
    title = forms.CharField(label=_("matter raised"), max_length=100, required=False)
    content = forms.CharField(
        label=_("detail"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    route = forms.ChoiceField(label=_("route"), choices=MatterRoute.choices)
    project = forms.ModelChoiceField(
        label=_("project under supervision (for a 微建议)"),
        queryset=Project.objects.none(),
        required=False,
    )
    department = forms.CharField(label=_("department handed to"), max_length=100, required=False)
    deadline = forms.DateField(
        label=_("deadline (限时办结)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            self.fields["project"].queryset = Project.objects.filter(
                township=township, status__in=["elected", "implementing"]
            ).order_by("title")


MatterFormSet = forms.formset_factory(MatterForm, extra=2, max_num=10)


class StationRulesForm(forms.Form):
    min_duty_days = forms.IntegerField(
        label=_("minimum station duty days per deputy per year"), min_value=0, max_value=366
    )
