"""Deputies' inspections (视察) of a county congress's elected project, organised by the
special committee or office following it (issue 17): the county's staff record one (date,
organising committee, county deputies attending, notes, photos, problems found → the county's
hand-over ledger); the county's readers see the list; township roles never reach it."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from congress.audit import AuditAction
from congress.models import AuditEvent, Prefecture, Role
from projects import services as project_services
from supervision import selectors, services
from supervision.models import Inspection, ItemSource, LedgerItem, SupervisionUnit
from tests.factories import DeputyFactory, user_with_county_role
from tests.factories.congress import CountyTermFactory, DelegationFactory

pytestmark = pytest.mark.django_db


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (80, 120, 60)).save(out, "JPEG")
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def client(client):
    """Pages in English: the assertions read the English text (the Chinese catalogue is
    filled separately)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def county_staff(world):
    return user_with_county_role(Role.STAFF, county=world.county, username="staff_qs")


@pytest.fixture
def project(world, county_staff):
    """An elected project of county A's congress, followed by 城建环资委 (its 督办 leader
    named through the service)."""
    project = project_services.project_create(
        actor=county_staff,
        county=world.county,
        title="县城污水管网改造",
        content="管网",
        estimated_investment=3000,
        implementing_body="县住建局",
        deadline=datetime.date(2027, 12, 31),
    )
    for status in ("shortlisting", "candidate", "elected"):
        project_services.project_set_status(
            actor=county_staff, project=project, status=status, note="test"
        )
    unit = services.county_unit_save(
        actor=county_staff, county=world.county, name="城建环资委", position=1
    )
    services.oversight_set(actor=county_staff, project=project, leader_name="王副主任", unit=unit)
    return project


@pytest.fixture
def unit(project):
    return project.oversight.unit


@pytest.fixture
def delegations(world):
    """County A's 17th county congress with two delegations of three county deputies each
    (青石镇 and 柳河乡)."""
    term = CountyTermFactory(county=world.county)
    return [
        DelegationFactory(term=term, name="青石镇代表团", township=world.township),
        DelegationFactory(term=term, name="柳河乡代表团", township=world.township_other),
    ]


@pytest.fixture
def county_deputies(delegations):
    return [m.deputy for d in delegations for m in d.memberships.select_related("deputy")]


def _record(actor, project, attendees, **kw):
    kw.setdefault("date", timezone.localdate() - datetime.timedelta(days=1))
    kw.setdefault("notes", "察看管网施工现场")
    return services.county_inspection_record(
        actor=actor, project=project, attendees=attendees, **kw
    )


def _post_data(unit, attendees, **kw):
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "unit": unit.pk,
        "attendees": [d.pk for d in attendees],
        "notes": "察看管网施工现场，听取县住建局汇报",
        "problems": "",
    }
    data.update(kw)
    return data


# ---------------------------------------------------------------------------------------------
# Recording one


def test_county_staff_record_an_inspection_and_its_problems_become_hand_overs(
    world, county_staff, project, unit, county_deputies, client
):
    client.force_login(county_staff)
    url = reverse("supervision:county_inspection_create", args=[project.pk])
    page = client.get(url).content.decode()
    # The attendees are grouped by delegation; the committee following the project is chosen.
    assert "青石镇代表团" in page and "柳河乡代表团" in page
    assert f'<option value="{unit.pk}" selected>' in page
    attendees = county_deputies[:4]
    response = client.post(
        url,
        _post_data(
            unit, attendees, problems="管材进场检验记录不全\n\n部分路段围挡不规范", photos=_jpeg()
        ),
    )
    assert response.status_code == 302
    assert response.url == reverse("supervision:county_inspections", args=[project.pk])
    inspection = Inspection.objects.get(project=project)
    assert inspection.unit == unit and inspection.group is None
    assert set(inspection.attendees.all()) == set(attendees)
    assert inspection.photos.count() == 1
    items = list(LedgerItem.objects.filter(inspection=inspection).order_by("pk"))
    assert [i.title for i in items] == ["管材进场检验记录不全", "部分路段围挡不规范"]
    for item in items:
        # exactly as after a group's inspection: recorded, to be handed over — the county's
        assert item.source == ItemSource.INSPECTION and item.status == "recorded"
        assert item.county == world.county and item.township is None
        assert item.project == project
    ledger = client.get(reverse("supervision:county_ledger", args=[world.county.pk]))
    assert "管材进场检验记录不全" in ledger.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.INSPECTION_RECORD)
    assert event.county == world.county and event.actor == county_staff
    # The list shows it with its organiser and the number of deputies attending.
    listing = client.get(response.url).content.decode()
    assert "城建环资委" in listing and "4 deputies attended" in listing
    assert "管材进场检验记录不全" in listing


def test_the_committee_defaults_to_the_one_following_the_project(
    county_staff, project, unit, county_deputies
):
    inspection = _record(county_staff, project, county_deputies[:2])
    assert inspection.unit == unit


