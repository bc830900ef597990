"""The officers' guided path after the vote closes, as data: close → paper entry by two
tellers → mismatches decided by the scrutineers → count → certify → publish.

Pure: plain facts in, steps out (no ORM, no clock). Each step says who acts and whether it
is done, the current one, or still waiting; the pages mark the current step "your turn" for
the officers who hold its role and tell everyone else whom it waits for."""

from __future__ import annotations

from dataclasses import dataclass

STAFF, TELLER, SCRUTINEER, CHIEF = "staff", "teller", "scrutineer", "chief"
DONE, CURRENT, WAITING = "done", "current", "waiting"

_ORDER = ("draft", "open", "closed", "counted", "certified", "published")


@dataclass(frozen=True)
class Facts:
    status: str  # the vote's status (VoteStatus values)
    paper: bool  # paper ballots to enter (issued, or the vote switched to paper)
    entered_a: int  # ballots keyed in by the first teller
    entered_b: int  # … and by the second
    open_items: int  # mismatches and doubtful ballots not yet decided
    paper_counted: bool  # the paper ballots were added to the count


@dataclass(frozen=True)
class Step:
    key: str  # close, paper_entry, mismatches, count, certify, publish
    role: str  # who acts: staff, teller, scrutineer, chief
    state: str  # done, current, waiting


def _at_least(status: str, stage: str) -> bool:
    if status == "void":
        return _ORDER.index(stage) <= _ORDER.index("counted")
    return _ORDER.index(status) >= _ORDER.index(stage)


def officer_path(f: Facts) -> list[Step]:
    """The steps in order; at most one is current."""
    steps: list[tuple[str, str, bool]] = [("close", STAFF, _at_least(f.status, "closed"))]
    if f.paper:
        counted = f.paper_counted or _at_least(f.status, "counted")
        both_entered = f.entered_a > 0 and f.entered_a == f.entered_b
        steps.append(("paper_entry", TELLER, counted or both_entered))
        # Then the scrutineers decide mismatches and doubtful ballots and add the paper
        # ballots to the count.
        steps.append(("mismatches", SCRUTINEER, counted))
    steps.append(("count", STAFF, _at_least(f.status, "counted")))
    steps.append(("certify", CHIEF, _at_least(f.status, "certified") and f.status != "void"))
    steps.append(("publish", STAFF, f.status == "published"))
    out: list[Step] = []
    current_given = f.status in ("draft", "void")  # nothing to do before opening; void ends
    for key, role, done in steps:
        if done:
            out.append(Step(key, role, DONE))
        elif not current_given:
            out.append(Step(key, role, CURRENT))
            current_given = True
        else:
            out.append(Step(key, role, WAITING))
    return out
