"""Recording a deputies' inspection (视察) of a county project on a phone (issue 17): the
county's 240 deputies in eight delegations of 30, folded by delegation; a name typed in the
search box leaves only that deputy; the number ticked follows; the committee following the
project is preselected; the saved inspection is listed with its organiser and attendance.
Screenshots at 390 px go to test-artifacts/screenshots/."""

import datetime
import re

from playwright.sync_api import expect

from congress import services as congress_services
from congress.models import Deputy, Role, Term
from projects import services as project_services
from supervision import services
from supervision.models import Inspection
from tests.e2e.conftest import DESKTOP, PHONE, login, open_page, shot
from tests.e2e.test_accessibility import AXE, BAD_IMPACTS, RUN_AXE
from tests.factories import DeputyFactory, TownshipFactory, user_with_county_role


def _county_with_240_deputies(world):
    staff = user_with_county_role(Role.STAFF, county=world.county, username="county_staff")
    term = Term.objects.create(
        level="county", county=world.county, number=17, start_year=2022, end_year=2026
    )
    for _ in range(8):
        DeputyFactory.create_batch(
            30,
            township=TownshipFactory(county=world.county),
            is_county_deputy=True,
            is_township_deputy=False,
        )
    congress_services.delegations_by_township(actor=staff, term=term)
    project = project_services.project_create(
        actor=staff,
        county=world.county,
        title="县城污水管网改造",
        content="管网",
        estimated_investment=3000,
        implementing_body="县住建局",
        deadline=datetime.date(2027, 12, 31),
    )
    for status in ("shortlisting", "candidate", "elected"):
        project_services.project_set_status(actor=staff, project=project, status=status, note="e2e")
    unit = services.county_unit_save(actor=staff, county=world.county, name="城建环资委")
    services.oversight_set(actor=staff, project=project, leader_name="王副主任", unit=unit)
    return project, unit


def test_record_a_county_inspection_on_a_phone(page, world):
    project, unit = _county_with_240_deputies(world)
    one = Deputy.objects.filter(is_county_deputy=True).order_by("pk")[100]
    one.name = "欧阳春晓"
    one.save(update_fields=["name"])
    page.set_viewport_size(PHONE)
    login(page, "county_staff")
    page.goto(f"/supervision/projects/{project.pk}/county-inspections/new/")
    groups = page.locator(".js-deputy-group")
    expect(groups).to_have_count(8)
    expect(page.locator("select[name=unit]")).to_have_value(str(unit.pk))
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "form-390")

    search = page.locator(".js-deputy-filter")
    expect(search).to_be_visible()
    search.fill("欧阳")
    expect(page.locator(".js-deputy:visible")).to_have_count(1)
    expect(page.locator(".js-deputy-group:visible")).to_have_count(1)
    page.locator(f"#att-{one.pk}").check()
    shot(page, "search-390")
    search.fill("")
    expect(page.locator(".js-deputy-group:visible")).to_have_count(8)
    first = groups.nth(0)
    first.locator("summary").click()
    boxes = first.locator("input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    expect(page.locator(".js-ticked-count")).to_have_text("3")

    page.locator("textarea[name=notes]").fill("察看管网施工现场")
    page.locator("textarea[name=problems]").fill("管材进场检验记录不全")
    with page.expect_navigation():
        page.locator("[data-testid=submit]").click()
    expect(page).to_have_url(
        re.compile(rf"/supervision/projects/{project.pk}/county-inspections/$")
    )
    row = page.locator("[data-testid=county-inspection]")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=organiser]")).to_have_text("城建环资委")
    expect(row).to_contain_text("管材进场检验记录不全")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "list-390")
    inspection = Inspection.objects.get(project=project)
    assert inspection.attendees.count() == 3 and one in inspection.attendees.all()


def test_the_form_and_the_list_pass_axe(browser, live_server, world, browser_errors):
    """No serious or critical axe-core violation on the form (240 deputies) and the list,
    at 390 and 1280 px."""
    project, unit = _county_with_240_deputies(world)
    axe = AXE.read_text()
    paths = (
        f"/supervision/projects/{project.pk}/county-inspections/new/",
        f"/supervision/projects/{project.pk}/county-inspections/",
    )
    bad = []
    for viewport in (PHONE, DESKTOP):
        context, page = open_page(
            browser, live_server, browser_errors, viewport=viewport, bypass_csp=True
        )
        try:
            login(page, "county_staff")
            for path in paths:
                page.goto(path)
                page.add_script_tag(content=axe)
                bad += [
                    f"{path} at {viewport['width']}: {v['id']} {v['help']}"
                    for v in page.evaluate(RUN_AXE)
                    if v["impact"] in BAD_IMPACTS
                ]
        finally:
            context.close()
    assert bad == []
