"""The county's own congress as its county roles see it (issue 17): the rows of
tests/permissions/county.py for the roles the twelve-role table does not hold, and the
prefecture (市) reviewer's read-only reach over every county of the prefecture."""

import pytest
from django.urls import reverse

from congress.models import Prefecture, Role
from tests import permission_table  # noqa: F401  (loads the table before its county rows)
from tests.factories import user_with_county_role
from tests.permissions.county import EXTRA, ROWS, county_objects


@pytest.fixture
def county_users(world):
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    for county in (world.county, world.county_other):
        county.prefecture = prefecture
        county.save(update_fields=["prefecture"])
    return {
        "county_staff": user_with_county_role(
            Role.STAFF, county=world.county, username="staff_county_a"
        ),
        "county_teller": user_with_county_role(
            Role.TELLER, county=world.county, username="teller_county_a"
        ),
        "county_staff_other": user_with_county_role(
            Role.STAFF, county=world.county_other, username="staff_county_b"
        ),
        "prefecture_reviewer": user_with_county_role(
            Role.REVIEWER, prefecture=prefecture, username="rev_qingzhou"
        ),
    }


CASES = [
    (row, role)
    for row in ROWS
    for role in ("county_staff", "county_teller", "county_staff_other", "prefecture_reviewer")
]


@pytest.mark.parametrize(
    ("row", "role"), CASES, ids=[f"{r.method}:{r.name}:{role}" for r, role in CASES]
)
def test_county_roles(world, county_users, client, row, role):
    client.force_login(county_users[role])
    url = reverse(row.name, kwargs=row.kwargs(world))
    data = row.data(world) if row.data else {}
    response = getattr(client, row.method)(url, data=data)
    expected = EXTRA[(row.method, row.name, row.kwargs)][role]
    assert response.status_code == expected, (row.name, role, response.status_code)


def test_county_staff_never_reach_the_townships_own_pages(world, county_users, client):
    client.force_login(county_users["county_staff"])
    for name, kwargs in (
        ("congress:township_detail", {"pk": world.township.pk}),
        ("congress:deputy_list", {"pk": world.township.pk}),
        ("congress:session_detail", {"pk": world.session.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    response = client.post(reverse("congress:session_open_roll", args=[world.session.pk]))
    assert response.status_code == 404


def test_prefecture_reviewer_reads_every_county_of_the_prefecture_read_only(
    world, county_users, client
):
    client.force_login(county_users["prefecture_reviewer"])
    for township in (world.township, world.township_far):
        assert (
            client.get(reverse("congress:township_detail", args=[township.pk])).status_code == 200
        )
        assert client.get(reverse("congress:deputy_list", args=[township.pk])).status_code == 200
        assert client.get(reverse("congress:deputy_create", args=[township.pk])).status_code == 403
    for county in (world.county, world.county_other):
        assert client.get(reverse("congress:county_congress", args=[county.pk])).status_code == 200
    response = client.post(reverse("congress:session_open_roll", args=[world.session.pk]))
    assert response.status_code == 403
    assert not world.session.attendance.exists()


def test_prefecture_reviewer_outside_the_prefecture_sees_nothing(world, county_users, client):
    from congress.models import County

    other = Prefecture.objects.create(name="远州市", code="YZ")
    far_county = County.objects.create(name="远山县", code="Z", prefecture=other)
    client.force_login(county_users["prefecture_reviewer"])
    assert client.get(reverse("congress:county_congress", args=[far_county.pk])).status_code == 404


def test_township_staff_cannot_manage_the_county_session(world, client):
    _term, session, _delegation, _member = county_objects(world)
    client.force_login(world.users["staff"])
    response = client.post(reverse("congress:session_open_roll", args=[session.pk]))
    assert response.status_code == 404
    assert not session.attendance.exists()


def test_the_county_congress_page_links_what_each_role_may_open(world, county_users, client):
    """Staff reach the QR codes and the quarterly reports from the congress page; a reviewer
    the reports only; the county's teller neither (both would refuse them)."""
    page = reverse("congress:county_congress", args=[world.county.pk])
    qr = reverse("projects:county_intake_codes", args=[world.county.pk])
    reports = reverse("reports:county_congress_reports", args=[world.county.pk])
    seen = {}
    for role in ("county_staff", "prefecture_reviewer", "county_teller"):
        client.force_login(county_users[role])
        text = client.get(page).content.decode()
        seen[role] = (f'href="{qr}"' in text, f'href="{reports}"' in text)
        for url, shown in zip((qr, reports), seen[role], strict=True):
            if shown:
                assert client.get(url).status_code == 200, (role, url)
    assert seen == {
        "county_staff": (True, True),
        "prefecture_reviewer": (False, True),
        "county_teller": (False, False),
    }
