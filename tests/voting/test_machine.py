"""The vote's state machine as data (voting/machine.py): every action from every state is
allowed or refused exactly as the table says, a refusal reads as today's message (and is a
ValidationError the pages and the API show), a change of state writes its audit row, and
voting/README.md shows the same table."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from congress.models import AuditEvent
from livelihood.transitions import TransitionRefused, table_of
from voting import services
from voting.machine import VOTE_MACHINE, VoteStateRefused, states_table
from voting.models import Vote, VoteStatus

STATES = [s.value for s in VoteStatus]

# The table as the README describes it, written out by hand: a change to the machine must
# change this too.
EXPECTED = {
    "name_officers": ({"draft", "open", "closed"}, None),
    "record_issued": ({"draft", "open", "closed"}, None),
    "print_key_shares": ({"draft"}, None),
    "print_codes": ({"draft"}, None),
    "switch_to_paper": ({"draft", "open"}, None),
    "open": ({"draft"}, "open"),
    "cast": ({"open"}, None),
    "close": ({"open"}, "closed"),
    "enter_paper": ({"closed"}, None),
    "open_box": ({"closed"}, None),
    "revote_on_paper": ({"closed"}, "void"),
    "count": ({"closed", "counted"}, "counted"),
    "void": ({"closed", "counted"}, "void"),
    "decide_tie": ({"counted", "certified"}, None),
    "follow_up": ({"counted", "certified", "published"}, None),
    "certify": ({"counted"}, "certified"),
    "publish": ({"certified"}, "published"),
}


def test_the_table_is_as_documented():
    assert {a: (set(s), t) for a, (s, t) in table_of(VOTE_MACHINE).items()} == EXPECTED
    assert VOTE_MACHINE.states() == set(STATES)
    assert VOTE_MACHINE.actions_from("published") == ["follow_up"]
    assert VOTE_MACHINE.actions_from("void") == []  # nothing leaves void


class _Vote:
    """A stand-in with a status: the table itself needs no database."""

    def __init__(self, status):
        self.status = status


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_action_from_every_state(action, state):
    sources, target = EXPECTED[action]
    vote = _Vote(state)
    if state in sources:
        VOTE_MACHINE.require(vote, action)
        assert VOTE_MACHINE.target(state, action) == (target or state)
    else:
        with pytest.raises(VoteStateRefused) as caught:
            VOTE_MACHINE.require(vote, action)
        refused = caught.value
        assert (refused.machine, refused.current, refused.action) == ("vote", state, action)


def test_a_refusal_is_the_users_message_and_a_validation_error(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            VOTE_MACHINE.require(_Vote("published"), "close")
    assert isinstance(caught.value, TransitionRefused)
    assert caught.value.messages == ["This cannot be done while the vote is “Published”."]
    with translation.override("zh-hans"):
        with pytest.raises(VoteStateRefused) as caught:
            VOTE_MACHINE.require(_Vote("draft"), "certify")
    assert "“" in caught.value.message  # the status is named, in the reader's language


def test_the_old_state_check_refuses_the_same_way(vote_world):
    from voting.services._base import _transition

    vote = vote_world.vote
    _transition(vote, (VoteStatus.DRAFT,))  # allowed: nothing happens
    with pytest.raises(VoteStateRefused):
        _transition(vote, (VoteStatus.OPEN, VoteStatus.CLOSED))


def _in_state(vote, status):
    Vote.objects.filter(pk=vote.pk).update(status=status)
    vote.refresh_from_db()
    return vote


@pytest.mark.parametrize(
    ("service", "action"),
    [
        (lambda w, v: services.vote_open(actor=w.users["staff"], vote=v), "open"),
        (lambda w, v: services.vote_close(actor=w.users["staff"], vote=v), "close"),
        (lambda w, v: services.vote_count(actor=w.users["staff"], vote=v), "count"),
        (lambda w, v: services.vote_certify(actor=w.users["chief"], vote=v), "certify"),
        (lambda w, v: services.vote_publish(actor=w.users["staff"], vote=v), "publish"),
        (
            lambda w, v: services.vote_switch_to_paper(actor=w.users["staff"], vote=v),
            "switch_to_paper",
        ),
        (
            lambda w, v: services.vote_generate_codes(actor=w.users["staff"], vote=v, spares=0),
            "print_codes",
        ),
        (
            lambda w, v: services.paper_entry_save(
                actor=w.users["teller"], vote=v, slot="A", sequence=1, keys="1110"
            ),
            "enter_paper",
        ),
        (
            lambda w, v: services.vote_record_issued(
                actor=w.users["staff"], vote=v, slips_issued=0, paper_issued=0
            ),
            "record_issued",
        ),
    ],
)
def test_services_refuse_what_the_table_refuses(vote_world, service, action):
    """Each service asks the machine: from every state the table does not list for its
    action, it refuses with the machine's message and changes nothing."""
    sources, _target = EXPECTED[action]
    for state in STATES:
        if state in sources:
            continue
        vote = _in_state(vote_world.vote, state)
        events = AuditEvent.objects.count()
        with pytest.raises(VoteStateRefused):
            service(vote_world, vote)
        vote.refresh_from_db()
        assert vote.status == state
        assert AuditEvent.objects.count() == events


def test_a_change_of_state_writes_its_audit_row(vote_world):
    vote = vote_world.vote
    staff = vote_world.users["staff"]
    VOTE_MACHINE.apply(vote, "open", actor=staff, present=9, due=10)
    vote.refresh_from_db()
    assert vote.status == "open"
    event = AuditEvent.objects.filter(action="vote.open", object_id=str(vote.pk)).get()
    assert event.actor == staff
    assert event.before == {"status": "draft"}
    assert event.after == {"status": "open", "present": 9, "due": 10}
    assert event.township == vote_world.township


def test_a_guard_records_nothing(vote_world):
    events = AuditEvent.objects.count()
    VOTE_MACHINE.apply(vote_world.vote, "name_officers", actor=vote_world.users["staff"])
    assert AuditEvent.objects.count() == events


def test_the_evaluation_names_its_own_count(vote_world):
    from voting.kinds import kind_of

    vote = vote_world.vote
    assert kind_of(vote).audit_action("count") == "vote.count"
    vote.kind = "evaluation"
    assert kind_of(vote).audit_action("count") == "evaluation.count"
    assert kind_of(vote).audit_action("void") == "evaluation.count"
    assert kind_of(vote).audit_action("publish") == "vote.publish"


def test_readme_shows_the_machine_s_table():
    readme = (Path(__file__).resolve().parents[2] / "voting" / "README.md").read_text()
    assert states_table() in readme, "run: python manage.py vote_states --readme"
