"""Reads never write: opening a plan's pages (GET) creates no candidate list; the list is
created by the service that first puts a candidate on it."""

import pytest
from django.urls import reverse

from projects.models import AnnualPlan, CandidateList

pytestmark = pytest.mark.django_db


def test_plan_pages_create_nothing_on_get(world):
    plan = AnnualPlan.objects.create(township=world.township, year=2027, slots=3)
    client = world.client("staff")
    for url in (
        reverse("projects:plan_detail", args=[plan.pk]),
        reverse("projects:candidate_list", args=[plan.pk]),
        reverse("projects:candidate_pdf", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert not CandidateList.objects.filter(plan=plan).exists()


def test_locking_an_empty_plan_is_refused_with_the_rule(world):
    plan = AnnualPlan.objects.create(township=world.township, year=2027, slots=3)
    client = world.client("staff")
    response = client.post(reverse("projects:candidate_list", args=[plan.pk]), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])  # the lock's own refusal, as a message
    assert not CandidateList.objects.filter(plan=plan).exists()


WRITE = ("INSERT", "UPDATE", "DELETE")


def _get_rows():
    from tests.permission_table import LOGIN, ROWS

    for row in ROWS:
        if row.method != "get":
            continue
        for role in (
            "staff",
            "teller",
            "scrutineer",
            "government",
            "group_member",
            "reviewer",
            "anonymous",
        ):
            outcome = row.expected[role]
            if outcome != LOGIN and isinstance(outcome, int) and outcome < 400:
                yield pytest.param(row, role, id=f"{row.name}-{role}")
                break


@pytest.mark.parametrize("row,role", list(_get_rows()))
def test_no_page_or_api_read_writes_a_row(world, row, role):
    """Every GET in the permission table, as a role it lets in, sends no INSERT, UPDATE or
    DELETE to the database (the session table aside: Django keeps sessions there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congress.models import Attendance

    world.attendance = Attendance.objects.get_or_create(session=world.session, deputy=world.deputy)[
        0
    ]
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    client = world.client(role)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    writes = [
        q["sql"][:120]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITE) and "django_session" not in q["sql"]
    ]
    assert writes == [], f"GET {row.name} as {role} wrote: {writes}"
