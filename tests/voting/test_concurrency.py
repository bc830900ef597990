"""Exactly once under real concurrency on PostgreSQL: separate threads, separate database
connections, all released at the same instant by a barrier."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from voting import services
from voting.models import BallotCode, SealedBallot

from .ceremony import open_with_ceremony
from .conftest import check_in, make_candidate_list

pytestmark = pytest.mark.django_db(transaction=True)


def _prepared_vote(world, *, deputies, spares):
    staff = world.users["staff"]
    check_in(world, deputies, total=deputies)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=spares)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=deputies, paper_issued=0)
    open_with_ceremony(staff, vote)
    return vote, codes


def _burst(vote_id, jobs, workers):
    """Run cast jobs (code, choices) concurrently; returns outcomes ("ok" or a reason)."""
    barrier = threading.Barrier(min(workers, len(jobs)))
    started = threading.local()

    def cast(job):
        code, choices = job
        if not getattr(started, "waited", False):
            started.waited = True
            barrier.wait(timeout=30)
        try:
            services.ballot_cast(vote_id=vote_id, typed_code=code, choices=choices)
            return "ok"
        except services.BallotRefused as exc:
            return exc.reason
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(cast, jobs))


def test_one_code_submitted_20_times_at_once_casts_one_ballot(world):
    vote, codes = _prepared_vote(world, deputies=10, spares=0)
    outcomes = _burst(vote.pk, [(codes[0], "YYNA")] * 20, workers=20)
    assert outcomes.count("ok") == 1
    assert outcomes.count("already_cast") == 19
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    assert BallotCode.objects.filter(vote=vote, used=True).count() == 1


def test_300_codes_at_once_cast_300_ballots(world):
    vote, codes = _prepared_vote(world, deputies=300, spares=0)
    jobs = [(code, "YYN" + "AN"[i % 2]) for i, code in enumerate(codes)]
    # Every code also retried once, interleaved: retries must answer "already cast".
    jobs = jobs + jobs[:60]
    outcomes = _burst(vote.pk, jobs, workers=40)
    assert outcomes.count("ok") == 300
    assert outcomes.count("already_cast") == 60
    assert SealedBallot.objects.filter(vote=vote).count() == 300
    connection.close()


def test_closing_while_casting_loses_no_accepted_ballot(world):
    """Ballots accepted before the close are all in the box; none after it."""
    vote, codes = _prepared_vote(world, deputies=60, spares=0)
    staff = world.users["staff"]
    results = {}

    def close_soon():
        results["closed"] = services.vote_close(actor=staff, vote=vote)
        connections.close_all()

    closer = threading.Timer(0.05, close_soon)
    closer.start()
    outcomes = _burst(vote.pk, [(c, "YYNN") for c in codes], workers=20)
    closer.join()
    accepted = outcomes.count("ok")
    assert set(outcomes) <= {"ok", "not_open"}
    assert SealedBallot.objects.filter(vote=vote).count() == accepted
    vote.refresh_from_db()
    assert vote.codes_used == accepted
