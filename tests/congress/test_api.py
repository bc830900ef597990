"""The JSON API is scoped exactly like the pages."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Attendance


def api(world, role):
    client = APIClient()
    user = world.users[role]
    if user is not None:
        client.force_authenticate(user)
    return client


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_deputies_are_scoped_and_phone_is_staff_only(world):
    staff = api(world, "staff").get(reverse("api:deputy-list")).json()["results"]
    assert {d["township"] for d in staff} == {world.township.pk}
    assert all(d["phone"] for d in staff)
    reviewer = api(world, "reviewer").get(reverse("api:deputy-list")).json()["results"]
    assert {d["township"] for d in reviewer} == {world.township.pk, world.township_other.pk}
    assert all(d["phone"] is None for d in reviewer)
    assert api(world, "reviewer_other").get(reverse("api:deputy-list")).json()["results"] == []


def test_townships_filtered_by_scope(world):
    assert ids(api(world, "staff").get(reverse("api:township-list"))) == {world.township.pk}
    assert ids(api(world, "reviewer").get(reverse("api:township-list"))) == {
        world.township.pk,
        world.township_other.pk,
    }
    assert ids(api(world, "reviewer_other").get(reverse("api:township-list"))) == {
        world.township_far.pk
    }


def test_token_authentication_works(world):
    token = Token.objects.create(user=world.users["staff"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("api:session-list")).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(reverse("api:session-list")).status_code == 401


def test_staff_set_attendance_with_patch_and_reviewer_cannot(world):
    row = Attendance.objects.create(session=world.session, deputy=world.deputy)
    url = reverse("api:attendance-detail", args=[row.pk])
    response = api(world, "staff").patch(url, {"status": "present"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "present"
    response = api(world, "reviewer").patch(url, {"status": "absent"}, format="json")
    assert response.status_code == 403
    response = api(world, "staff").patch(url, {"status": "flying"}, format="json")
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.status == "present"


def test_schema_is_served_and_lists_the_endpoints(world):
    response = APIClient().get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = (
        response.json()["paths"] if response["Content-Type"].startswith("application/json") else {}
    )
    if not paths:
        import yaml  # pragma: no cover - drf-spectacular installs PyYAML

        paths = yaml.safe_load(response.content)["paths"]
    assert "/api/v1/deputies/" in paths and "/api/v1/attendance/{id}/" in paths
