"""The project's state machine: every action from every state is allowed or refused exactly as
the table in projects/domain.py says; an allowed action writes the status history and the
audit event, a refused one changes nothing and says why in the user's language."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from congress.models import AuditEvent
from livelihood.transitions import TransitionRefused
from projects import domain
from projects.models import Project, ProjectStatus, ProjectStatusChange
from projects.services import project_set_status
from projects.services._base import AUDITED, PROJECT_MACHINE
from tests.factories import ProjectFactory, staff_of

STATES = sorted(PROJECT_MACHINE.states())
ACTIONS = list(PROJECT_MACHINE.table)


def test_the_table_reads_as_the_yearly_cycle():
    assert domain.PROJECT.edges() == [
        ("reserve", "put_forward", "shortlisting"),
        ("shortlisting", "set_aside", "reserve"),
        ("shortlisting", "make_candidate", "candidate"),
        ("candidate", "elect", "elected"),
        ("candidate", "return_unelected", "reserve"),
        ("elected", "start", "implementing"),
        ("implementing", "complete", "completed"),
        ("elected", "cancel", "cancelled"),
        ("implementing", "cancel", "cancelled"),
        ("reserve", "cancel", "cancelled"),
        ("shortlisting", "cancel", "cancelled"),
        ("cancelled", "restore", "reserve"),
    ]
    assert set(STATES) == set(ProjectStatus.values)
    assert set(AUDITED) == set(ACTIONS)
    assert PROJECT_MACHINE.actions_from(ProjectStatus.COMPLETED) == []


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(world, state, action):
    project = ProjectFactory(township=world.township, status=state)
    staff = staff_of(world.township)
    history = ProjectStatusChange.objects.filter(project=project).count()
    audits = AuditEvent.objects.count()
    if PROJECT_MACHINE.allows(state, action):
        before = PROJECT_MACHINE.apply(project, action, actor=staff, note="按表操作")
        target = domain.PROJECT.table[action].target
        assert before == state
        project.refresh_from_db()
        assert project.status == target
        change = ProjectStatusChange.objects.filter(project=project).latest("id")
        assert (change.from_status, change.to_status, change.by, change.note) == (
            state,
            target,
            staff,
            "按表操作",
        )
        event = AuditEvent.objects.latest("id")
        assert event.action == AUDITED[action]
        assert (event.before, event.after["status"]) == ({"status": state}, target)
        assert event.actor == staff and event.township == world.township
    else:
        with pytest.raises(TransitionRefused) as refused:
            PROJECT_MACHINE.apply(project, action, actor=staff)
        assert isinstance(refused.value, ValidationError)
        assert (refused.value.machine, refused.value.current, refused.value.action) == (
            "project",
            state,
            action,
        )
        project.refresh_from_db()
        assert project.status == state
        assert ProjectStatusChange.objects.filter(project=project).count() == history
        assert AuditEvent.objects.count() == audits


def test_a_refusal_names_both_states_in_the_users_language(world):
    project = ProjectFactory(township=world.township, status="completed")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        PROJECT_MACHINE.apply(project, "restore", actor=staff_of(world.township))
    assert refused.value.messages == [
        "A project that is “Completed” cannot become “In the reserve”."
    ]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        PROJECT_MACHINE.apply(project, "restore", actor=staff_of(world.township))
    assert str(ProjectStatus.COMPLETED.label) in refused.value.messages[0]


def test_naming_the_status_takes_the_one_action_that_leads_there(world):
    """project_set_status (used by stages that name the status they want) applies the
    machine's action: same history and audit, same refusal, and nothing when already there."""
    project = ProjectFactory(township=world.township, status="elected")
    staff = staff_of(world.township)
    project = Project.objects.get(pk=project.pk)
    project_set_status(actor=staff, project=project, status="implementing", note="开工")
    assert project.status == "implementing"
    assert AuditEvent.objects.latest("id").action == "project.implementing"
    count = ProjectStatusChange.objects.filter(project=project).count()
    project_set_status(actor=staff, project=project, status="implementing")
    assert ProjectStatusChange.objects.filter(project=project).count() == count
    with pytest.raises(ValidationError):
        project_set_status(actor=staff, project=project, status="candidate")
    assert Project.objects.get(pk=project.pk).status == "implementing"


def test_the_factory_reaches_a_state_through_the_machine(world):
    """An elected project made by the factory carries the whole history of how it got there."""
    project = ProjectFactory(township=world.township, status="elected")
    steps = list(
        ProjectStatusChange.objects.filter(project=project).values_list("from_status", "to_status")
    )
    assert steps == [
        ("", "reserve"),  # created in the reserve
        ("reserve", "shortlisting"),
        ("shortlisting", "candidate"),
        ("candidate", "elected"),
    ]
