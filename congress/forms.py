from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from livelihood.widgets import DateInput

from .models import (
    AttendanceStatus,
    Delegation,
    Deputy,
    Role,
    RuleSet,
    Session,
    Term,
    Township,
    Village,
)


class TagsField(forms.CharField):
    """Comma-separated tags (Chinese or Latin commas) <-> list of strings."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "，".join(value)
        return value

    def to_python(self, value):
        import re

        value = super().to_python(value) or ""
        return [t for t in re.split(r"[，,、;；\s]+", value) if t][:10]


class DeputyForm(forms.ModelForm):
    expertise = TagsField(
        label=_("expertise"), required=False, help_text=_("Separate tags with commas.")
    )

    class Meta:
        model = Deputy
        fields = [
            "name",
            "gender",
            "phone",
            "is_township_deputy",
            "is_county_deputy",
            "home_village",
            "work_village",
            "profession",
            "employer",
            "expertise",
            "is_party_committee",
            "in_office",
        ]

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Village.objects.filter(township=township)
        self.fields["home_village"].queryset = villages
        self.fields["work_village"].queryset = villages
        self.instance.township = township


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (.xlsx)"),
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


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["term", "number", "date", "place"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, township=None, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        if township is not None:
            terms = Term.objects.filter(township=township)
        else:  # the county's own congress
            terms = Term.objects.filter(county=county, level="county")
        self.fields["term"].queryset = terms.select_related("township", "county")


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(choices=AttendanceStatus.choices)


class RuleSetForm(forms.ModelForm):
    evaluation_sub_items = TagsField(label=_("evaluation sub-items"), required=False)
    exclusion_reasons = forms.CharField(
        label=_("exclusion reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
    )
    shortlisting_rounds = forms.CharField(
        label=_("shortlisting rounds"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, in order."),
    )

    class Meta:
        model = RuleSet
        fields = [
            f.name
            for f in RuleSet._meta.get_fields()
            if getattr(f, "editable", False)
            and f.name not in ("id", "township", "county", "updated_at")
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("exclusion_reasons", "shortlisting_rounds"):
            self.initial[name] = "\n".join(getattr(self.instance, name) or [])

    def _lines(self, name):
        return [line.strip() for line in self.cleaned_data[name].splitlines() if line.strip()]

    def clean_exclusion_reasons(self):
        return self._lines("exclusion_reasons")

    def clean_shortlisting_rounds(self):
        rounds = self._lines("shortlisting_rounds")
        if not rounds:
            raise forms.ValidationError(_("At least one round is needed."))
        return rounds


ACCOUNT_ROLE_CHOICES = [
    (Role.STAFF, Role.STAFF.label),
    (Role.TELLER, Role.TELLER.label),
    (Role.SCRUTINEER, Role.SCRUTINEER.label),
    (Role.GOVERNMENT, Role.GOVERNMENT.label),
]


class AccountForm(forms.Form):
    username = forms.CharField(label=_("username"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=150, required=False)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, min_length=8)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            validate_password(data["password"])
        return data


class RoleAccountForm(AccountForm):
    role = forms.ChoiceField(label=_("role"), choices=ACCOUNT_ROLE_CHOICES)


class DelegationForm(forms.ModelForm):
    """A new delegation (代表团) of a county term."""

    class Meta:
        model = Delegation
        fields = ["name", "order", "township"]

    def __init__(self, *args, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.filter(county_id=term.county_id)
        self.fields["township"].required = False


class DelegationEditForm(forms.ModelForm):
    """Rename, reorder, name the head (团长) among the delegation's deputies."""

    class Meta:
        model = Delegation
        fields = ["name", "order", "head"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members
        self.fields["head"].required = False


class DelegationAssignForm(forms.Form):
    """Seat deputies: chosen one by one, or every unseated county deputy of a township."""

    deputies = forms.ModelMultipleChoiceField(
        label=_("county deputies"), queryset=Deputy.objects.none(), required=False
    )
    township = forms.ModelChoiceField(
        label=_("every unseated county deputy of the township"),
        queryset=Township.objects.none(),
        required=False,
    )

    def __init__(self, *args, candidates, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = candidates
        self.fields["township"].queryset = townships
        self._candidates = candidates

    def deputy_ids(self) -> list[int]:
        ids = {deputy.pk for deputy in self.cleaned_data.get("deputies") or []}
        township = self.cleaned_data.get("township")
        if township is not None:
            ids |= set(self._candidates.filter(township=township).values_list("pk", flat=True))
        return sorted(ids)

    def clean(self):
        data = super().clean()
        if not data.get("deputies") and not data.get("township"):
            raise forms.ValidationError(_("Choose deputies or a township."))
        return data
