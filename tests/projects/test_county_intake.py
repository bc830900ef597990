"""A county congress's QR intake (issue 17): the county's staff make its QR codes — a general
link, one per county deputy, one per county-level liaison station — and a resident scanning
one files a suggestion into the county's intake, with the right channel and station, and
follows it with the receipt code. Township roles never reach the county's QR page."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from congress.models import Role
from projects import services
from projects.models import IntakeLink, LiaisonStation, Suggestion
from tests.factories import DeputyFactory, user_with_county_role

STATION = "青山县人大代表联络总站"


@pytest.fixture
def county_staff(world):
    return user_with_county_role(Role.STAFF, county=world.county, username="staff_qs")


@pytest.fixture
def county_deputy(world):
    return DeputyFactory(
        township=world.township_other,
        name="县代表周",
        is_county_deputy=True,
        is_township_deputy=False,
    )


def _client(user, language="zh-hans"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _page(county):
    return reverse("projects:county_intake_codes", args=[county.pk])


def _add_station(world, county_staff):
    """County staff add the county-level station on the county's QR page."""
    response = _client(county_staff).post(
        _page(world.county),
        {
            "action": "station",
            "name": STATION,
            "site": world.township.pk,
            "address": "县城人民路1号",
        },
    )
    assert response.status_code == 302
    return LiaisonStation.objects.get(name=STATION)


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_a_resident_files_through_a_county_station_link_into_the_county(world, county_staff):
    station = _add_station(world, county_staff)
    link = station.intake_link
    assert link.county == world.county and link.township is None
    resident = Client()
    resident.cookies["django_language"] = "en"
    form = resident.get(reverse("projects:intake", args=[link.token]))
    assert form.status_code == 200
    text = form.content.decode()
    # The recipient is the county congress and its station, not the township it sits in.
    assert "青山县 people&#x27;s congress" in text or "青山县 people's congress" in text
    assert STATION in text
    response = resident.post(
        reverse("projects:intake", args=[link.token]),
        {
            "title": "县城至青石镇公路拓宽",
            "content": "道路狭窄，会车困难",
            "village": world.village.pk,
        },
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get(title="县城至青石镇公路拓宽")
    assert suggestion.county == world.county and suggestion.township is None
    assert suggestion.channel == "station" and suggestion.station == station
    assert suggestion.deputy is None
    # The receipt code shows the suggestion and the county receiving it.
    receipt = resident.get(response["Location"])
    assert receipt.status_code == 200
    assert "县城至青石镇公路拓宽" in receipt.content.decode()
    assert "青山县" in receipt.content.decode()
    lookup = resident.get(reverse("projects:receipt_detail", args=[suggestion.receipt_display]))
    assert lookup.status_code == 200
    # It is in the county's triage list, and not in the township's.
    county_list = _client(county_staff).get(
        reverse("projects:county_suggestion_list", args=[world.county.pk])
    )
    assert "县城至青石镇公路拓宽" in county_list.content.decode()
    township_list = world.client("staff").get(
        reverse("projects:suggestion_list", args=[world.township.pk])
    )
    assert "县城至青石镇公路拓宽" not in township_list.content.decode()


def test_the_county_page_lists_its_general_deputy_and_station_links(
    world, county_staff, county_deputy
):
    _add_station(world, county_staff)
    client = _client(county_staff, "en")
    page = client.get(_page(world.county)).content.decode()
    assert "Create the QR code of 1 county deputy" in page
    assert client.post(_page(world.county), {"action": "generate"}).status_code == 302
    links = IntakeLink.objects.filter(county=world.county)
    assert links.count() == 3  # the general link, the county deputy's, the station's
    general = links.get(deputy=None, station=None)
    page = client.get(_page(world.county)).content.decode()
    for link in links:
        assert link.get_absolute_url() in page
    assert STATION in page and county_deputy.name in page and "general code" in page
    # Making them again makes nothing more (idempotent).
    assert services.intake_links_ensure(actor=county_staff, county=world.county) == 0
    # The township's page lists none of the county's links, and the county's none of its.
    services.intake_links_ensure(actor=world.users["staff"], township=world.township)
    township_page = world.client("staff").get(
        reverse("projects:intake_codes", args=[world.township.pk])
    )
    assert STATION not in township_page.content.decode()
    assert general.token not in township_page.content.decode()
    assert world.deputy.name not in client.get(_page(world.county)).content.decode()


def test_the_general_and_deputy_links_file_with_their_channel(world, county_staff, county_deputy):
    services.intake_links_ensure(actor=county_staff, county=world.county)
    general = IntakeLink.objects.get(county=world.county, deputy=None, station=None)
    by_deputy = IntakeLink.objects.get(county=world.county, deputy=county_deputy)
    fields = {"title": "县医院扩建", "content": "床位不够"}
    first = services.suggestion_submit_public(link=general, **fields)
    second = services.suggestion_submit_public(link=by_deputy, **fields)
    assert first.county == world.county and first.channel == "online" and first.deputy is None
    assert second.county == world.county and second.channel == "deputy_qr"
    assert second.deputy == county_deputy
    # A county deputy keeps their township link beside the county one.
    services.intake_links_ensure(actor=world.users["staff_other"], township=world.township_other)
    assert county_deputy.intake_links.count() == 2


def test_refusals(world, county_staff):
    url = _page(world.county)
    sheet = reverse("projects:county_intake_sheet", args=[world.county.pk])
    for role in ("staff", "staff_other", "teller", "deputy"):
        client = world.client(role)
        assert client.get(url).status_code == 404, role
        assert client.get(sheet).status_code == 404, role
        assert client.post(url, {"action": "generate"}).status_code == 404, role
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    # The county's own teller reads its congress, not its QR codes.
    county_teller = user_with_county_role(Role.TELLER, county=world.county, username="tel_qs")
    assert _client(county_teller).get(url).status_code == 403
    # Staff of another county: not found.
    other = user_with_county_role(Role.STAFF, county=world.county_other, username="staff_bs")
    assert _client(other).get(url).status_code == 404
    # The county's reviewer reads the page (no forms) but makes nothing.
    reviewer = world.client("reviewer")
    page = reviewer.get(url)
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    assert reviewer.post(url, {"action": "generate"}).status_code == 403
    assert not IntakeLink.objects.filter(county=world.county).exists()
    # The services refuse a township's staff too.
    with pytest.raises(PermissionDenied):
        services.intake_links_ensure(actor=world.users["staff"], county=world.county)


def test_a_county_station_sits_in_one_of_the_county_townships(world, county_staff):
    with pytest.raises(ValidationError):
        services.station_create(
            actor=county_staff, county=world.county, name="外县站", site=world.township_far
        )
    response = _client(county_staff).post(
        _page(world.county), {"action": "station", "name": "外县站", "site": world.township_far.pk}
    )
    assert response.status_code == 200  # the form answers with the error
    assert not LiaisonStation.objects.filter(name="外县站").exists()


def test_a_link_belongs_to_one_body_and_only_a_county_has_a_general_link(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeLink.objects.create(
            token="BOTH1", township=world.township, county=world.county, deputy=world.deputy
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeLink.objects.create(token="TWNGEN1", township=world.township)
    IntakeLink.objects.create(token="CNTGEN1", county=world.county)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntakeLink.objects.create(token="CNTGEN2", county=world.county)


def test_the_qr_sheet_is_a_pdf_with_the_county_name(world, county_staff, county_deputy):
    _add_station(world, county_staff)
    services.intake_links_ensure(actor=county_staff, county=world.county)
    response = _client(county_staff).get(
        reverse("projects:county_intake_sheet", args=[world.county.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "青山县人民代表大会" in text
    assert STATION in text and county_deputy.name in text
    assert "县人大代表" in text
    # A county link's poster: the county's staff print it, township staff never see it.
    token = LiaisonStation.objects.get(name=STATION).intake_link.token
    poster_url = reverse("projects:intake_poster", args=[token])
    poster = _client(county_staff).get(poster_url)
    assert poster.status_code == 200 and "青山县人民代表大会" in _pdf_text(poster.content)
    assert world.client("staff").get(poster_url).status_code == 404


def test_the_county_projects_tabs_link_its_qr_codes_page(world, county_staff):
    """County staff reach the QR page from the county's suggestions tab, not by URL only."""
    page = _client(county_staff, "en").get(
        reverse("projects:county_suggestion_list", args=[world.county.pk])
    )
    assert page.status_code == 200
    assert f'href="{_page(world.county)}"' in page.content.decode()
