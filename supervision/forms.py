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
