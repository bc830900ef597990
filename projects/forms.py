from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from congress.models import County, Deputy, Village
from livelihood.widgets import DateInput, DecimalInput

from .models import (
    LiaisonStation,
    Project,
    ProjectStatus,
    RoundDecision,
    Suggestion,
    SuggestionChannel,
    SuggestionStatus,
    body_fields,
)

DATE = DateInput()
PHONE_HELP = _("Only staff of the township see it; it is never shown publicly.")
COUNTY_PHONE_HELP = _("Only staff of the county congress see it; it is never shown publicly.")


def _body_villages(body):
    """The villages of a township, or of every township of a county (its own congress)."""
    if isinstance(body, County):
        return Village.objects.filter(township__county=body).select_related("township")
    return Village.objects.filter(township=body)


def _body_deputies(body):
    """A township's deputies, or a county's county deputies (县人大代表)."""
    if isinstance(body, County):
        return Deputy.objects.filter(township__county=body, is_county_deputy=True)
    return Deputy.objects.filter(township=body)


def _put_under(instance, body) -> None:
    """Set the instance's township or county, so its one-body constraint validates."""
    for key, value in body_fields(body).items():
        setattr(instance, key, value)


PUBLIC_FIELDS = [
    "title",
    "content",
    "village",
    "location",
    "estimated_investment",
    "funding_source",
    "implementing_body",
    "deadline",
    "necessity",
    "proposer_name",
    "proposer_phone",
]


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS and from screen readers) but form-filling
    robots do; when it is filled the submission is refused."""

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class PublicSuggestionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = PUBLIC_FIELDS
        widgets = {
            "content": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "necessity": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "deadline": DATE,
            "proposer_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "estimated_investment": DecimalInput(),
        }
        help_texts = {
            "title": _(
                "One matter per suggestion, e.g. “Install street lights on the village road”."
            ),
            "proposer_name": PHONE_HELP,
            "proposer_phone": PHONE_HELP,
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _body_villages(township)
        self.fields["village"].label = _("village (community)")
        if isinstance(township, County):  # a county congress's proposers: its staff only
            for name in ("proposer_name", "proposer_phone"):
                self.fields[name].help_text = COUNTY_PHONE_HELP
        _put_under(self.instance, township)
        for name in ("necessity", "funding_source", "implementing_body", "estimated_investment"):
            self.fields[name].required = False

    def clean_proposer_phone(self):
        import re

        phone = (self.cleaned_data.get("proposer_phone") or "").replace(" ", "")
        if phone and not re.fullmatch(r"1\d{10}|0\d{2,3}-?\d{7,8}", phone):
            raise forms.ValidationError(_("Not a valid phone number."))
        return phone

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PUBLIC_FIELDS}


class StaffSuggestionForm(PublicSuggestionForm):
    """Offline entry by staff or a deputy: the channel and who received it."""

    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[
            c
            for c in SuggestionChannel.choices
            if c[0] not in (SuggestionChannel.DEPUTY_QR, SuggestionChannel.ONLINE)
        ],
    )
    category = forms.CharField(label=_("category"), max_length=32, required=False)
    deputy = forms.ModelChoiceField(
        label=_("receiving deputy"), queryset=Deputy.objects.none(), required=False
    )
    station = forms.ModelChoiceField(
        label=_("liaison station"), queryset=LiaisonStation.objects.none(), required=False
    )

    class Meta(PublicSuggestionForm.Meta):
        fields = PUBLIC_FIELDS

    field_order = ["channel", "deputy", "station", "title", "content", "category"]

    def __init__(self, *args, township, is_staff: bool, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        del self.fields["website"]
        if is_staff:
            self.fields["deputy"].queryset = (
                _body_deputies(township).filter(in_office=True).order_by("name_sort_key")
            )
            if isinstance(township, County):
                del self.fields["station"]
            else:
                self.fields["station"].queryset = LiaisonStation.objects.filter(township=township)
        else:
            del self.fields["deputy"]
            del self.fields["station"]

    def is_robot(self) -> bool:
        return False

    def service_fields(self) -> dict:
        data = super().service_fields()
        data["category"] = self.cleaned_data.get("category", "")
        return data


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"),
        choices=[("", _("All statuses"))] + SuggestionStatus.choices,
        required=False,
    )
    village = forms.ModelChoiceField(
        label=_("village"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("All villages"),
    )
    channel = forms.ChoiceField(
        label=_("channel"),
        choices=[("", _("All channels"))] + SuggestionChannel.choices,
        required=False,
    )
    category = forms.CharField(label=_("category"), max_length=32, required=False)
    deputy = forms.ModelChoiceField(
        label=_("receiving deputy"),
        queryset=Deputy.objects.none(),
        required=False,
        empty_label=_("All deputies"),
    )
    q = forms.CharField(label=_("Search"), max_length=50, required=False)

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = _body_villages(township)
        self.fields["deputy"].queryset = _body_deputies(township).order_by("name_sort_key")
        for name in ("status", "village", "channel", "deputy"):
            self.fields[name].widget.attrs["class"] = "form-select"


class DecideForm(forms.Form):
    """Bulk decision on chosen suggestions: merge into a new or existing project, reject."""

    ACTIONS = [
        ("merge_new", _("Merge into a new reserve project")),
        ("merge_into", _("Merge into an existing project")),
        ("reject", _("Reject")),
        ("reply", _("Change the reply only")),
    ]
    action = forms.ChoiceField(label=_("action"), choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    project = forms.ModelChoiceField(
        label=_("project"), queryset=Project.objects.none(), required=False
    )
    reason = forms.ChoiceField(label=_("exclusion reason"), choices=[], required=False)
    reply = forms.CharField(
        label=_("reply to the proposer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("The proposer reads it with the receipt code."),
    )
    # The triage panel's "merge with the ticked similar ones" button: one form, one reply.
    merge_similar = forms.BooleanField(required=False)

    def __init__(self, *args, township, exclusion_reasons, suggestion_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(**body_fields(township)).exclude(
            status=ProjectStatus.CANCELLED
        )
        self.fields["reason"].choices = [("", _("(other: write the reply)"))] + [
            (r, r) for r in exclusion_reasons
        ]
        raw = suggestion_ids if suggestion_ids is not None else self.data.getlist("ids", [])
        self.fields["ids"].choices = [(str(i), str(i)) for i in raw if str(i).isdigit()]

    def clean(self):
        data = super().clean()
        if data.get("merge_similar"):
            data["action"] = "merge_new"
        if data.get("action") == "merge_into" and not data.get("project"):
            self.add_error("project", _("Choose the project to merge into."))
        if data.get("action") == "reject" and not data.get("reason") and not data.get("reply"):
            self.add_error(
                "reply", _("Give the proposer a reason: choose one from the list or write one.")
            )
        return data


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "content",
            "category",
            "villages",
            "location",
            "estimated_investment",
            "funding_source",
            "implementing_body",
            "deadline",
            "expected_benefit",
            "necessity",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "expected_benefit": forms.Textarea(attrs={"rows": 3}),
            "necessity": forms.Textarea(attrs={"rows": 3}),
            "deadline": DATE,
            "villages": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = _body_villages(township)
        _put_under(self.instance, township)


class StationForm(forms.ModelForm):
    class Meta:
        model = LiaisonStation
        fields = ["name", "village", "address"]

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.filter(township=township)
        self.instance.township = township


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    slots = forms.IntegerField(label=_("number of slots"), min_value=1, max_value=100)


class SlotsForm(forms.Form):
    slots = forms.IntegerField(label=_("number of slots"), min_value=1, max_value=100)


class AddProjectsForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        label=_("projects"), queryset=Project.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = queryset


class RoundDecisionForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("decision"), choices=RoundDecision.choices)
    reason = forms.CharField(label=_("reason"), max_length=500)


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label=_("receipt code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class SuggestionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Suggestions file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).")
                % {"mb": settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        return upload
