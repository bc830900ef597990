"""Manual credits with an evidence file (a photo or a PDF, checked by content), reminders in
the deputies' notification list, and the station's QR poster."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from projects.models import IntakeLink, LiaisonStation
from stations import selectors, services
from stations.models import ManualCredit
from supervision.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def item(world):
    return services.duty_item_set(
        actor=world.users["staff"],
        township=world.township,
        code="volunteer",
        points=2,
        label="志愿服务",
    )


def _credit(world, item, upload):
    return services.manual_credit_record(
        actor=world.users["staff"],
        deputy=world.deputy,
        item=item,
        date=timezone.localdate(),
        evidence="参加防汛值守",
        evidence_file=upload,
    )


def test_a_photo_is_re_encoded_and_a_pdf_kept(world, item):
    photo = _credit(world, item, SimpleUploadedFile("a.png", _png(), "image/png"))
    assert photo.evidence_type == "image/jpeg" and photo.evidence_file.name.endswith(".jpg")
    pdf = _credit(world, item, SimpleUploadedFile("b.pdf", PDF, "application/pdf"))
    assert pdf.evidence_type == "application/pdf"
    assert pdf.evidence_file.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.docx", b"PK\x03\x04" + b"\0" * 100, "photo (JPEG, PNG or WebP) or a PDF"),
        ("evil.pdf", b"<script>alert(1)</script>", "photo (JPEG, PNG or WebP) or a PDF"),
        ("cut.pdf", b"%PDF-1.4\n" + b"x" * 5000, "damaged"),
        ("big.pdf", b"%PDF-1.4\n" + b"x" * (8 * 1024 * 1024) + b"%%EOF", "8 MB"),
    ],
)
def test_other_files_are_refused_and_nothing_is_credited(world, item, name, content, message):
    with translation.override("en"), pytest.raises(ValidationError, match=re.escape(message)):
        _credit(world, item, SimpleUploadedFile(name, content))
    assert not ManualCredit.objects.exists()


def test_a_photo_with_too_many_pixels_is_refused_before_decoding(world, item):
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, "PNG")  # 30 MP: over the PNG budget, tiny on disk
    # "30 megapixels … at most 24" (the sentence is translated; the figures are not).
    with pytest.raises(ValidationError, match=r"30\D+.*24"):
        _credit(world, item, SimpleUploadedFile("huge.png", out.getvalue()))


def test_the_evidence_shows_in_the_deputys_record_and_only_to_its_readers(world, item):
    credit = _credit(world, item, SimpleUploadedFile("b.pdf", PDF))
    page = world.client("deputy").get(reverse("stations:deputy_record", args=[world.deputy.pk]))
    assert 'data-testid="credit-evidence"' in page.content.decode()
    url = reverse("stations:credit_evidence", args=[credit.pk])
    answer = world.client("deputy").get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content) == PDF
    assert world.client("group_member").get(url).status_code == 404
    assert world.client("staff_other").get(url).status_code == 404


def test_the_credit_form_takes_the_file(world, item):
    client = world.client("staff")
    response = client.post(
        reverse("stations:credit_create", args=[world.township.pk]),
        {
            "deputy": world.deputy.pk,
            "item": item.pk,
            "date": timezone.localdate().isoformat(),
            "evidence": "参加防汛值守",
            "evidence_file": SimpleUploadedFile("notes.txt", b"just text"),
        },
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not ManualCredit.objects.exists()
    response = client.post(
        reverse("stations:credit_create", args=[world.township.pk]),
        {
            "deputy": world.deputy.pk,
            "item": item.pk,
            "date": timezone.localdate().isoformat(),
            "evidence": "参加防汛值守",
            "evidence_file": SimpleUploadedFile("photo.png", _png()),
        },
    )
    assert response.status_code == 302
    record = selectors.duty_record(
        world.deputy, year=timezone.localdate().year, as_of=timezone.localdate()
    )
    assert record.manual_points == 2


@pytest.fixture
def station(world):
    station = LiaisonStation.objects.create(
        township=world.township, name="东河村联络站", address="东河村委会一楼"
    )
    services.station_profile_set(
        actor=world.users["staff"],
        station=station,
        level="village",
        online=False,
        opening_hours="每月第一个周一 9:00–11:30",
        deputies=[world.deputy, world.member_deputy],
    )
    return station


def test_the_deputies_on_duty_find_the_reminder_in_their_notifications(world, station):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    (day,) = services.calendar_plan(
        actor=world.users["staff"],
        station=station,
        dates=[tomorrow],
        start=datetime.time(9),
        end=datetime.time(11),
        per_day=2,
    )
    services.calendar_publish(actor=world.users["staff"], station=station, year=tomorrow.year)
    assert services.reminders_send() == 2
    assert services.reminders_send() == 0
    assert Notification.objects.filter(user=world.users["deputy"]).count() == 1
    page = world.client("deputy").get(reverse("supervision:notifications"))
    assert "东河村联络站" in page.content.decode()
    assert reverse("stations:my") in page.content.decode()
    # Not for anyone else.
    assert not Notification.objects.filter(user=world.users["staff"]).exists()


def test_the_poster_is_a_pdf_for_staff_and_the_page_leads_to_the_intake(world, station):
    IntakeLink.objects.create(token="STA1", township=world.township, station=station)
    answer = world.client("staff").get(reverse("stations:station_poster", args=[station.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert (
        world.client("reviewer")
        .get(reverse("stations:station_poster", args=[station.pk]))
        .status_code
        == 403
    )
    public = world.client("anonymous").get(reverse("stations:station_public", args=[station.pk]))
    assert reverse("projects:intake", args=["STA1"]) in public.content.decode()
