"""The officers' guided path, as data: for a sealed vote the key share slips (密钥分片) before
opening; then close → paper entry by two tellers → mismatches decided by the scrutineers →
count (for a sealed vote: 开箱计票, k key holders open the box on the count page, then it is
counted) → certify → publish.

Pure: plain facts in, steps out (no ORM, no clock). Each step says who acts and whether it
is done, the current one, or still waiting; the pages mark the current step "your turn" for
the officers who hold its role and tell everyone else whom it waits for."""

from __future__ import annotations

from dataclasses import dataclass

STAFF, TELLER, SCRUTINEER, CHIEF = "staff", "teller", "scrutineer", "chief"
# Who opens the box: k of the key holders present their slips, on the count page that the
# presidium staff and the vote's scrutineers may open.
KEY_HOLDERS = "key_holders"
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
    sealed: bool = False  # ballots are sealed: the key ceremony is required or took place
    slips_printed: bool = False  # the key share slips were printed (the vote has its key)


@dataclass(frozen=True)
class Step:
    key: str  # key_slips, close, paper_entry, mismatches, count, open_box, certify, publish
    role: str  # who acts: staff, teller, scrutineer, chief, key_holders
    state: str  # done, current, waiting


def _at_least(status: str, stage: str) -> bool:
    if status == "void":
        return _ORDER.index(stage) <= _ORDER.index("counted")
    return _ORDER.index(status) >= _ORDER.index(stage)


def officer_path(f: Facts) -> list[Step]:
    """The steps in order; at most one is current."""
    steps: list[tuple[str, str, bool]] = []
    if f.sealed:
        steps.append(("key_slips", STAFF, f.slips_printed or _at_least(f.status, "open")))
    steps.append(("close", STAFF, _at_least(f.status, "closed")))
    if f.paper:
        counted = f.paper_counted or _at_least(f.status, "counted")
        both_entered = f.entered_a > 0 and f.entered_a == f.entered_b
        steps.append(("paper_entry", TELLER, counted or both_entered))
        # Then the scrutineers decide mismatches and doubtful ballots and add the paper
        # ballots to the count.
        steps.append(("mismatches", SCRUTINEER, counted))
    if f.sealed:  # 开箱计票: k key holders open the box with their slips, then it is counted
        steps.append(("open_box", KEY_HOLDERS, _at_least(f.status, "counted")))
    else:
        steps.append(("count", STAFF, _at_least(f.status, "counted")))
    steps.append(("certify", CHIEF, _at_least(f.status, "certified") and f.status != "void"))
    steps.append(("publish", STAFF, f.status == "published"))
    out: list[Step] = []
    current_given = f.status == "void"  # a void vote ends
    for key, role, done in steps:
        if f.status == "draft" and key != "key_slips":
            current_given = True  # before opening only the key share slips are anyone's turn
        if done:
            out.append(Step(key, role, DONE))
        elif not current_given:
            out.append(Step(key, role, CURRENT))
            current_given = True
        else:
            out.append(Step(key, role, WAITING))
    return out
