"""Writes go through services, each audited in the same transaction, refusing out-of-scope
actors."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from congress import selectors, services
from congress.models import Attendance, AuditEvent, Deputy, RuleSet, SessionStatus

from ..factories import DeputyFactory


def test_deputy_update_records_only_what_changed(world):
    staff = world.users["staff"]
    services.deputy_update(actor=staff, deputy=world.deputy, profession="教师")
    event = AuditEvent.objects.get(action="deputy.update")
    assert event.before == {"profession": "农民"}
    assert event.after == {"profession": "教师"}
    assert event.township == world.township and event.county == world.county


def test_deputy_update_refuses_other_township_staff(world):
    with pytest.raises(PermissionDenied):
        services.deputy_update(actor=world.users["staff_other"], deputy=world.deputy, name="x")
    world.deputy.refresh_from_db()
    assert world.deputy.name == "王建国"


def test_a_village_of_another_township_is_refused(world):
    other_village = world.township_other.villages.first()
    with pytest.raises(ValidationError):
        services.deputy_update(
            actor=world.users["staff"], deputy=world.deputy, home_village=other_village
        )


def test_open_roll_puts_deputies_in_office_on_it_once(world):
    DeputyFactory(township=world.township, in_office=False)
    DeputyFactory(township=world.township, is_township_deputy=False, is_county_deputy=True)
    staff = world.users["staff"]
    added = services.session_open_roll(actor=staff, session=world.session)
    in_office = Deputy.objects.filter(
        township=world.township, in_office=True, is_township_deputy=True
    ).count()
    assert added == in_office
    assert services.session_open_roll(actor=staff, session=world.session) == 0
    world.session.refresh_from_db()
    assert world.session.status == SessionStatus.IN_PROGRESS


def test_headcount_and_quorum_follow_check_in(world):
    staff = world.users["staff"]
    services.session_open_roll(actor=staff, session=world.session)
    due = Attendance.objects.filter(session=world.session).count()
    ids = list(Attendance.objects.filter(session=world.session).values_list("deputy_id", flat=True))
    assert not selectors.session_quorum(world.session)["quorum_met"]
    needed = selectors.session_quorum(world.session)["quorum_needed"]
    for deputy_id in ids[:needed]:
        services.attendance_set(
            actor=staff, session=world.session, deputy_id=deputy_id, status="present"
        )
    services.attendance_set(actor=staff, session=world.session, deputy_id=ids[-1], status="leave")
    quorum = selectors.session_quorum(world.session)
    assert quorum["headcount"].due == due
    assert quorum["headcount"].present == needed
    assert quorum["headcount"].on_leave == 1
    assert quorum["quorum_met"]
    assert AuditEvent.objects.filter(action="attendance.set").count() == needed + 1


def test_closed_session_refuses_check_in(world):
    staff = world.users["staff"]
    services.session_open_roll(actor=staff, session=world.session)
    services.session_close(actor=staff, session=world.session)
    with pytest.raises(ValidationError):
        services.attendance_set(
            actor=staff, session=world.session, deputy_id=world.deputy.pk, status="present"
        )


def test_ruleset_changes_are_audited_and_validated(world):
    ruleset = RuleSet.objects.create(township=world.township)
    staff = world.users["staff"]
    services.ruleset_update(actor=staff, ruleset=ruleset, pass_base="present")
    event = AuditEvent.objects.get(action="ruleset.update")
    assert event.before == {"pass_base": "in_office"} and event.after == {"pass_base": "present"}
    with pytest.raises(ValidationError):
        services.ruleset_update(actor=staff, ruleset=ruleset, group_min_size=6, group_max_size=5)
    with pytest.raises(PermissionDenied):
        services.ruleset_update(
            actor=world.users["reviewer"], ruleset=ruleset, tie_rule="presidium"
        )


def test_staff_create_a_deputy_account_that_can_log_in(world, client):
    deputy = world.township.deputies.filter(user__isnull=True).first()
    response = world.client("staff").post(
        reverse("congress:deputy_account_create", args=[deputy.pk]),
        {"username": "newdeputy", "full_name": deputy.name, "password": "a-Strong-pass-42"},
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.user.username == "newdeputy"
    login = client.post(reverse("login"), {"username": "newdeputy", "password": "a-Strong-pass-42"})
    assert login.status_code == 302 and login["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="account.create").exists()


def test_staff_create_a_teller_account(world):
    response = world.client("staff").post(
        reverse("congress:township_accounts", args=[world.township.pk]),
        {
            "username": "teller2",
            "full_name": "计票人",
            "password": "a-Strong-pass-42",
            "role": "teller",
        },
    )
    assert response.status_code == 302
    from congress.models import RoleAssignment

    assignment = RoleAssignment.objects.get(user__username="teller2")
    assert assignment.role == "teller" and assignment.township == world.township


def test_account_form_errors_are_shown_in_chinese(world):
    response = world.client("staff").post(
        reverse("congress:township_accounts", args=[world.township.pk]),
        {"username": "staff_a", "password": "short", "role": "teller"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名" in page  # the form re-renders with its errors, in Chinese
    assert response.context["form"].errors["username"]
