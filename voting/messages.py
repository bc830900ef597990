"""User-facing message tables of the vote: the rule that refused a setup or a ballot, and
why a code was refused at the ballot (the pages and the API say the same)."""

from __future__ import annotations

from django.utils.translation import gettext as _

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


# Why a code was refused (the ballot pages and POST /api/v1/cast/). Translated once, at import,
# in the site's language.
REFUSALS = {
    "typo": _(
        "This code is not right: check it letter by letter (the last symbol is a check symbol)."
    ),
    "unknown": _("This code does not belong to an open vote."),
    "not_open": _("This vote is not open for electronic voting."),
    "already_cast": _("A ballot has already been cast with this code."),
    "malformed": _("The ballot could not be read. Mark every candidate and try again."),
    "too_many": _("Too many 赞成 marks: remove some before continuing."),
}


THROTTLED = _(
    "Too many codes that belong to no vote were sent from this network. Wait a minute, then "
    "type your code again; a correct code works as soon as the wait is over."
)