def test_another_committee_of_the_county_may_organise_it(
    world, county_staff, project, county_deputies
):
    other = services.county_unit_save(actor=county_staff, county=world.county, name="财经委")
    assert _record(county_staff, project, county_deputies[:2], unit=other).unit == other


def test_a_county_inspection_counts_as_an_inspection_everywhere(
    world, county_staff, project, county_deputies
):
    """The satisfaction ballot's evidence, the project's figures and a deputy's 履职 record
    count it like a group's inspection."""
    from stations.selectors.record import duty_counts

    day = timezone.localdate() - datetime.timedelta(days=1)
    _record(county_staff, project, county_deputies[:3], date=day)
    assert selectors.project_evidence(project)["inspections"] == 1
    counts = duty_counts([county_deputies[0].pk], year=day.year, as_of=timezone.localdate())
    assert counts[county_deputies[0].pk]["inspection"] == 1


def test_the_database_holds_exactly_one_organiser(project, unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(project=project, date=timezone.localdate(), notes="x")


# ---------------------------------------------------------------------------------------------
# Refusals


def test_township_staff_never_reach_a_county_project(world, project, unit, county_deputies, client):
    staff = world.users["staff"]
    with pytest.raises(PermissionDenied):
        _record(staff, project, county_deputies[:2])
    client.force_login(staff)
    for name in ("supervision:county_inspections", "supervision:county_inspection_create"):
        assert client.get(reverse(name, args=[project.pk])).status_code == 404
    response = client.post(
        reverse("supervision:county_inspection_create", args=[project.pk]),
        _post_data(unit, county_deputies[:2]),
    )
    assert response.status_code == 404
    assert not Inspection.objects.exists()


def test_a_reviewer_reads_the_list_and_is_refused_the_form(
    world, county_staff, project, unit, county_deputies, client
):
    _record(county_staff, project, county_deputies[:5])
    reviewer = world.users["reviewer"]
    client.force_login(reviewer)
    listing = client.get(reverse("supervision:county_inspections", args=[project.pk]))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "城建环资委" in page and "5 deputies attended" in page
    assert reverse("supervision:county_inspection_create", args=[project.pk]) not in page
    url = reverse("supervision:county_inspection_create", args=[project.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data(unit, county_deputies[:2])).status_code == 403
    with pytest.raises(PermissionDenied):
        _record(reviewer, project, county_deputies[:2])
    assert Inspection.objects.count() == 1


def test_the_county_roles(world, county_staff, project, unit, county_deputies, client):
    """The county's teller and the prefecture's reviewer read; another county's staff: 404."""
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    world.county.prefecture = prefecture
    world.county.save(update_fields=["prefecture"])
    users = {
        "county_teller": user_with_county_role(Role.TELLER, county=world.county, username="t"),
        "county_staff_other": user_with_county_role(
            Role.STAFF, county=world.county_other, username="s_b"
        ),
        "prefecture_reviewer": user_with_county_role(
            Role.REVIEWER, prefecture=prefecture, username="rev_qz"
        ),
    }
    expected = {
        "county_teller": (200, 403),
        "county_staff_other": (404, 404),
        "prefecture_reviewer": (200, 403),
    }
    for role, (read, write) in expected.items():
        client.force_login(users[role])
        listing = client.get(reverse("supervision:county_inspections", args=[project.pk]))
        form = client.get(reverse("supervision:county_inspection_create", args=[project.pk]))
        assert (listing.status_code, form.status_code) == (read, write), role


def test_attendees_must_be_county_deputies_of_the_county_in_office(
    world, county_staff, project, unit, county_deputies, client
):
    township_only = world.deputy  # a township deputy holding no county seat
    other_county = DeputyFactory(township=world.township_far, is_county_deputy=True)
    retired = county_deputies[0]
    retired.in_office = False
    retired.save(update_fields=["in_office"])
    for bad in (township_only, other_county, retired):
        with pytest.raises(ValidationError) as exc:
            _record(county_staff, project, [county_deputies[1], bad])
        assert "attendees" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _record(county_staff, project, [])
    client.force_login(county_staff)
    response = client.post(
        reverse("supervision:county_inspection_create", args=[project.pk]),
        _post_data(unit, [county_deputies[1], township_only]),
    )
    assert response.status_code == 400
    assert 'data-testid="attendees-errors"' in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_committee_must_be_an_active_one_of_the_county(
    world, county_staff, project, county_deputies
):
    other_staff = user_with_county_role(Role.STAFF, county=world.county_other, username="s_b")
    foreign = services.county_unit_save(
        actor=other_staff, county=world.county_other, name="白水县财经委"
    )
    retired = services.county_unit_save(
        actor=county_staff, county=world.county, name="旧委员会", active=False
    )
    for bad in (foreign, retired):
        with pytest.raises(ValidationError) as exc:
            _record(county_staff, project, county_deputies[:2], unit=bad)
        assert "unit" in exc.value.message_dict
    assert not Inspection.objects.exists()


def test_no_committee_named_and_none_following_the_project(
    world, county_staff, project, county_deputies
):
    project.oversight.delete()
    with pytest.raises(ValidationError) as exc:
        _record(county_staff, project, county_deputies[:2])
    assert "unit" in exc.value.message_dict


def test_an_inspection_cannot_be_dated_in_the_future(
    county_staff, project, unit, county_deputies, client
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _record(county_staff, project, county_deputies[:2], date=tomorrow)
    assert "date" in exc.value.message_dict
    client.force_login(county_staff)
    response = client.post(
        reverse("supervision:county_inspection_create", args=[project.pk]),
        _post_data(unit, county_deputies[:2], date=tomorrow.isoformat()),
    )
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_a_townships_project_is_not_inspected_by_a_committee(
    world, county_staff, unit, county_deputies, client
):
    from tests.factories import ProjectFactory

    township_project = ProjectFactory(township=world.township, status="elected")
    with pytest.raises(ValidationError):
        _record(county_staff, township_project, county_deputies[:2], unit=unit)
    client.force_login(county_staff)
    url = reverse("supervision:county_inspection_create", args=[township_project.pk])
    assert client.get(url).status_code == 404
    assert not Inspection.objects.exists()


def test_a_project_not_elected_is_refused(world, county_staff, unit, county_deputies):
    reserve = project_services.project_create(
        actor=county_staff, county=world.county, title="储备项目", content="x"
    )
    with pytest.raises(ValidationError):
        _record(county_staff, reserve, county_deputies[:2], unit=unit)


# ---------------------------------------------------------------------------------------------
# Lists


def test_the_list_costs_the_same_queries_for_more_inspections(
    world, county_staff, project, county_deputies, client, django_assert_max_num_queries
):
    client.force_login(world.users["reviewer"])
    url = reverse("supervision:county_inspections", args=[project.pk])
    _record(county_staff, project, county_deputies[:2], problems=["一"], photos=[_jpeg()])
    with CaptureQueriesContext(transaction.get_connection()) as one:
        assert client.get(url).status_code == 200
    for n in range(4):
        _record(county_staff, project, county_deputies[n:], problems=["二", "三"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('data-testid="county-inspection"') == 5


def test_the_form_costs_the_same_queries_for_more_deputies(
    world, county_staff, project, delegations, client, django_assert_max_num_queries
):
    client.force_login(county_staff)
    url = reverse("supervision:county_inspection_create", args=[project.pk])
    with CaptureQueriesContext(transaction.get_connection()) as few:
        assert client.get(url).status_code == 200
    DelegationFactory(term=delegations[0].term, name="第三代表团")
    DeputyFactory.create_batch(10, township=world.township, is_county_deputy=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "第三代表团" in page
    # County deputies in no delegation yet are listed by township.
    assert "青石镇 (in no delegation)" in page


def test_the_overview_and_the_committees_page_count_inspections(
    world, county_staff, project, unit, county_deputies, client
):
    _record(county_staff, project, county_deputies[:2])
    _record(county_staff, project, county_deputies[:3])
    client.force_login(county_staff)
    page = client.get(reverse("supervision:county_overview", args=[world.county.pk]))
    html = page.content.decode()
    link = reverse("supervision:county_inspections", args=[project.pk])
    assert f'<a href="{link}">2</a>' in html
    units = client.get(reverse("supervision:county_units", args=[world.county.pk])).content
    assert "2 inspections organised" in units.decode()
    # The project's supervision page lists them too.
    detail = client.get(reverse("supervision:project_detail", args=[project.pk])).content
    assert detail.decode().count(county_deputies[0].name) >= 1


def test_the_demo_records_committee_inspections_once(world, county_staff, project, delegations):
    from supervision.demo import county_supervision_demo

    DeputyFactory.create_batch(20, township=world.township_other, is_county_deputy=True)
    today = datetime.date(2026, 11, 30)
    county_supervision_demo(world.county, actor=county_staff, today=today)
    # The project already had its 督办 leader: the demo only adds what is missing.
    inspections = list(Inspection.objects.filter(project=project))
    assert len(inspections) == 2
    for inspection in inspections:
        assert inspection.unit == project.oversight.unit
        assert 8 <= inspection.attendees.count() <= 15
    assert SupervisionUnit.objects.filter(county=world.county).exists()
    county_supervision_demo(world.county, actor=county_staff, today=today)
    assert Inspection.objects.filter(project=project).count() == 2


def test_the_projects_supervision_page_links_its_inspections(world, project, client):
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("supervision:project_detail", args=[project.pk]))
    assert page.status_code == 200
    link = reverse("supervision:county_inspections", args=[project.pk])
    assert f'href="{link}"' in page.content.decode()
