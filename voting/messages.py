"""User-facing message tables of the vote: the rule that refused a setup or a ballot, and
why a code was refused at the ballot (the pages and the API say the same)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import domain


def rule_message(error: domain.VoteRuleError) -> str:
    """The user-facing message naming the rule that refused a setup or a ballot."""
    p = error.params
    messages = {
        "slots_positive": _("The number of slots must be at least 1."),
        "no_candidates": _("The candidate list is empty."),
        "ranking_not_supported": _(
            "Ranking ballots are not supported yet; set the ballot type to for/against/abstain."
        ),
        "competitive_needs_more": _(
            "A competitive vote (差额) needs more candidates than slots: %(candidates)s "
            "candidates for %(slots)s slots."
        ),
        "equal_needs_same": _(
            "An equal vote (等额) needs as many candidates as slots: %(candidates)s candidates "
            "for %(slots)s slots."
        ),
        "malformed_ballot": _("The ballot could not be read. Mark every candidate and try again."),
    }
    return messages.get(error.code, error.code) % p if p else messages.get(error.code, error.code)


# Why a code was refused (the ballot pages and POST /api/v1/cast/): lazy, so each page says it
# in the language the deputy chose (translated at import, they were always Chinese).
REFUSALS = {
    "typo": gettext_lazy(
        "This code is not right: check it letter by letter (the last symbol is a check symbol)."
    ),
    "unknown": gettext_lazy("This code does not belong to an open vote."),
    "not_open": gettext_lazy("This vote is not open for electronic voting."),
    "already_cast": gettext_lazy("A ballot has already been cast with this code."),
    "malformed": gettext_lazy("The ballot could not be read. Mark every candidate and try again."),
    "too_many": gettext_lazy("Too many 赞成 marks: remove some before continuing."),
}


THROTTLED = gettext_lazy(
    "Too many codes that belong to no vote were sent from this network. Wait a minute, then "
    "type your code again; a correct code works as soon as the wait is over."
)
