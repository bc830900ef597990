"""E4: publishing an evaluation creates the rectification items and priorities the rules ask
for, in the supervision ledger."""

import re

from supervision.models import ImplementationPlan, LedgerItem, SupervisionPriority
from voting import services

from .ceremony import open_box_and_count
from .test_evaluation import _evaluation, _run


def test_publishing_creates_rectifications_priorities_and_completion_plans(world):
    evaluation = _evaluation(world)
    # Elected projects got an (empty) implementation plan when the vote was published.
    assert ImplementationPlan.objects.count() == 2
    _run(world, evaluation, ["SB"] * 5 + ["SU"] * 3)  # project 2: 5 基本满意 of 8 → basic
    staff = world.users["staff"]
    services.vote_close(actor=staff, vote=evaluation)
    result = open_box_and_count(staff, evaluation)
    assert list(result.evaluations.values_list("grade", flat=True)) == ["satisfied", "basic"]
    services.vote_certify(actor=world.users["scrutineer"], vote=evaluation)
    services.vote_publish(actor=staff, vote=evaluation)

    second = evaluation.candidates.get(position=2).project
    rectification = LedgerItem.objects.filter(project=second, kind="rectification")
    assert rectification.filter(title__contains="基本满意").exists()
    year = evaluation.plan.year
    assert SupervisionPriority.objects.filter(project=second, year=year + 1).exists()
    first = evaluation.candidates.get(position=1).project
    assert not SupervisionPriority.objects.filter(project=first).exists()
    # Neither project is completed: each needs an explanation and a completion plan.
    assert LedgerItem.objects.filter(title__contains="未完成").count() == 2


def test_resident_follows_the_whole_lineage_by_receipt_code(world):
    """A suggestion merged into a project: the receipt page shows the vote result, the
    progress and the rating once they are published — and nobody's personal data."""
    from django.test import Client
    from django.urls import reverse

    from projects.models import Suggestion
    from tests.projects.factories import suggestion

    evaluation = _evaluation(world)
    project = evaluation.candidates.get(position=1).project
    s = suggestion(world, proposer_name="赵大妈", proposer_phone="13912345678")
    Suggestion.objects.filter(pk=s.pk).update(project=project, status="merged")
    _run(world, evaluation, ["SS"] * 8)
    staff = world.users["staff"]
    services.vote_close(actor=staff, vote=evaluation)
    open_box_and_count(staff, evaluation)
    services.vote_certify(actor=world.users["scrutineer"], vote=evaluation)
    services.vote_publish(actor=staff, vote=evaluation)
    page = Client().get(reverse("projects:receipt_detail", args=[s.receipt_code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "通过" in html and "赞成票 10 张" in html  # the vote
    assert "实施进度" in html  # supervision's progress
    assert "满意" in html and "100.00%" in html  # the rating
    assert "赵大妈" not in html and "13912345678" not in html
    # One timeline in the order things happened: the list is locked before the vote, the
    # rating follows the vote, and today's implementation figures come last.
    steps = re.findall(r'data-step="(\w+)"', html)
    assert steps.index("candidate") < steps.index("vote") < steps.index("rating")
    assert steps[-1] == "progress"
