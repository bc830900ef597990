"""The one shape of every state machine: a table of named actions and one way to apply them."""

import pytest

from livelihood.transitions import Machine, TransitionRefused, move, table_of


class Thing:
    def __init__(self, status):
        self.status = status
        self.saved = []

    def save(self, update_fields):
        self.saved.append(tuple(update_fields))


def machine(recorded):
    return Machine(
        "door",
        [
            move("open", {"shut"}, "open"),
            move("close", {"open"}, "shut"),
            move("knock", {"shut", "open"}, None),
        ],
        refusal=lambda current, action: f"cannot {action} a door that is {current}",
        recorder=lambda obj, **kw: recorded.append(kw),
        update_fields=("updated_at",),
    )


def test_apply_changes_state_saves_and_records():
    recorded = []
    door = Thing("shut")
    before = machine(recorded).apply(door, "open", actor="ann")
    assert before == "shut"
    assert door.status == "open"
    assert door.saved == [("status", "updated_at")]
    assert recorded == [{"action": "open", "before": "shut", "after": "open", "actor": "ann"}]


def test_refusal_names_machine_state_and_action_and_changes_nothing():
    recorded = []
    door = Thing("open")
    with pytest.raises(TransitionRefused) as caught:
        machine(recorded).apply(door, "open")
    assert (caught.value.machine, caught.value.current, caught.value.action) == (
        "door",
        "open",
        "open",
    )
    assert caught.value.message == "cannot open a door that is open"
    assert door.status == "open" and door.saved == [] and recorded == []


def test_guard_keeps_state_and_records_nothing():
    recorded = []
    door = Thing("open")
    m = machine(recorded)
    m.require(door, "knock")
    assert m.apply(door, "knock") == "open"
    assert door.saved == [] and recorded == []


def test_table_reads():
    m = machine([])
    assert m.actions_from("shut") == ["open", "knock"]
    assert m.states() == {"shut", "open"}
    assert ("shut", "open", "open") in m.edges()
    assert table_of(m)["knock"] == (frozenset({"shut", "open"}), None)
    with pytest.raises(KeyError):
        m.target("shut", "paint")


def test_an_action_declared_twice_is_a_mistake():
    with pytest.raises(ValueError):
        Machine("dup", [move("a", "x", "y"), move("a", "y", "x")])
