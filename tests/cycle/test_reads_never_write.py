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
