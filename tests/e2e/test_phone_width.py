"""Every page staff, a deputy or a resident can open fits a phone: no sideways scrolling at
390 px. The pages come from the permission table (each GET row the role may open), so a new
page is checked as soon as it has its row."""

import importlib

import pytest
from django.urls import reverse

from congress.models import Attendance
from tests.e2e.conftest import PHONE, login
from tests.permission_table import ROWS

# Each app's rows build their own objects on the world (a 2027 plan, say), so each app's
# pages are checked in a world of their own.
APPS = ["projects", "reports", "supervision", "voting"]
APP_ROWS = {app: importlib.import_module(f"tests.permissions.{app}").ROWS for app in APPS}
APP_ROWS["congress"] = [r for r in ROWS if not any(r in rows for rows in APP_ROWS.values())]

# (role, login) per kind of person who uses a phone.
PEOPLE = [("staff", "staff_a"), ("deputy", "deputy_a"), ("anonymous", None)]
SKIP_PREFIXES = ("api:", "admin:", "javascript-catalog", "healthz", "logout")
DOWNLOADS = (".pdf", ".xlsx", "/download/")


def _pages(app, role):
    seen = set()
    for row in APP_ROWS[app]:
        if row.method != "get" or row.expected[role] != 200 or row.name.startswith(SKIP_PREFIXES):
            continue
        if row.name in seen:
            continue
        seen.add(row.name)
        yield row


@pytest.mark.parametrize("viewport", [PHONE])
@pytest.mark.parametrize("app", sorted(APP_ROWS))
@pytest.mark.parametrize(("role", "username"), PEOPLE, ids=[p[0] for p in PEOPLE])
def test_every_page_fits_a_phone(page, world, role, username, app):
    world.attendance, _ = Attendance.objects.get_or_create(
        session=world.session, deputy=world.deputy
    )
    if username:
        login(page, username)
    too_wide = []
    checked = 0
    for row in _pages(app, role):
        url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
        if url.endswith(DOWNLOADS):
            continue
        page.wait_for_load_state("networkidle")
        response = page.goto(url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        checked += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{row.name} {url}: {width}px")
    assert checked or role != "staff"
    assert too_wide == [], "pages wider than a phone:\n  " + "\n  ".join(too_wide)
