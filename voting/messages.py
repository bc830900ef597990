"""User-facing message tables of the vote: the rule that refused a setup or a ballot."""

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
