"""The demo data loads, makes every role's pages show something, and is idempotent."""

import re

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


def test_a_demo_receipt_code_shows_the_whole_lineage():
    from django.test import Client
    from django.urls import reverse

    from projects.models import Suggestion

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    suggestion = Suggestion.objects.filter(
        project__candidacies__candidate_list__plan__year=2026, township__name="青石镇"
    ).first()
    page = Client().get(reverse("projects:receipt_detail", args=[suggestion.receipt_code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2026年民生实事项目票决" in html  # the vote
    assert "满意度测评" in html and "满意率" in html  # the rating
    assert "实施进度" in html  # supervision's progress
    # In the order it happened: the list was locked before the vote, the rating came after.
    steps = re.findall(r'data-step="(\w+)"', html)
    assert steps.index("candidate") < steps.index("vote") < steps.index("rating")
    assert steps[-1] == "progress"
