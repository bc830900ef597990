"""Helpers shared by the vote's action modules: the access check, the audit row, the
vote's row lock, the state check (voting/machine.py) and the ballot rules of the vote's kind
(voting/kinds.py)."""

from __future__ import annotations

from congress.access import require as _require  # noqa: F401 - the stage's services' guard
from congress.services import audit_record
from livelihood.i18n import in_site_language

from ..kinds import kind_of
from ..machine import refused
from ..models import Vote

_official = in_site_language  # stored titles and reasons: always the site's language


def _audit(vote: Vote, actor, action: str, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=vote,
        township=vote.session.term.township,
        county=vote.session.term.county,
        after=after or None,
    )


def _lock(vote: Vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("session__term__township", "session__term__county")
        .get(pk=vote.pk)
    )


def _transition(vote: Vote, allowed_from: tuple[str, ...]) -> None:
    """Refuse unless the vote is in one of ``allowed_from``, with the machine's refusal
    (voting/machine.py). The action modules name the action instead:
    ``VOTE_MACHINE.require(vote, "enter_paper")``; this stays for callers that list states."""
    if vote.status not in allowed_from:
        raise refused(vote.status)


def _validate_choices(vote: Vote, choices: str, candidates: int) -> None:
    """The marks fit the vote's kind (length, allowed marks): else ``VoteRuleError``."""
    kind_of(vote).validate(choices, candidates=candidates)


def _status_of(vote: Vote, choices: str) -> str:
    """valid, blank or invalid, as the vote's kind and rules say."""
    return kind_of(vote).status(choices)
