"""Reserve projects, their lineage, receipts and QR intake links."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from congress.models import County, Deputy
from congress.permissions import get_scope

from .. import domain, hooks
from ..models import (
    Candidate,
    IntakeLink,
    Project,
    ShortlistDecision,
    Suggestion,
    body_fields,
)


def body_scope_q(user) -> Q | None:
    """The rows of the congress bodies ``user`` may read: the townships where they hold a
    role (or are a deputy), every township of a reviewer's counties, and a county congress's
    own rows for its roles and its (or its prefecture's) reviewers. None for a superuser."""
    scope = get_scope(user)
    if scope.is_superuser:
        return None
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return (
        Q(township_id__in=ids)
        | Q(township__county_id__in=scope.reviewer_counties)
        | Q(county_id__in=scope.county_congress_readers)
    )


def projects_visible_to(user) -> QuerySet[Project]:
    qs = Project.objects.select_related("township", "county")
    condition = body_scope_q(user)
    return qs if condition is None else qs.filter(condition)


def reserve_list(user, *, township, status: str = "", search: str = "") -> QuerySet[Project]:
    """The reserve of a congress body: ``township`` is a Township or a County."""
    qs = (
        projects_visible_to(user)
        .filter(**body_fields(township))
        .defer("tokens")
        .annotate(n_suggestions=Count("suggestions", distinct=True))
        .prefetch_related("villages")
    )
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(content__icontains=search))
    return qs.order_by("-created_at", "-id")


@dataclass
class LineageStep:
    """One line of the lineage: what kind of step, when, and the object it shows."""

    kind: str  # "status", "decision", "candidate", "vote", "progress", "rating"
    at: datetime.datetime | None
    item: object


@dataclass
class Lineage:
    project: Project
    villages: list = field(default_factory=list)
    suggestions_count: int = 0
    status_changes: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    candidacies: list = field(default_factory=list)
    votes: list = field(default_factory=list)  # published vote results (CandidateResult)
    ratings: list = field(default_factory=list)  # published evaluations (EvaluationResult)
    progress: dict | None = None  # supervision's latest figures, when supervised

    @property
    def timeline(self) -> list[LineageStep]:
        """Every step in the order it happened. A candidate list counts from its lock; the
        implementation figures are the state today, so they come last."""
        steps = [LineageStep("status", c.at, c) for c in self.status_changes]
        steps += [LineageStep("decision", d.recorded_at, d) for d in self.decisions]
        steps += [LineageStep("candidate", c.candidate_list.locked_at, c) for c in self.candidacies]
        steps += [LineageStep("vote", v["vote"].published_at, v) for v in self.votes]
        steps += [LineageStep("rating", r["vote"].published_at, r) for r in self.ratings]
        dated = sorted(
            (s for s in steps if s.at is not None), key=lambda s: (s.at, _KIND_ORDER[s.kind])
        )
        undated = [s for s in steps if s.at is None]
        out = dated + undated
        if self.progress and self.progress.get("milestones_total"):
            out.append(LineageStep("progress", None, self.progress))
        return out


# Steps at the same moment: a vote's result before the status change it caused.
_KIND_ORDER = {"decision": 0, "candidate": 1, "vote": 2, "status": 3, "rating": 4}


def project_lineage(project: Project) -> Lineage:
    """Everything that happened to a project, without anyone's personal data: the status
    history, each round's decision and reason, and the candidate lists it stood on. Later
    stages (vote, progress, rating) add their steps through ``projects.hooks``, connected by
    the cycle layer."""
    return Lineage(
        **hooks.lineage_extras(project),
        project=project,
        villages=list(project.villages.all()),
        suggestions_count=project.suggestions.count(),
        status_changes=list(project.status_changes.order_by("at", "id")),
        decisions=list(
            ShortlistDecision.objects.filter(project=project)
            .select_related("round", "round__plan")
            .order_by("round__plan__year", "round__position")
        ),
        candidacies=list(
            Candidate.objects.filter(project=project)
            .select_related("candidate_list", "candidate_list__plan")
            .order_by("candidate_list__plan__year")
        ),
    )


def suggestion_by_receipt(code: str) -> Suggestion | None:
    normalized = domain.normalize_receipt_code(code)
    if normalized is None:
        return None
    return (
        Suggestion.objects.select_related(
            "township", "county", "village", "project", "deputy", "station"
        )
        .filter(receipt_code=normalized)
        .first()
    )


def suggestions_by_receipts(codes: list[str]) -> list[Suggestion]:
    """The suggestions behind these receipt codes, in the order given (one query); unknown
    codes are skipped. Only what the public receipt page shows anyway: code and status."""
    if not codes:
        return []
    by_code = {
        s.receipt_code: s
        for s in Suggestion.objects.filter(receipt_code__in=codes).only(
            "pk", "receipt_code", "status"
        )
    }
    return [by_code[code] for code in codes if code in by_code]


def intake_link_by_token(token: str) -> IntakeLink | None:
    token = (token or "").strip().upper()
    return (
        IntakeLink.objects.select_related(
            "township", "county", "deputy", "station", "station__village"
        )
        .filter(token=token, is_active=True)
        .first()
    )


def intake_links(body) -> QuerySet[IntakeLink]:
    """A congress body's QR links (a township's, or a county congress's own): stations, then
    a county's general link, then deputies, by name."""
    return (
        IntakeLink.objects.filter(**body_fields(body))
        .select_related(
            "deputy",
            "deputy__home_village",
            "deputy__township",
            "station",
            "station__village",
            "station__township",
        )
        .order_by(
            F("station__name").asc(nulls_last=True),
            F("deputy__name").asc(nulls_first=True),
            "pk",
        )
    )


def general_intake_link(county) -> IntakeLink | None:
    """A county congress's general QR link (no deputy or station receives it), if made."""
    return IntakeLink.objects.filter(county=county, deputy=None, station=None).first()


def deputies_without_intake_link(body) -> QuerySet[Deputy]:
    """The deputies in office who should have a QR link of this body and have none yet: a
    township's deputies, or a county congress's county deputies (from every township's
    roster of the county)."""
    if isinstance(body, County):
        return Deputy.objects.filter(
            township__county=body, is_county_deputy=True, in_office=True
        ).exclude(intake_links__county=body)
    return Deputy.objects.filter(township=body, in_office=True).exclude(intake_links__township=body)


def suggestion_referral(suggestion: Suggestion) -> Suggestion | None:
    """The county congress's row for a suggestion the township referred to it (转县级), with
    its project: what the resident's receipt follows. None when it was not referred."""
    return (
        Suggestion.objects.select_related("county", "project")
        .filter(referred_from=suggestion)
        .first()
    )
