"""The database router's decisions (livelihood/dbrouter.py): which reads go to the replica.

The replica's health is given here (the rehearsal, ``make drill``, measures a real one); the
decisions are the router's own. Without a replica configured — the suite, ``make run`` —
every query goes to the primary."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from congress.models import County
from livelihood import dbrouter
from livelihood.dbrouter import (
    REPLICA,
    PrimaryReplicaRouter,
    ReplicaState,
    reads_from_replica,
    replica_reads,
)

router = PrimaryReplicaRouter()
CAUGHT_UP = ReplicaState(up=True, lag_seconds=0.0, lag_bytes=0)


@pytest.fixture
def replica(monkeypatch):
    """A configured replica whose state the test sets."""
    state = {"now": CAUGHT_UP}
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouter, "replica_state", lambda fresh=False: state["now"])
    return state


def test_without_a_replica_everything_reads_and_writes_the_primary():
    with reads_from_replica():
        assert router.db_for_read(County) == "default"
    assert router.db_for_read(County) == "default"
    assert router.db_for_write(County) == "default"
    assert router.allow_migrate("default", "congress")


def test_dashboard_reads_go_to_a_caught_up_replica_and_nothing_else_does(replica):
    assert router.db_for_read(County) == "default"  # ballots, counts, every other page
    with reads_from_replica():
        assert router.db_for_read(County) == REPLICA
    assert router.db_for_write(County) == "default"
    assert not router.allow_migrate(REPLICA, "congress")


def test_a_replica_lagging_beyond_the_bound_or_down_sends_reads_to_the_primary(replica, settings):
    settings.LIVELIHOOD_REPLICA_MAX_LAG = 5.0
    with reads_from_replica():
        replica["now"] = ReplicaState(up=True, lag_seconds=4.0, lag_bytes=1024)
        assert router.db_for_read(County) == REPLICA
        replica["now"] = ReplicaState(up=True, lag_seconds=6.0, lag_bytes=1024)
        assert router.db_for_read(County) == "default"
        replica["now"] = ReplicaState(up=False, reason="connection refused")
        assert router.db_for_read(County) == "default"


def test_after_a_write_the_scope_reads_the_primary(replica):
    with reads_from_replica():
        assert router.db_for_read(County) == REPLICA
        router.db_for_write(County)
        assert router.db_for_read(County) == "default"
    with reads_from_replica():  # a new request starts fresh
        assert router.db_for_read(County) == REPLICA


def test_a_client_that_just_wrote_reads_the_primary_on_its_next_page(replica):
    seen = []

    @replica_reads
    def view(request):
        seen.append(router.db_for_read(County))
        return None

    factory = RequestFactory()
    view(factory.get("/dashboard/"))
    sticky = factory.get("/dashboard/")
    sticky.COOKIES[dbrouter.STICKY_COOKIE] = "9999999999"
    view(sticky)
    view(factory.post("/dashboard/"))  # unsafe methods never read the replica
    assert seen == [REPLICA, "default", "default"]


def test_the_sticky_cookie_is_set_after_an_unsafe_request_only(replica):
    middleware = dbrouter.StickyPrimaryMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()
    assert dbrouter.STICKY_COOKIE in middleware(factory.post("/x/")).cookies
    assert dbrouter.STICKY_COOKIE not in middleware(factory.get("/x/")).cookies
