"""The JSON API of stages 1–2."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from projects.models import Suggestion

from . import factories as f

pytestmark = pytest.mark.django_db


def test_public_create_and_lookup_by_receipt_code(world):
    link = f.deputy_link(world)
    client = APIClient()
    response = client.post(
        reverse("api:public-suggestion-list"),
        {
            "intake": link.token,
            "title": "村里道路安装路灯",
            "content": "晚上太黑",
            "proposer_phone": "13900000000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    code = response.json()["receipt_code"]
    lookup = client.get(reverse("api:receipt-detail", args=[code]))
    assert lookup.status_code == 200
    body = lookup.json()
    assert body["title"] == "村里道路安装路灯" and body["status"] == "received"
    assert "13900000000" not in lookup.content.decode()


def test_public_create_with_an_unknown_qr_code_is_400(world):
    response = APIClient().post(
        reverse("api:public-suggestion-list"),
        {"intake": "NOPE", "title": "x", "content": "y"},
        format="json",
    )
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_unknown_receipt_is_404(world):
    assert APIClient().get(reverse("api:receipt-detail", args=["0000-0000-000"])).status_code == 404


def test_staff_merge_and_see_the_project(world):
    a = f.suggestion(world, title="修建村道路灯")
    b = f.suggestion(world, title="村里道路安装路灯")
    client = APIClient()
    client.force_authenticate(world.users["staff"])
    response = client.post(
        reverse("api:suggestion-merge", args=[a.pk]), {"also": [b.pk]}, format="json"
    )
    assert response.status_code == 200
    project_id = response.json()["id"]
    assert set(Suggestion.objects.values_list("project_id", flat=True)) == {project_id}
    again = client.post(reverse("api:suggestion-merge", args=[a.pk]), {}, format="json")
    assert again.status_code == 400


def test_staff_list_is_scoped(world):
    f.suggestion(world)
    client = APIClient()
    client.force_authenticate(world.users["staff_other"])
    assert client.get(reverse("api:suggestion-list")).json()["count"] == 0
    client.force_authenticate(world.users["staff"])
    assert client.get(reverse("api:suggestion-list")).json()["count"] == 1


def test_lock_refusal_is_a_400_with_the_reason(world):
    plan, projects = f.plan_with_projects(world, n=3, slots=3)
    f.advance_all(world, plan, projects)
    client = APIClient()
    client.force_authenticate(world.users["staff"])
    response = client.post(reverse("api:candidate-list-lock", args=[plan.candidate_list.pk]))
    assert response.status_code == 400
    assert "3" in str(response.json())
    detail = client.get(reverse("api:candidate-list-detail", args=[plan.candidate_list.pk]))
    assert [c["title"] for c in detail.json()["candidates"]] == [p.title for p in projects]
