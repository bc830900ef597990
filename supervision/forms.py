from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Deputy
from livelihood.widgets import DateInput, DecimalInput, NumberInput

from . import photos
from .models import (
    MILESTONE_ORDER,
    Duty,
    ImplementationPlan,
    MilestoneKind,
    ProgressReport,
)

DATE = DateInput()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input; their pixel budget is checked here from the headers, each is
    checked by decoding in the service."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("help_text", _("JPEG, PNG or WebP, up to 8 MB each; at most 6 photos."))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > 6:
            raise forms.ValidationError(_("At most 6 photos."))
        files = [super(PhotosField, self).clean(f, initial) for f in files]
        # From the headers, before the service decodes any photo: decoding is what costs.
        photos.check_pixel_budget(files)
        return files


KEEP_LOCATION = forms.BooleanField(
    required=False,
    label=_("Keep the photos' location (GPS)"),
    help_text=_("Otherwise all photo metadata, location included, is removed."),
)


class MemberAddForm(forms.Form):
    deputy = forms.ModelChoiceField(queryset=Deputy.objects.none(), label=_("deputy"))

    def __init__(self, *args, township, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            Deputy.objects.filter(township=township, in_office=True)
            .exclude(pk__in=list(exclude))
            .order_by("name_sort_key")
        )


class DutyForm(forms.Form):
    duty = forms.ChoiceField(choices=Duty.choices, label=_("task"))


class ConfirmForm(forms.Form):
    presidium_member = forms.CharField(
        max_length=32, required=False, label=_("presidium member linked")
    )


