"""The demo data loads, makes every role's pages show something, and is idempotent."""

import pytest
from django.core.management import call_command

from congress.models import AuditEvent, Deputy, Session
from voting.models import Ballot, Vote, VoteStatus

pytestmark = pytest.mark.django_db


def counts():
    return (
        Deputy.objects.count(),
        Session.objects.count(),
        Vote.objects.count(),
        Ballot.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_is_believable_and_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    qingshi = Deputy.objects.filter(township__name="青石镇", in_office=True).count()
    assert 45 <= qingshi <= 60  # sized like the town in mission.md
    published = Vote.objects.filter(status=VoteStatus.PUBLISHED)
    assert published.filter(session__term__township__name="青石镇").exists()
    qingshi_vote = published.get(
        session__term__township__name="青石镇", parent=None, kind="projects"
    )
    assert qingshi_vote.candidates.count() == 4
    assert qingshi_vote.result.candidates.filter(elected=True).count() == 3
    taoyuan = published.filter(session__term__township__name="桃源镇")
    assert taoyuan.filter(parent__isnull=False).exists()  # the run-off after the tie
    main = taoyuan.get(parent=None, kind="projects")
    assert main.candidates.count() == 13 and main.slots == 10
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first


def test_demo_evaluation_rates_last_years_projects():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    evaluation = Vote.objects.get(kind="evaluation", session__term__township__name="青石镇")
    assert evaluation.status == VoteStatus.PUBLISHED
    grades = list(evaluation.result.evaluations.values_list("grade", flat=True))
    assert len(grades) == 3 and grades.count("basic") == 1
