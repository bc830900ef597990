"""Recording an inspection and a progress report through /api/v1/, with photos, as on the
pages: the same forms (limits, photo budget) and services; refused callers get 403 before
the body is read."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

import tests.permission_table  # noqa: F401 - loads tests.permissions.* in order
from supervision.models import Inspection, LedgerItem, Photo
from tests.permissions.supervision import _objects, _today

pytestmark = pytest.mark.django_db


def _jpeg(size=(1200, 900)):
    out = io.BytesIO()
    Image.new("RGB", size, (80, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_group_records_an_inspection_with_a_photo_and_a_problem(world):
    project = _objects(world)["project"]
    member = _objects(world)["group"].members.first().deputy_id
    response = world.client("group_member").post(
        reverse("api:supervised-project-inspections", args=[project.pk]),
        {
            "date": _today().isoformat(),
            "attendees": [member],
            "notes": "路灯已安装一半",
            "problems": "两盏灯不亮\n线路裸露",
            "photos": [_jpeg()],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.photos.count() == 1
    assert LedgerItem.objects.filter(pk__in=body["items"]).count() == 2


def test_an_oversized_photo_is_refused_and_nothing_is_written(world):
    project = _objects(world)["project"]
    member = _objects(world)["group"].members.first().deputy_id
    out = io.BytesIO()
    Image.new("1", (7000, 7000)).save(out, "PNG")
    before = (Inspection.objects.count(), Photo.objects.count())
    response = world.client("group_member").post(
        reverse("api:supervised-project-inspections", args=[project.pk]),
        {
            "date": _today().isoformat(),
            "attendees": [member],
            "notes": "现场",
            "photos": [SimpleUploadedFile("big.png", out.getvalue(), content_type="image/png")],
        },
    )
    assert response.status_code == 400
    assert "photos" in response.json()
    assert (Inspection.objects.count(), Photo.objects.count()) == before


def test_a_reviewer_is_refused_before_the_body_is_read(world):
    project = _objects(world)["project"]
    response = world.client("reviewer").post(
        reverse("api:supervised-project-inspections", args=[project.pk]),
        data=json.dumps({"nonsense": True}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_evidence_is_the_pages_figures(world):
    project = _objects(world)["project"]
    body = (
        world.client("reviewer")
        .get(reverse("api:supervised-project-evidence", args=[project.pk]))
        .json()
    )
    assert "percent_complete" in body or "milestones_total" in body
