"""Delegations (代表团) of a county congress term: the services, the roll by delegation in
one query, and the county session page showing it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congress import selectors, services
from congress.domain import Headcount
from congress.models import AttendanceStatus, Delegation, DelegationMember, Role
from tests.factories import DeputyFactory, TownshipFactory, user_with_county_role
from tests.permission_table import ROLES  # noqa: F401  (loads the table before its county rows)
from tests.permissions.county import county_objects


@pytest.fixture
def county(world):
    term, session, delegation, member = county_objects(world)
    staff = user_with_county_role(Role.STAFF, county=world.county, username="staff_county_a")
    return term, session, delegation, member, staff


def test_one_delegation_per_township_seats_each_townships_county_deputies(world, county):
    term, _session, delegation, member, staff = county
    DeputyFactory.create_batch(
        3, township=world.township_other, is_county_deputy=True, is_township_deputy=False
    )
    DeputyFactory(township=world.township, is_county_deputy=True, in_office=False)  # not seated
    far = DeputyFactory(township=world.township_far, is_county_deputy=True)  # another county
    created, seated = services.delegations_by_township(actor=staff, term=term)
    assert created == 1  # 青石镇 has its delegation already; 柳河乡 gets one
    assert seated == 4  # 孙县代 and the three new ones; 陈县代 stays where he sits
    other = Delegation.objects.get(term=term, township=world.township_other)
    assert other.name == "柳河乡代表团"
    assert other.order == 2
    assert not DelegationMember.objects.filter(deputy=far).exists()
    # idempotent
    assert services.delegations_by_township(actor=staff, term=term) == (0, 0)
    assert DelegationMember.objects.get(deputy=member).delegation == delegation


def test_assign_moves_a_deputy_and_drops_the_head_they_were(world, county):
    term, _session, delegation, member, staff = county
    sector = services.delegation_create(actor=staff, term=term, name="驻县单位代表团", order=9)
    assert services.delegation_assign(actor=staff, delegation=sector, deputy_ids=[member.pk]) == 1
    delegation.refresh_from_db()
    assert delegation.head is None
    assert DelegationMember.objects.get(deputy=member, term=term).delegation == sector


def test_head_must_be_a_member_and_only_county_deputies_sit(world, county):
    _term, _session, delegation, _member, staff = county
    with pytest.raises(ValidationError):
        services.delegation_update(actor=staff, delegation=delegation, head=world.deputy)
    with pytest.raises(ValidationError):  # a township deputy only
        services.delegation_assign(actor=staff, delegation=delegation, deputy_ids=[world.deputy.pk])


def test_township_staff_and_reviewer_cannot_manage_delegations(world, county):
    term, _session, delegation, _member, _staff = county
    for role in ("staff", "reviewer"):
        with pytest.raises(PermissionDenied):
            services.delegations_by_township(actor=world.users[role], term=term)
        with pytest.raises(PermissionDenied):
            services.delegation_update(actor=world.users[role], delegation=delegation, name="x")


def test_delegations_belong_to_a_county_term(world, county):
    *_rest, staff = county
    with pytest.raises(ValidationError):
        services.delegation_create(actor=staff, term=world.term, name="乡镇不分团")


def _roll(world, county, *, townships=3, per_township=4):
    term, session, _delegation, member, staff = county
    for _ in range(townships):
        township = TownshipFactory(county=world.county)
        DeputyFactory.create_batch(
            per_township, township=township, is_county_deputy=True, is_township_deputy=False
        )
    services.delegations_by_township(actor=staff, term=term)
    DeputyFactory(township=world.township, is_county_deputy=True)  # in no delegation
    services.session_open_roll(actor=staff, session=session)
    return term, session, staff


def test_headcount_by_delegation_in_one_query(world, county, django_assert_num_queries):
    term, session, staff = _roll(world, county, townships=2)
    present = list(session.attendance.values_list("deputy_id", flat=True)[:5])
    for deputy_id in present[:4]:
        services.attendance_set(
            actor=staff, session=session, deputy_id=deputy_id, status=AttendanceStatus.PRESENT
        )
    services.attendance_set(
        actor=staff, session=session, deputy_id=present[4], status=AttendanceStatus.LEAVE
    )
    with django_assert_num_queries(1):
        few = selectors.session_headcount_by_delegation(session)
    assert few.total == selectors.session_headcount(session)
    assert few.total == Headcount(due=11, present=4, on_leave=1, absent=6)
    assert few.lines[-1].delegation_id is None and few.lines[-1].headcount.due == 1
    assert [line.name for line in few.lines[:2]] == ["青石镇代表团", "柳河乡代表团"]
    assert sum(line.headcount.due for line in few.lines) == 11  # 2 + 8 + 1 unseated
    # more delegations and deputies: still one query
    _roll(world, county, townships=4, per_township=6)
    with django_assert_num_queries(1):
        many = selectors.session_headcount_by_delegation(session)
    assert len(many.lines) > len(few.lines)


def test_county_session_page_shows_the_roll_by_delegation(world, county, client):
    term, session, staff = _roll(world, county, townships=1, per_township=3)
    member = county[3]
    services.attendance_set(
        actor=staff, session=session, deputy_id=member.pk, status=AttendanceStatus.PRESENT
    )
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("congress:session_detail", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Roll by delegation" in html
    assert "青石镇代表团" in html and "柳河乡代表团" in html
    assert "In no delegation" in html
    roll = response.context["roll_by_delegation"]
    first = roll.lines[0]
    assert (first.name, first.headcount.due, first.headcount.present) == ("青石镇代表团", 1, 1)
    # the open-roll button is there for the county's staff
    assert reverse("congress:session_open_roll", args=[session.pk]) in html
    # the polled panel carries the table too
    panel = client.get(reverse("congress:session_headcount", args=[session.pk]))
    assert "青石镇代表团" in panel.content.decode()


def test_delegation_page_one_per_township_button(world, county, client):
    term, *_rest, staff = county
    client.force_login(staff)
    response = client.post(reverse("congress:delegations_by_township", args=[term.pk]))
    assert response.status_code == 302
    page = client.get(reverse("congress:term_delegations", args=[term.pk]))
    assert "柳河乡代表团" in page.content.decode()
