"""supervision.services.reports: what it writes, what it audits, what it refuses."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from supervision import selectors, services

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


def test_progress_report_flags_overrun_and_slip(world, plan, confirmed):
    project = confirmed[0].project
    gov = world.users["government"]
    report = services.progress_report_submit(
        actor=gov,
        project=project,
        period="2027-Q2",
        reported_on=TODAY(),
        invested=Decimal("120.5"),
        percent_complete=60,
        milestone="start",
        status="delayed",
        expected_completion=datetime.date(2028, 1, 30),
        narrative="路基施工",
        photos=[jpeg()],
    )
    assert report.over_budget and report.slip_days == 30
    assert report.photos.count() == 1
    ev = selectors.project_evidence(project)
    assert ev["over_budget"] and ev["slipped"] and ev["invested"] == Decimal("120.5")
    assert ev["milestones_done"] == 1 and ev["milestones_total"] == 6
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            actor=gov,
            project=project,
            period="2027-Q2",
            invested=Decimal("1"),
            percent_complete=1,
            status="on_track",
        )
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(
            actor=world.users["deputy"],
            project=project,
            period="2027-Q3",
            invested=Decimal("1"),
            percent_complete=1,
            status="on_track",
        )
