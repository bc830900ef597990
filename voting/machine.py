"""The vote's state machine as its services use it: the table (``voting.domain.VOTE``, every
action a person can take on a vote, the states it may start from and the state it leads to)
with its refusal message and its recorder, in the one shape every stage uses
(``livelihood.stage_machines.StageMachine``).

Services call ``VOTE_MACHINE.require(vote, "enter_paper")`` before a guarded step and
``VOTE_MACHINE.apply(vote, "close", actor=…, **details)`` for a change of state; ``apply``
checks the table, sets the status and (unless ``save=False``, when the service saves the
status with its other fields) saves it, and the recorder writes the audit row in the same
transaction. A refusal is ``Refused`` (here ``VoteStateRefused``): a ``TransitionRefused`` that
is also Django's ``ValidationError``, so pages show its message and the API answers 400 with
it, as for any other rule.

voting/README.md's "States" table is generated from the table (``manage.py vote_states
--readme``) and a test checks the two agree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record
from livelihood.stage_machines import Refused, StageMachine
from livelihood.transitions import Machine

from .domain import VOTE
from .models import VoteStatus

# What the operation log calls each change of state; a kind may name its own (the
# evaluation's count is "Evaluation counted").
AUDITED = {
    "open": AuditAction.VOTE_OPEN,
    "close": AuditAction.VOTE_CLOSE,
    "revote_on_paper": AuditAction.VOTE_PAPER_REVOTE,
    "count": AuditAction.VOTE_COUNT,
    "void": AuditAction.VOTE_COUNT,
    "certify": AuditAction.VOTE_CERTIFY,
    "publish": AuditAction.VOTE_PUBLISH,
}

VoteStateRefused = Refused  # the vote's refusals are the shared kind


def refusal_message(current: str) -> str:
    return _("This cannot be done while the vote is “%(status)s”.") % {
        "status": VoteStatus(current).label
    }


def _refusal(current: str, action: str) -> str:
    return refusal_message(current)


def refused(current: str, action: str = "") -> Refused:
    """The refusal for a step the vote's state does not allow (for checks by state list)."""
    return Refused(VOTE.name, current, action, refusal_message(current))


def _record(vote, *, action: str, before: str, after: str, actor=None, **details) -> None:
    from .kinds import kind_of

    audit_record(
        actor=actor,
        action=kind_of(vote).audit_action(action),
        obj=vote,
        township=vote.session.term.township,
        county=vote.session.term.county,
        before={"status": before},
        after={"status": after, **details},
    )


VOTE_MACHINE = StageMachine(VOTE, refusal=_refusal, recorder=_record)


def states_table(machine: Machine = VOTE) -> str:
    """The machine as a Markdown table, for voting/README.md: each action, the states it may
    start from and the state it leads to ("—" for a guard)."""
    order = [s.value for s in VoteStatus]
    lines = ["| action | from | to |", "|---|---|---|"]
    for action, transition in machine.table.items():
        sources = ", ".join(s for s in order if s in transition.sources)
        lines.append(f"| `{action}` | {sources} | {transition.target or '—'} |")
    return "\n".join(lines)
