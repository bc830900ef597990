"""A county congress's .xlsx import of offline suggestions (issue 17): the county's staff
import a file into the county's intake, naming villages of any of the county's townships
("<township><village>", or the bare name where it is the county's only one) and the county's
deputies; an ambiguous village or an unknown deputy is reported with row and column and
nothing is written. Township roles never reach the county's import."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congress.audit import AuditAction
from congress.models import AuditEvent, Role
from projects import services, xlsx
from projects.models import Suggestion
from tests.factories import DeputyFactory, VillageFactory, user_with_county_role

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def twin_village(world):
    """柳河乡 has a 东河村 too: the bare name 东河村 no longer tells which one."""
    return VillageFactory(township=world.township_other, name="东河村")


def _workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([h for _k, h in xlsx.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(**values):
    keys = [k for k, _h in xlsx.COLUMNS]
    base = {"title": "县道拓宽", "content": "县道太窄，会车困难", "channel": "村民会议"}
    base.update(values)
    return [base.get(k, "") for k in keys]


def _client(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _import_url(world):
    return reverse("projects:county_suggestion_import", args=[world.county.pk])


def test_a_good_county_file_lands_every_suggestion_in_the_county(
    world, county_staff, county_deputy, twin_village
):
    data = _workbook(
        [
            _row(village="青石镇东河村", deputy="县代表周", estimated_investment=800),
            _row(title="柳河村桥梁加固", village="柳河乡 / 东河村", channel="来信"),
            _row(title="柳河村文化广场", village="柳河村"),  # the county's only 柳河村
            _row(title="县城公交延伸", village="青石镇 东河村"),
        ]
    )
    created = services.suggestion_import(actor=county_staff, county=world.county, data=data)
    assert len(created) == 4
    rows = {s.title: s for s in Suggestion.objects.all()}
    assert all(s.county == world.county and s.township is None for s in rows.values())
    first = rows["县道拓宽"]
    assert first.village == world.village and first.deputy == county_deputy
    assert first.entered_by == county_staff and first.receipt_code
    assert rows["柳河村桥梁加固"].village == twin_village
    assert rows["柳河村桥梁加固"].channel == "letter"
    assert rows["柳河村文化广场"].village.township == world.township_other
    assert rows["县城公交延伸"].village == world.village
    event = AuditEvent.objects.get(action=AuditAction.SUGGESTION_IMPORT)
    assert event.county == world.county and event.township is None
    assert event.after == {"created": 4}


def test_an_ambiguous_village_and_an_unknown_deputy_are_reported_and_nothing_is_written(
    world, county_staff, county_deputy, twin_village
):
    # 王建国 is a township deputy of 青石镇, not a county deputy: the county's file cannot
    # name him as the receiving deputy.
    data = _workbook(
        [
            _row(village="青石镇东河村", deputy="县代表周"),
            _row(title="修桥", village="东河村", deputy="王建国"),
            _row(title="修渠", village="火星村"),
        ]
    )
    response = _client(county_staff).post(
        _import_url(world), {"file": SimpleUploadedFile("s.xlsx", data)}
    )
    assert response.status_code == 400
    errors = {(e.row, e.column, e.header): e.message for e in response.context["errors"]}
    assert errors == {
        (3, "D", "村（社区）"): "Several villages of the county have this name: write the "
        "township too, e.g. 青石镇东河村.",
        (3, "G", "接收代表"): "No county deputy in office of this name in the county.",
        (4, "D", "村（社区）"): "No village of this name in the county.",
    }
    text = response.content.decode()
    assert "Several villages of the county have this name" in text
    assert "No village of this name in the county." in text
    assert not Suggestion.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.SUGGESTION_IMPORT).exists()


def test_a_deputy_out_of_office_is_not_a_receiving_deputy(world, county_staff, county_deputy):
    county_deputy.in_office = False
    county_deputy.save(update_fields=["in_office"])
    data = _workbook([_row(deputy="县代表周")])
    with pytest.raises(services.SuggestionImportError) as exc:
        services.suggestion_import(actor=county_staff, county=world.county, data=data)
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "G")]


def test_county_staff_import_through_the_page(world, county_staff, county_deputy):
    client = _client(county_staff)
    listing = client.get(reverse("projects:county_suggestion_list", args=[world.county.pk]))
    assert _import_url(world) in listing.content.decode()
    page = client.get(_import_url(world))
    assert page.status_code == 200
    template_url = reverse("projects:county_suggestion_template", args=[world.county.pk])
    assert template_url in page.content.decode()
    upload = SimpleUploadedFile("s.xlsx", _workbook([_row(village="柳河村")]))
    response = client.post(_import_url(world), {"file": upload})
    assert response.status_code == 302
    assert response.url == reverse("projects:county_suggestion_list", args=[world.county.pk])
    assert Suggestion.objects.get().county == world.county


def test_the_county_template_names_a_village_with_its_township(world, county_staff):
    response = _client(county_staff).get(
        reverse("projects:county_suggestion_template", args=[world.county.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    example = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert example["村（社区）"] == "青石镇东河村"


def test_township_staff_and_the_reviewer_cannot_import_into_the_county(world, county_deputy):
    data = _workbook([_row()])
    for role, status in (("staff", 404), ("staff_other", 404), ("reviewer", 403)):
        client = world.client(role)
        upload = SimpleUploadedFile("s.xlsx", data)
        assert client.post(_import_url(world), {"file": upload}).status_code == status, role
        template = reverse("projects:county_suggestion_template", args=[world.county.pk])
        assert client.get(template).status_code == status, role
    with pytest.raises(PermissionDenied):
        services.suggestion_import(actor=world.users["staff"], county=world.county, data=data)
    with pytest.raises(PermissionDenied):
        services.suggestion_import(actor=world.users["reviewer"], county=world.county, data=data)
    assert not Suggestion.objects.exists()


def test_county_staff_cannot_import_into_a_township(world, county_staff):
    upload = SimpleUploadedFile("s.xlsx", _workbook([_row()]))
    url = reverse("projects:suggestion_import", args=[world.township.pk])
    assert _client(county_staff).post(url, {"file": upload}).status_code == 404
    assert not Suggestion.objects.exists()


def test_the_township_page_links_the_township_import(world):
    listing = world.client("staff").get(
        reverse("projects:suggestion_list", args=[world.township.pk])
    )
    assert reverse("projects:suggestion_import", args=[world.township.pk]) in (
        listing.content.decode()
    )
