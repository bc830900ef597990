"""The projects demo: the model town's numbers, and idempotence."""

import pytest

from congress.demo import load_demo as load_congress_demo
from projects import selectors
from projects.demo import load_demo
from projects.models import AnnualPlan, Project, Suggestion

pytestmark = pytest.mark.django_db


def test_the_demo_town_has_its_funnel_and_a_locked_list():
    load_congress_demo()
    load_demo()
    plan = AnnualPlan.objects.get(township__code="330999101", year=2027)
    funnel = dict(selectors.plan_funnel(plan))
    assert 420 <= funnel["suggestions"] <= 480
    assert funnel["projects"] == 21
    assert funnel["proposed"] == 7
    assert funnel["candidates"] == 4
    assert plan.candidate_list.is_locked
    channels = set(
        Suggestion.objects.filter(township=plan.township).values_list("channel", flat=True)
    )
    assert len(channels) == 8
    counts = (Suggestion.objects.count(), Project.objects.count())
    load_demo()
    assert (Suggestion.objects.count(), Project.objects.count()) == counts
