"""The hand-offs between stages, composed from each stage's own services.

Publishing a vote is one atomic action (``voting.services.vote_publish``); voting announces
it (``voting.hooks.vote_published``) and what follows in later stages happens here, inside
the same transaction: a project vote marks each candidate's outcome in the reserve
(projects) and gives every elected project an implementation plan (supervision); a
satisfaction evaluation files the rectifications, reports and next year's priorities its
rules ask for (supervision). The reads voting and projects need from later stages —
supervision's evidence on an evaluation ballot, a project's lineage through the vote, the
work and the rating — are provided here too. ``cycle/apps.py`` connects them."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_noop

from livelihood.i18n import in_site_language as official
from projects.services import project_mark_outcome
from supervision import selectors as supervision_selectors
from supervision import services as supervision
from voting.kinds import ProjectVote, SatisfactionEvaluation, kind_of
from voting.models import CandidateResult, EvaluationResult, Grade, Vote
from voting.selectors import published_outcomes


def on_vote_published(*, vote: Vote, actor, **_signal) -> None:
    """What follows a published vote in later stages, by its kind of ballot."""
    ON_PUBLISH[type(kind_of(vote))](actor=actor, vote=vote)


def mark_outcomes(*, actor, vote: Vote) -> None:
    """Elected projects move to implementation, each with an (empty) implementation plan;
    the others return to the reserve. Tied candidates wait for their run-off."""
    for cr in CandidateResult.objects.filter(vote_result__vote=vote).select_related(
        "candidate__project"
    ):
        project = cr.candidate.project
        if project is None or cr.tied:
            continue
        project = project_mark_outcome(actor=actor, project=project, elected=cr.elected)
        if cr.elected:
            supervision.implementation_plan_ensure(actor=actor, project=project)


def evaluation_consequences(*, actor, vote: Vote) -> list[str]:
    """E4, as the copied rules say: 基本满意 → rectification; 不满意 → rectification and a
    report to the standing committee; both → next year's supervision priority; unfinished
    projects → an explanation and a completion plan."""
    rules = kind_of(vote).rules
    year = vote.plan.year if vote.plan_id else vote.session.date.year
    deadline = vote.session.date + datetime.timedelta(days=90)
    done = []
    for ev in EvaluationResult.objects.filter(vote_result__vote=vote).select_related(
        "candidate__project"
    ):
        project = ev.candidate.project
        if project is None:
            continue
        if ev.grade == "basic" and rules.rectify_on_basic:
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=False,
                title=official(
                    gettext_noop("Rectification after the satisfaction evaluation (基本满意)")
                ),
                source="evaluation",
            )
            done.append(f"rectify:{project.pk}")
        if ev.grade == "unsatisfied":
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=rules.report_on_unsatisfied,
                title=official(
                    gettext_noop("Rectification after the satisfaction evaluation (不满意)")
                ),
                source="evaluation",
            )
            done.append(f"rectify:{project.pk}")
        if ev.grade in ("basic", "unsatisfied") and rules.low_rated_priority:
            supervision.project_priority_set(
                actor=actor,
                project=project,
                year=year + 1,
                reason=official(
                    gettext_noop("Rated %(grade)s in the satisfaction evaluation"),
                    grade=Grade(ev.grade).label,  # lazy: rendered in the official language
                ),
            )
        if project.status != "completed":
            supervision.rectification_create(
                actor=actor,
                project=project,
                deadline=deadline,
                report_required=True,
                title=official(
                    gettext_noop("Unfinished project: explain and submit a completion plan")
                ),
                source="evaluation",
            )
    return done


# Each kind of ballot's hand-off when its vote is published.
ON_PUBLISH = {ProjectVote: mark_outcomes, SatisfactionEvaluation: evaluation_consequences}


def lineage_after_the_reserve(project) -> dict:
    """A project's lineage beyond the reserve: its published votes and ratings, and
    supervision's figures once it is elected."""
    votes, ratings = published_outcomes(project)
    progress = None
    if project.status in ("implementing", "completed", "elected"):
        progress = supervision_selectors.project_evidence(project)
    return {"votes": votes, "ratings": ratings, "progress": progress}
