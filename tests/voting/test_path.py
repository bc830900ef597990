"""The officers' guided path as a pure rule: one current step at a time, in the order the
rules give, with paper steps only when there are paper ballots."""

import pytest

from voting.path import CURRENT, DONE, KEY_HOLDERS, WAITING, Facts, officer_path


def _facts(**kw):
    base = dict(
        status="open", paper=False, entered_a=0, entered_b=0, open_items=0, paper_counted=False
    )
    base.update(kw)
    return Facts(**base)


def _states(facts):
    return [(s.key, s.state) for s in officer_path(facts)]


def test_electronic_only_vote_walks_close_count_certify_publish():
    assert _states(_facts(status="open")) == [
        ("close", CURRENT),
        ("count", WAITING),
        ("certify", WAITING),
        ("publish", WAITING),
    ]
    assert _states(_facts(status="closed"))[1] == ("count", CURRENT)
    assert _states(_facts(status="counted"))[2] == ("certify", CURRENT)
    assert _states(_facts(status="certified"))[3] == ("publish", CURRENT)
    assert all(state == DONE for _k, state in _states(_facts(status="published")))


def test_paper_ballots_add_entry_by_two_tellers_and_the_scrutineers_check():
    keys = [k for k, _s in _states(_facts(status="closed", paper=True))]
    assert keys == ["close", "paper_entry", "mismatches", "count", "certify", "publish"]
    assert _states(_facts(status="closed", paper=True, entered_a=5, entered_b=3))[1] == (
        "paper_entry",
        CURRENT,
    )
    # Both tellers have keyed every ballot: the scrutineers decide what differs.
    both = _facts(status="closed", paper=True, entered_a=5, entered_b=5, open_items=1)
    assert _states(both)[1:3] == [("paper_entry", DONE), ("mismatches", CURRENT)]
    agreed = _facts(status="closed", paper=True, entered_a=5, entered_b=5)
    assert _states(agreed)[1:3] == [("paper_entry", DONE), ("mismatches", CURRENT)]
    added = _facts(status="closed", paper=True, entered_a=5, entered_b=5, paper_counted=True)
    assert _states(added)[2:4] == [("mismatches", DONE), ("count", CURRENT)]


@pytest.mark.parametrize(
    "status", ["draft", "open", "closed", "counted", "certified", "published", "void"]
)
@pytest.mark.parametrize("paper", [False, True])
@pytest.mark.parametrize("sealed", [False, True])
def test_at_most_one_step_is_current_and_done_steps_come_first(status, paper, sealed):
    facts = _facts(status=status, paper=paper, sealed=sealed, slips_printed=status != "draft")
    states = [s.state for s in officer_path(facts)]
    assert states.count(CURRENT) <= 1
    order = {DONE: 0, CURRENT: 1, WAITING: 2}
    assert [order[s] for s in states] == sorted(order[s] for s in states)


def test_before_opening_nothing_is_anyones_turn():
    assert CURRENT not in [s.state for s in officer_path(_facts(status="draft"))]


def test_a_void_vote_stops_after_the_count():
    states = dict(_states(_facts(status="void")))
    assert states["count"] == DONE
    assert states["certify"] == WAITING and states["publish"] == WAITING


def test_a_sealed_vote_starts_with_the_key_share_slips_and_opens_the_box_at_the_count():
    draft = _facts(status="draft", sealed=True)
    assert _states(draft) == [
        ("key_slips", CURRENT),  # before opening: the only step anyone can take
        ("close", WAITING),
        ("open_box", WAITING),
        ("certify", WAITING),
        ("publish", WAITING),
    ]
    printed = _facts(status="draft", sealed=True, slips_printed=True)
    assert _states(printed)[0] == ("key_slips", DONE)
    assert CURRENT not in [s.state for s in officer_path(printed)]
    closed = _states(_facts(status="closed", sealed=True, slips_printed=True))
    assert closed[:3] == [("key_slips", DONE), ("close", DONE), ("open_box", CURRENT)]
    assert "count" not in dict(closed)  # the box is opened and counted in one step
    assert officer_path(_facts(status="closed", sealed=True, slips_printed=True))[2].role == (
        KEY_HOLDERS
    )


def test_a_sealed_vote_on_paper_enters_the_paper_ballots_before_the_box_opens():
    facts = _facts(status="closed", sealed=True, slips_printed=True, paper=True)
    keys = [k for k, _s in _states(facts)]
    assert keys == [
        "key_slips",
        "close",
        "paper_entry",
        "mismatches",
        "open_box",
        "certify",
        "publish",
    ]
    added = _facts(
        status="closed",
        sealed=True,
        slips_printed=True,
        paper=True,
        entered_a=3,
        entered_b=3,
        paper_counted=True,
    )
    assert dict(_states(added))["open_box"] == CURRENT