class ImplementationPlanForm(forms.ModelForm):
    class Meta:
        model = ImplementationPlan
        fields = ["responsible_department", "targets", "deadline", "budget", "funding_sources"]
        widgets = {
            "deadline": DATE,
            "targets": forms.Textarea(attrs={"rows": 3}),
            "budget": DecimalInput(),
        }

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_kind = {m.kind: m for m in milestones}
        for kind in MILESTONE_ORDER:
            m = by_kind.get(kind)
            label = MilestoneKind(kind).label
            self.fields[f"planned_{kind}"] = forms.DateField(
                required=False,
                label=_("%(milestone)s: planned") % {"milestone": label},
                widget=DATE,
                initial=m.planned_date if m else None,
            )
            self.fields[f"done_{kind}"] = forms.DateField(
                required=False,
                label=_("%(milestone)s: reached on") % {"milestone": label},
                widget=DATE,
                initial=m.done_on if m else None,
            )

    def milestone_dates(self) -> dict:
        return {
            kind: (self.cleaned_data.get(f"planned_{kind}"), self.cleaned_data.get(f"done_{kind}"))
            for kind in MILESTONE_ORDER
        }

    def plan_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class ProgressReportForm(forms.ModelForm):
    photos = PhotosField()
    keep_location = KEEP_LOCATION

    class Meta:
        model = ProgressReport
        fields = [
            "period",
            "reported_on",
            "invested",
            "quantities",
            "percent_complete",
            "milestone",
            "status",
            "expected_completion",
            "narrative",
        ]
        widgets = {
            "reported_on": DATE,
            "expected_completion": DATE,
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "invested": DecimalInput(),
            "percent_complete": NumberInput(attrs={"min": 0, "max": 100}),
            "period": forms.TextInput(attrs={"placeholder": "2026-Q2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()

    def report_fields(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    attendees = forms.ModelMultipleChoiceField(
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("deputies attending"),
    )
    notes = forms.CharField(
        label=_("notes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    problems = forms.CharField(
        label=_("Problems found"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One problem per line; each becomes an item in the hand-over ledger."),
    )
    photos = PhotosField()
    keep_location = KEEP_LOCATION

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Deputy.objects.filter(
            supervision_seats__group=group
        ).order_by("name_sort_key")
        self.fields["date"].initial = timezone.localdate()

    def problem_lines(self) -> list[str]:
        return [
            line.strip()[:200]
            for line in self.cleaned_data["problems"].splitlines()
            if line.strip()
        ]

    def service_fields(self) -> dict:
        """The recording service's keyword arguments, as the page and the API pass them."""
        data = self.cleaned_data
        fields = {
            name: data[name] for name in ("date", "attendees", "notes", "photos", "keep_location")
        }
        if "unit" in self.fields:
            fields["unit"] = data["unit"]
        return {**fields, "problems": self.problem_lines()}


class CountyInspectionForm(InspectionForm):
    """An inspection (视察) of a county congress's project organised by one of the county's
    special committees or offices; the attendees are the county's deputies in office (a
    long list: the page groups it by delegation)."""

    unit = forms.ModelChoiceField(queryset=None, label=_("organised by"), empty_label=None)

    field_order = ["date", "unit", "attendees", "notes", "problems", "photos", "keep_location"]

    def __init__(self, *args, county, **kwargs):
        from .models import SupervisionUnit
        from .selectors.county import county_deputies_in_office

        forms.Form.__init__(self, *args, **kwargs)
        self.fields["unit"].queryset = SupervisionUnit.objects.filter(county=county, active=True)
        self.fields["attendees"].queryset = county_deputies_in_office(county)
        self.fields["date"].initial = timezone.localdate()

    def selected_attendees(self) -> set[int]:
        """The ids ticked (to tick them again when the page comes back with an error)."""
        values = self["attendees"].value() or []
        return {int(v) for v in values if str(v).isdigit()}


class ItemForm(forms.Form):
    title = forms.CharField(label=_("problem"), max_length=200)
    detail = forms.CharField(
        label=_("detail"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    suggestion = forms.ModelChoiceField(
        queryset=None, required=False, label=_("from a residents' suggestion")
    )
    department = forms.CharField(label=_("department handed to"), max_length=100, required=False)
    deadline = forms.DateField(label=_("deadline (限时办结)"), required=False, widget=DATE)

    def __init__(self, *args, project, **kwargs):
        from projects.models import Suggestion

        super().__init__(*args, **kwargs)
        self.fields["suggestion"].queryset = Suggestion.objects.filter(project=project).order_by(
            "-created_at"
        )


class HandOverForm(forms.Form):
    department = forms.CharField(label=_("department handed to"), max_length=100)
    deadline = forms.DateField(label=_("deadline (限时办结)"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=1000)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Re-inspection finding"), required=False, max_length=1000)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not fixed"), max_length=1000)
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)


class PriorityForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("reason"), max_length=200)


# ---------------------------------------------------------------------------------------------
# A county congress's supervision (issue 17)


def _county_logins(county):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(roles__county=county, roles__township__isnull=True, is_active=True)
        .distinct()
        .order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class OversightForm(forms.Form):
    leader_name = forms.CharField(
        label=_("supervising leader (督办领导)"),
        max_length=60,
        help_text=_("The standing-committee leader who supervises the project."),
    )
    leader_user = UserChoiceField(
        queryset=None,
        required=False,
        label=_("leader's login (receives reminders)"),
    )
    unit = forms.ModelChoiceField(
        queryset=None, required=False, label=_("responsible committee or office")
    )

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SupervisionUnit

        self.fields["leader_user"].queryset = _county_logins(county)
        self.fields["unit"].queryset = SupervisionUnit.objects.filter(county=county, active=True)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    position = forms.IntegerField(label=_("order"), min_value=0, initial=0, widget=NumberInput())
    contact = UserChoiceField(
        queryset=None, required=False, label=_("contact (receives reminders)")
    )
    active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = _county_logins(county)


class CountySettingsForm(forms.Form):
    every_months = forms.IntegerField(
        label=_("concentrated supervision every (months)"),
        min_value=1,
        max_value=12,
        widget=NumberInput(),
    )
    first_month = forms.IntegerField(
        label=_("first round in month"), min_value=1, max_value=12, widget=NumberInput()
    )
    day_of_month = forms.IntegerField(
        label=_("on day of the month"), min_value=1, max_value=31, widget=NumberInput()
    )
    remind_days_before = forms.IntegerField(
        label=_("remind (days before)"), min_value=0, max_value=60, widget=NumberInput()
    )


class _CountyProjectsForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    projects = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("projects")
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = projects
        self.fields["date"].initial = timezone.localdate()


class RoundForm(_CountyProjectsForm):
    notes = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].label = _("projects visited")


class HearingForm(_CountyProjectsForm):
    body = forms.ChoiceField(label=_("meeting"), choices=())
    opinions = forms.CharField(
        label=_("opinions issued (审议意见)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    field_order = ["date", "body", "projects", "opinions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import HearingBody

        self.fields["body"].choices = HearingBody.choices
        self.fields["projects"].label = _("reports heard")
        self.order_fields(self.field_order)


class FindingForm(forms.Form):
    """One finding (or follow-up item): a ledger item on one of the projects ticked."""

    project = forms.ModelChoiceField(queryset=None, required=False, label=_("project"))
    title = forms.CharField(label=_("problem"), max_length=200, required=False)
    department = forms.CharField(label=_("department handed to"), max_length=100, required=False)
    deadline = forms.DateField(label=_("deadline (限时办结)"), required=False, widget=DATE)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("project"):
            self.add_error("project", _("Choose the project the item concerns."))
        if data.get("project") and not data.get("title"):
            self.add_error("title", _("Say what was found."))
        return data


FindingFormSet = forms.formset_factory(FindingForm, extra=3, max_num=20)
