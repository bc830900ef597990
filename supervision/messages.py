"""User messages of stage 4 that the services and views share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import domain


def recommender_message(error: domain.RecommenderError) -> str:
    messages = {
        "bad_rules": _("The rule set's group sizes are not valid."),
        "no_projects": _("This plan has no elected project without a confirmed group."),
        "too_few_deputies": _(
            "The groups need at least %(needed)s seats, but the deputies can fill only "
            "%(available)s under the rule set."
        ),
        "too_few_eligible": _("Too few deputies without a conflict of interest for a project."),
        "no_solution": _("No assignment satisfies the rule set."),
    }
    text = messages.get(error.code, messages["no_solution"])
    try:
        return text % error.params
    except (KeyError, TypeError):
        return text
