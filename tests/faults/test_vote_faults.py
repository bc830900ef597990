"""Fault drills with real processes: the vote keeps working with Redis stopped, and a
PostgreSQL restart during an open vote loses no accepted ballot and casts none twice when
clients retry."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connections
from django.test import Client, override_settings
from django.urls import reverse

from livelihood import devservers
from voting import services
from voting.models import BallotCode, SealedBallot

from ..voting.ceremony import post_slips, print_key_slips
from ..voting.conftest import check_in, make_candidate_list

REDIS_PORT = 6397


def _open_vote(world, *, deputies, present):
    staff = world.users["staff"]
    check_in(world, present, total=deputies)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=present, paper_issued=0)
    print_key_slips(staff, vote)  # 密钥分片: the key holders keep their slips until the count
    return vote, codes


@pytest.mark.django_db(transaction=True)
def test_a_whole_vote_runs_with_redis_stopped(world):
    url = devservers.redis_url("redis-fault", REDIS_PORT)
    cache_url = url.rsplit("/", 1)[0] + "/1"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=caches, CELERY_BROKER_URL=url):
        from django.core.cache import cache

        cache.set("probe", 1)
        assert cache.get("probe") == 1  # Redis really was there...
        devservers.redis_stop(REDIS_PORT)
        time.sleep(0.2)
        with pytest.raises(Exception):  # noqa: B017 - ...and really is gone now
            cache.get("probe")

        staff = Client()
        login = staff.post(reverse("login"), {"username": "staff_a", "password": "pw-12345678"})
        assert login.status_code == 302
        assert staff.get(reverse("home")).status_code == 200
        vote, codes = _open_vote(world, deputies=10, present=9)
        console = reverse("voting:console", args=[vote.pk])
        assert staff.get(console).status_code == 200
        staff.post(reverse("voting:action", args=[vote.pk, "open"]))
        for code in codes[:9]:
            deputy = Client()
            response = deputy.post(
                reverse("voting:ballot_cast"), {"vote": vote.pk, "code": code, "choices": "YYNA"}
            )
            assert response.status_code == 200
        staff.post(reverse("voting:action", args=[vote.pk, "close"]))
        post_slips(staff, vote)  # 开箱计票: k slips presented on the count page, then counted
        results = staff.get(reverse("voting:results", args=[vote.pk]))
        assert results.status_code == 200
        assert results.context["result"].returned == 9


def _post_json(url, payload, timeout=5):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


@pytest.mark.django_db(transaction=True)
def test_postgres_restart_during_an_open_vote(world, live_server, settings):
    """40 deputies cast through the API while PostgreSQL is restarted under them; every
    client retries until it gets 201 (cast) or 409 (already cast). Afterwards the box holds
    exactly one ballot per code: nothing accepted was lost, nothing was cast twice."""
    vote, codes = _open_vote(world, deputies=40, present=40)
    services.vote_open(actor=world.users["staff"], vote=vote)
    connections.close_all()
    url = live_server.url + reverse("api:cast-list")
    outcomes: dict[str, list[int]] = {}
    restarted = threading.Event()

    def deputy(code, index):
        answers = outcomes.setdefault(code, [])
        time.sleep(index * 0.02)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = _post_json(url, {"vote": vote.pk, "code": code, "choices": "YYNA"})
            answers.append(status)
            if status in (201, 409):
                return
            time.sleep(0.3)  # 503 or no answer while the database restarts: retry

    def restart_postgres():
        time.sleep(0.3)
        server = devservers._pgserver().get_server(
            devservers.VAR_DIR / "pg-test", cleanup_mode=None
        )
        server.stop()
        time.sleep(0.5)
        server.start()
        restarted.set()

    settings_db = settings.DATABASES["default"]
    if "pg-test" not in str(settings_db.get("HOST", "")):
        pytest.skip("restarts only the embedded test PostgreSQL, not a DATABASE_URL server")
    threads = [threading.Thread(target=deputy, args=(c, i)) for i, c in enumerate(codes)]
    restarter = threading.Thread(target=restart_postgres)
    for t in threads:
        t.start()
    restarter.start()
    for t in threads + [restarter]:
        t.join(timeout=90)
    assert restarted.is_set()
    connections.close_all()
    assert all(answers[-1] in (201, 409) for answers in outcomes.values()), outcomes
    assert not any(500 in answers for answers in outcomes.values())  # 503s, never 500s
    # Exactly one ballot per code, every code used, whatever the clients saw.
    assert SealedBallot.objects.filter(vote=vote).count() == len(codes)
    assert BallotCode.objects.filter(vote=vote, used=True).count() == len(codes)
    disrupted = sum(1 for answers in outcomes.values() if answers[0] not in (201, 409))
    print(f"clients that met the outage and retried: {disrupted} of {len(codes)}")
    assert disrupted > 0, "the restart happened when no request was in flight"
