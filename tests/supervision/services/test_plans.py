"""supervision.services.plans: what it writes, what it audits, what it refuses."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from projects.models import ProjectStatus
from supervision import services

TODAY = timezone.localdate


def jpeg(size=(2400, 1800), gps=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: must be stripped
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def test_implementation_plan_ensure_is_idempotent(world, plan):
    project = plan.candidate_list.candidates.first().project
    first = services.implementation_plan_ensure(actor=world.users["staff"], project=project)
    again = services.implementation_plan_ensure(actor=None, project=project)
    assert first.pk == again.pk and again.milestones.count() == 6
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING
    assert first.budget == Decimal("100")
