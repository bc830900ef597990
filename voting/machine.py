"""The vote's state machine as data (livelihood.transitions): every action a person can take on
a vote, the states it may start from and the state it leads to. An action with no target is a
guard: it needs one of its states and changes none (naming officers, entering paper ballots…).

Services call ``VOTE_MACHINE.require(vote, "enter_paper")`` before a guarded step and
``VOTE_MACHINE.apply(vote, "close", actor=…, **details)`` for a change of state; ``apply``
checks the table, sets the status and (unless ``save=False``, when the service saves the
status with its other fields) saves it, and the recorder writes the audit row in the same
transaction. A refusal is a :class:`VoteStateRefused`: a ``TransitionRefused`` that is also
Django's ``ValidationError``, so pages show its message and the API answers 400 with it, as
for any other rule.

voting/README.md's "States" table is generated from this one (``manage.py vote_states``)
and a test checks the two agree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record
from livelihood.transitions import Machine, TransitionRefused, move

from .models import VoteStatus

DRAFT, OPEN, CLOSED = VoteStatus.DRAFT.value, VoteStatus.OPEN.value, VoteStatus.CLOSED.value
COUNTED, CERTIFIED = VoteStatus.COUNTED.value, VoteStatus.CERTIFIED.value
PUBLISHED, VOID = VoteStatus.PUBLISHED.value, VoteStatus.VOID.value

TRANSITIONS = [
    # draft: officers, key shares, code slips, numbers issued
    move("name_officers", {DRAFT, OPEN, CLOSED}, None),
    move("record_issued", {DRAFT, OPEN, CLOSED}, None),
    move("print_key_shares", {DRAFT}, None),
    move("print_codes", {DRAFT}, None),
    move("switch_to_paper", {DRAFT, OPEN}, None),  # S4: a flag, not a state
    move("open", {DRAFT}, OPEN),
    # open: deputies cast with their codes
    move("cast", {OPEN}, None),
    move("close", {OPEN}, CLOSED),
    # closed: paper double entry, the sealed box opened, the count
    move("enter_paper", {CLOSED}, None),
    move("open_box", {CLOSED}, None),
    move("revote_on_paper", {CLOSED}, VOID),  # key shares lost: the presidium orders it
    move("count", {CLOSED, COUNTED}, COUNTED),  # from counted: a recount
    move("void", {CLOSED, COUNTED}, VOID),  # the count finds no quorum or too many returned
    # counted: what the count leaves to do, certification, publication
    move("decide_tie", {COUNTED, CERTIFIED}, None),
    move("follow_up", {COUNTED, CERTIFIED, PUBLISHED}, None),  # run-off or further vote
    move("certify", {COUNTED}, CERTIFIED),
    move("publish", {CERTIFIED}, PUBLISHED),
]

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


class VoteStateRefused(TransitionRefused, ValidationError):
    """An action the vote's state does not allow. A ``ValidationError`` too: the pages show
    its message like any refused rule, and the API's exception handler answers 400."""


def refusal_message(current: str) -> str:
    return _("This cannot be done while the vote is “%(status)s”.") % {
        "status": VoteStatus(current).label
    }


def _refusal(current: str, action: str) -> str:
    return refusal_message(current)


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


class VoteMachine(Machine):
    """The shared machine, raising :class:`VoteStateRefused` (a ``TransitionRefused`` the
    pages and the API already know how to show)."""

    def target(self, current: str, action: str) -> str:
        try:
            return super().target(current, action)
        except TransitionRefused as exc:
            raise self.refused(exc.current, exc.action) from None

    def refused(self, current: str, action: str = "") -> VoteStateRefused:
        return VoteStateRefused(self.name, current, action, refusal_message(current))


VOTE_MACHINE = VoteMachine("vote", TRANSITIONS, refusal=_refusal, recorder=_record)


def states_table(machine: Machine = VOTE_MACHINE) -> str:
    """The machine as a Markdown table, for voting/README.md: each action, the states it may
    start from and the state it leads to ("—" for a guard)."""
    order = [s.value for s in VoteStatus]
    lines = ["| action | from | to |", "|---|---|---|"]
    for action, transition in machine.table.items():
        sources = ", ".join(s for s in order if s in transition.sources)
        lines.append(f"| `{action}` | {sources} | {transition.target or '—'} |")
    return "\n".join(lines)
