"""supervision.services.inspections: what it writes, what it audits, what it refuses."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

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


def test_photo_is_resized_stripped_and_keeps_gps_only_when_asked(world, plan, confirmed):
    project = confirmed[0].project
    deputy_user = world.users["deputy"]
    kept = services.inspection_record(
        actor=deputy_user,
        project=project,
        date=TODAY(),
        attendees=[world.deputy],
        notes="现场查看",
        photos=[jpeg()],
        keep_location=True,
    )
    dropped = services.inspection_record(
        actor=deputy_user,
        project=project,
        date=TODAY(),
        attendees=[world.deputy],
        notes="再次查看",
        photos=[jpeg()],
    )
    for inspection, has_gps in ((kept, True), (dropped, False)):
        photo = inspection.photos.get()
        with photo.file.open("rb") as fh, Image.open(fh) as img:
            assert max(img.size) <= 1600
            exif = img.getexif()
            assert 0x010F not in exif
            assert bool(exif.get_ifd(0x8825)) is has_gps
        assert photo.has_location is has_gps


def test_photo_checked_by_content_not_extension(world, plan, confirmed):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=world.users["deputy"],
            project=confirmed[0].project,
            date=TODAY(),
            attendees=[world.deputy],
            notes="x",
            photos=[fake],
        )


def test_inspection_refusals(world, plan, confirmed):
    project = confirmed[1].project  # the world's deputy is not a member here
    for role in ("deputy", "government", "reviewer", "staff_other"):
        with pytest.raises(PermissionDenied):
            services.inspection_record(
                actor=world.users[role],
                project=project,
                date=TODAY(),
                attendees=[],
                notes="x",
            )
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=world.users["deputy"],
            project=confirmed[0].project,
            date=TODAY() + datetime.timedelta(days=1),
            attendees=[world.deputy],
            notes="x",
        )
