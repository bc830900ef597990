"""Lists keep a flat number of queries however many rows they show."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import DeputyFactory


def count_queries(client, url) -> int:
    client.get(url)  # warm-up: first visits create per-township defaults (the rule set)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_roster_list_queries_do_not_grow_with_deputies(world):
    client = world.client("staff")
    url = reverse("congress:deputy_list", args=[world.township.pk])
    few = count_queries(client, url)
    DeputyFactory.create_batch(20, township=world.township, home_village=world.village)
    assert count_queries(client, url) == few


def test_session_page_queries_do_not_grow_with_the_roll(world):
    from congress import services

    client = world.client("staff")
    services.session_open_roll(actor=world.users["staff"], session=world.session)
    url = reverse("congress:session_detail", args=[world.session.pk])
    few = count_queries(client, url)
    DeputyFactory.create_batch(20, township=world.township, home_village=world.village)
    services.session_open_roll(actor=world.users["staff"], session=world.session)
    assert count_queries(client, url) == few


def test_api_deputy_list_queries_are_flat(world):
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    def fresh_client():
        # A fresh user object per request, as in production (the scope is cached per object).
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username="rev_a"))
        return client

    url = reverse("api:deputy-list")
    with CaptureQueriesContext(connection) as few:
        fresh_client().get(url)
    DeputyFactory.create_batch(20, township=world.township)
    with CaptureQueriesContext(connection) as many:
        fresh_client().get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
