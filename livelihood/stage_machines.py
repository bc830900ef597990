"""A stage's state machine as its services use it.

A stage declares its table of transitions beside its pure domain rules
(:class:`livelihood.transitions.Machine`, no recorder, no messages). Its services wrap that
table once in a :class:`StageMachine` with the two things that need Django: the translated
refusal and the recorder writing the stage's history row and audit event. A refused action
raises :class:`Refused`, which is both the named :class:`TransitionRefused` (machine, state,
action) and a Django ``ValidationError``: pages show it as a form error like every other
refusal, and the API answers 400 through ``livelihood.api_errors`` with no ``except`` clause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

from .transitions import Machine, Recorder, TransitionRefused


class Refused(TransitionRefused, ValidationError):
    """A refused transition, read by users as the machine's translated message."""


class StageMachine(Machine):
    """The stage's table with its refusal message and its recorder."""

    def __init__(
        self,
        table: Machine,
        *,
        refusal: Callable[[str, str], str],
        recorder: Recorder,
        update_fields: Iterable[str] = (),
    ):
        super().__init__(
            table.name,
            table.table.values(),
            field=table.field,
            refusal=refusal,
            recorder=recorder,
            update_fields=update_fields,
        )

    def target(self, current: str, action: str) -> str:
        try:
            return super().target(current, action)
        except TransitionRefused as refused:
            if isinstance(refused, Refused):
                raise
            raise Refused(
                refused.machine, refused.current, refused.action, refused.message
            ) from None
