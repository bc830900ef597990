"""State machines as data, one shape for every machine in the cycle (the vote, the project, the
hand-over ledger item, the report).

A machine is a table of named actions: each action lists the states it may start from and the
state it leads to (or ``None`` for an action that needs a state but does not change it, such as
"enter a paper ballot" while a vote is closed). One function applies an action: it checks the
table, sets the state, saves, and calls the machine's recorder, which writes the stage's
history row and audit event. A refused action raises :class:`TransitionRefused`, which names the
machine, the current state and the action, and carries a message for the user.

Pure Python, no models: each stage declares its machine beside its domain rules and passes its
own recorder (history and audit belong to the stage).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class TransitionRefused(Exception):
    """An action the machine does not allow from the object's current state.

    ``message`` is what a user reads (already translated by the machine's ``refusal``); the
    attributes say exactly what was refused, for logs and tests."""

    def __init__(self, machine: str, current: str, action: str, message: str = ""):
        self.machine = machine
        self.current = current
        self.action = action
        self.message = message or f"{machine}: {action} is not allowed from {current}"
        super().__init__(self.message)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the action needs one of ``sources`` and keeps the state

    def leads_from(self, current: str) -> str | None:
        """The state after this action from ``current`` (``current`` itself for a guard)."""
        if current not in self.sources:
            return None
        return current if self.target is None else self.target


def move(action: str, sources: Iterable[str], target: str | None) -> Transition:
    """One row of a machine's table: ``move("close", {OPEN}, CLOSED)``."""
    if isinstance(sources, str):
        sources = (sources,)
    return Transition(action=action, sources=frozenset(sources), target=target)


class Recorder(Protocol):
    def __call__(
        self, obj: Any, *, action: str, before: str, after: str, **context: Any
    ) -> None: ...


class Machine:
    """A named table of transitions with one way to apply them."""

    def __init__(
        self,
        name: str,
        transitions: Iterable[Transition],
        *,
        field: str = "status",
        refusal: Callable[[str, str], str] | None = None,
        recorder: Recorder | None = None,
        update_fields: Iterable[str] = (),
    ):
        self.name = name
        self.field = field
        self._refusal = refusal
        self.recorder = recorder
        self.update_fields = tuple(update_fields)
        self.table: dict[str, Transition] = {}
        for transition in transitions:
            if transition.action in self.table:
                raise ValueError(f"{name}: action {transition.action!r} declared twice")
            self.table[transition.action] = transition

    # -- reading the table ---------------------------------------------------------------

    def states(self) -> set[str]:
        found: set[str] = set()
        for transition in self.table.values():
            found |= transition.sources
            if transition.target is not None:
                found.add(transition.target)
        return found

    def allows(self, current: str, action: str) -> bool:
        transition = self.table.get(action)
        return transition is not None and current in transition.sources

    def target(self, current: str, action: str) -> str:
        """The state ``action`` leads to from ``current``; raises :class:`TransitionRefused`."""
        transition = self.table.get(action)
        if transition is None:
            raise KeyError(f"{self.name}: no action {action!r}")
        after = transition.leads_from(current)
        if after is None:
            raise TransitionRefused(
                self.name,
                current,
                action,
                self._refusal(current, action) if self._refusal else "",
            )
        return after

    def actions_from(self, current: str) -> list[str]:
        """The actions allowed from ``current``, in table order (what a page may offer)."""
        return [a for a, t in self.table.items() if current in t.sources]

    def edges(self) -> list[tuple[str, str, str]]:
        """(from, action, to) for every state change, guards excluded: for documentation."""
        return [
            (source, t.action, t.target)
            for t in self.table.values()
            if t.target is not None
            for source in sorted(t.sources)
        ]

    # -- applying -------------------------------------------------------------------------

    def require(self, obj: Any, action: str) -> None:
        """Refuse unless ``obj`` is in a state ``action`` may start from (no change)."""
        self.target(getattr(obj, self.field), action)

    def apply(self, obj: Any, action: str, *, save: bool = True, **context: Any) -> str:
        """Apply ``action`` to ``obj`` (locked by the caller): check the table, set the state,
        save it, and let the recorder write the history row and audit event. Returns the
        state before. A guard action (no target) changes nothing and records nothing."""
        before = getattr(obj, self.field)
        after = self.target(before, action)
        transition = self.table[action]
        if transition.target is None:
            return before
        setattr(obj, self.field, after)
        if save:
            fields = [self.field, *self.update_fields]
            obj.save(update_fields=fields)
        if self.recorder is not None:
            self.recorder(obj, action=action, before=before, after=after, **context)
        return before


def table_of(machine: Machine) -> Mapping[str, tuple[frozenset[str], str | None]]:
    """The machine as plain data (action → (sources, target)), for tests and docs."""
    return {a: (t.sources, t.target) for a, t in machine.table.items()}
