"""What people saw wrong on screen (issue 19): dates lost on save, raw timestamps, code names,
wrong words, wrong ranks. Browser checks of the same live in tests/e2e/test_forms_dates.py."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 12, 31)
INVESTMENT = Decimal("1234567.89")
BUDGET = Decimal("23456.70")
MILESTONE_PLANNED = datetime.date(2026, 3, 5)
MILESTONE_DONE = datetime.date(2025, 11, 9)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INPUT_KINDS = ("date", "datetime-local", "time", "number")


def dated_objects(world):
    """A reserve project and an elected one with an implementation plan, each with dates and
    amounts stored, so every edit form that has a date or number input has values to show."""
    from django.utils import timezone

    from projects.models import AnnualPlan, Candidate, CandidateList, Project
    from supervision.models import ImplementationPlan, Milestone

    reserve = Project.objects.create(
        township=world.township,
        title="东河村路灯",
        content="安装路灯",
        estimated_investment=INVESTMENT,
        deadline=DEADLINE,
    )
    reserve.villages.add(world.village)
    plan = AnnualPlan.objects.create(township=world.township, year=2026, slots=1)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    elected = Project.objects.create(
        township=world.township,
        title="东河村道路拓宽",
        content="拓宽",
        estimated_investment=Decimal("100"),
        deadline=DEADLINE,
        status="elected",
    )
    Candidate.objects.create(candidate_list=clist, project=elected, position=1)
    from supervision import services

    implementation = services.implementation_plan_ensure(actor=None, project=elected)
    ImplementationPlan.objects.filter(pk=implementation.pk).update(
        deadline=DEADLINE, budget=BUDGET, responsible_department="镇交通办"
    )
    Milestone.objects.filter(plan=implementation, kind="approval").update(
        planned_date=MILESTONE_PLANNED, done_on=MILESTONE_DONE
    )
    return reserve, elected


# ---------------------------------------------------------------------------------------------
# 1. Dates and numbers in form inputs


def _input_values(html: str) -> dict[str, tuple[str, str]]:
    """name -> (type, value) of every <input> with a type of date/number kind."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag)
        name = re.search(r'name="([^"]+)"', tag)
        if not kind or not name or kind.group(1) not in INPUT_KINDS:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        found[name.group(1)] = (kind.group(1), value.group(1) if value else "")
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_edit_forms_render_dates_as_iso_and_numbers_plain(world, language):
    """A browser's <input type=date> reads only 2026-12-31; in Chinese the form rendered
    2026/12/31, the browser showed nothing and saving wiped the deadline. Numbers never carry
    a thousand separator or a decimal comma."""
    from congress.forms import RuleSetForm, SessionForm
    from congress.models import RuleSet
    from projects.forms import ProjectForm
    from supervision.forms import ImplementationPlanForm

    reserve, elected = dated_objects(world)
    implementation = elected.implementation_plan
    with translation.override(language):
        project_inputs = _input_values(str(ProjectForm(instance=reserve, township=world.township)))
        plan_inputs = _input_values(
            str(
                ImplementationPlanForm(
                    instance=implementation, milestones=list(implementation.milestones.all())
                )
            )
        )
        session_inputs = _input_values(
            str(SessionForm(instance=world.session, township=world.township))
        )
        rules = RuleSet.objects.get_or_create(township=world.township)[0]
        rules_inputs = _input_values(str(RuleSetForm(instance=rules)))

    assert project_inputs["deadline"] == ("date", "2026-12-31")
    assert project_inputs["estimated_investment"] == ("number", "1234567.89")
    assert plan_inputs["deadline"] == ("date", "2026-12-31")
    assert plan_inputs["budget"] == ("number", "23456.70")
    assert plan_inputs["planned_approval"] == ("date", "2026-03-05")
    assert plan_inputs["done_approval"] == ("date", "2025-11-09")
    assert session_inputs["date"] == ("date", world.session.date.isoformat())
    assert rules_inputs["quorum_numerator"] == ("number", str(rules.quorum_numerator))
    for kind, value in [*project_inputs.values(), *plan_inputs.values(), *session_inputs.values()]:
        if kind == "date" and value:
            assert ISO.match(value), value
    for kind, value in [*project_inputs.values(), *plan_inputs.values(), *rules_inputs.values()]:
        if kind == "number" and value:
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), value


def test_chinese_input_formats_put_iso_first_and_still_read_slashes(world):
    """Any date widget left on the locale's default (the admin's) renders ISO too, and a date
    typed with slashes is still understood."""
    from django import forms
    from django.utils import formats

    with translation.override("zh-hans"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        assert forms.DateInput().format_value(DEADLINE) == "2026-12-31"
        assert forms.DateField().clean("2026/12/31") == DEADLINE
        assert forms.DateField().clean("2026年12月31日") == DEADLINE
        # display formats are untouched
        assert formats.date_format(DEADLINE) == "2026年12月31日"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_saving_the_project_form_unchanged_keeps_deadline_and_investment(world, language):
    """The reported loss: edit a project, change only the investment, save: the deadline
    must stay."""
    reserve, _elected = dated_objects(world)
    client = world.client("staff")
    client.cookies["django_language"] = language
    page = client.get(reverse("projects:project_edit", args=[reserve.pk]))
    assert page.status_code == 200
    inputs = _input_values(page.content.decode())
    assert inputs["deadline"] == ("date", "2026-12-31")
    data = {
        "title": reserve.title,
        "content": reserve.content,
        "villages": [world.village.pk],
        "estimated_investment": "1500000",
        "deadline": inputs["deadline"][1],
    }
    response = client.post(reverse("projects:project_edit", args=[reserve.pk]), data)
    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.deadline == DEADLINE
    assert reserve.estimated_investment == Decimal("1500000")
