from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congress.models import Role

from . import domain
from .models import OfficerRole, VoteKind, VoteStatus


class VoteCreateForm(forms.Form):
    candidate_list = forms.ModelChoiceField(
        label=_("candidate list"), queryset=None, empty_label=None
    )
    title = forms.CharField(
        label=_("title"),
        max_length=120,
        required=False,
        help_text=_("Leave empty for the default title."),
    )

    def __init__(self, *args, township, county=None, **kwargs):
        from projects.models import CandidateList

        super().__init__(*args, **kwargs)
        # A township's plans, or — for a county plenary (township None) — the county's own.
        body = (
            {"plan__township": township}
            if township is not None
            else {
                "plan__county": county,
                "plan__township__isnull": True,
            }
        )
        self.fields["candidate_list"].queryset = CandidateList.objects.filter(
            locked_at__isnull=False, **body
        ).select_related("plan", "plan__township", "plan__county")


class OfficerForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=OfficerRole.choices)
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=32)
    user = forms.ModelChoiceField(
        label=_("user account"),
        queryset=None,
        required=False,
        help_text=_("Tellers and scrutineers need an account to enter and check paper ballots."),
    )

    def __init__(self, *args, township, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        officers = [Role.TELLER, Role.SCRUTINEER, Role.STAFF]
        if township is None:  # a county plenary: the county congress's own officers
            accounts = Q(
                roles__county=county, roles__township__isnull=True, roles__role__in=officers
            )
        else:
            accounts = Q(roles__township=township, roles__role__in=officers) | Q(
                deputy__township=township
            )
        self.fields["user"].queryset = (
            get_user_model().objects.filter(accounts).distinct().order_by("username")
        )


class CodesForm(forms.Form):
    # 5 before the first printing; the console then passes the last printing's spares
    # (selectors.codes_last_spares), so printing again keeps the number chosen.
    spares = forms.IntegerField(label=_("spare codes"), min_value=0, max_value=200, initial=5)
    # The vote's printing count as the console showed it (see Vote.codes_printings).
    printings = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class IssuedForm(forms.Form):
    slips_issued = forms.IntegerField(label=_("code slips issued"), min_value=0)
    paper_issued = forms.IntegerField(label=_("paper ballots issued"), min_value=0)


class CodeEntryForm(forms.Form):
    code = forms.CharField(
        label=_("Ballot code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "form-control form-control-lg code-input",
                # The error (when there is one) and the example code, both in the template.
                "aria-describedby": "id_code_error id_code_helptext",
            }
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        typed = domain.code_symbols_typed(code)
        if typed == 0:
            raise forms.ValidationError(
                _("A ballot code has %(length)s letters and digits; type all of them."),
                params={"length": domain.CODE_LENGTH},
            )
        if typed < domain.CODE_LENGTH:
            raise forms.ValidationError(
                _(
                    "A ballot code has %(length)s letters and digits; you typed %(count)s. "
                    "Check that none is missing."
                ),
                params={"length": domain.CODE_LENGTH, "count": typed},
            )
        if typed > domain.CODE_LENGTH:
            raise forms.ValidationError(
                _(
                    "A ballot code has %(length)s letters and digits; you typed %(count)s. "
                    "Check for extra ones."
                ),
                params={"length": domain.CODE_LENGTH, "count": typed},
            )
        return code


class PaperKeysForm(forms.Form):
    sequence = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    keys = forms.CharField(
        label=_("Marks"),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autofocus": True,
                "spellcheck": "false",
                "class": "form-control form-control-lg paper-keys",
            }
        ),
    )


class PaperDecisionForm(forms.Form):
    sequence = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    keys = forms.CharField(label=_("Marks as decided"), max_length=60)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class EvaluationCreateForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("plan to evaluate"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("title"),
        max_length=120,
        required=False,
        help_text=_("Leave empty for the default title."),
    )

    def __init__(self, *args, township, county=None, **kwargs):
        from projects.models import AnnualPlan

        super().__init__(*args, **kwargs)
        body = (
            {"township": township}
            if township is not None
            else {"county": county, "township__isnull": True}
        )
        self.fields["plan"].queryset = (
            AnnualPlan.objects.filter(
                **body,
                candidate_list__votes__kind=VoteKind.PROJECTS,
                candidate_list__votes__status=VoteStatus.PUBLISHED,
            )
            .distinct()
            .order_by("-year")
        )


class PaperBatchForm(forms.Form):
    """Staff assign a teller pair a batch of a county plenary's delegations."""

    number = forms.IntegerField(label=_("batch"), min_value=1, max_value=20, initial=1)
    first_teller = forms.ModelChoiceField(label=_("first teller"), queryset=None)
    second_teller = forms.ModelChoiceField(label=_("second teller"), queryset=None)
    delegations = forms.ModelMultipleChoiceField(
        label=_("delegations"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, vote, **kwargs):
        from congress.models import Delegation

        super().__init__(*args, **kwargs)
        tellers = (
            get_user_model()
            .objects.filter(
                vote_duties__vote=vote,
                vote_duties__role=OfficerRole.TELLER,
            )
            .distinct()
            .order_by("username")
        )
        self.fields["first_teller"].queryset = tellers
        self.fields["second_teller"].queryset = tellers
        self.fields["delegations"].queryset = Delegation.objects.filter(
            term=vote.session.term
        ).order_by("order", "id")
