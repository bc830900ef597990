"""The home page's work list (composed with the other stages' in livelihood.worklist)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.permissions import get_scope
from congress.worklist import STAFF, Task

from .. import domain
from ..models import (
    AnnualPlan,
    PlanProject,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
    SuggestionStatus,
)


def staff_bodies(scope) -> Q | None:
    """The rows of the congresses whose staff work the user does: their townships', and their
    counties' own congresses (县人大常委会工作人员; a county's row has no township). None:
    every body (a superuser)."""
    if scope.is_superuser:
        return None
    q = Q(pk__in=[])
    if scope.staff_townships:
        q |= Q(township_id__in=scope.staff_townships)
    if scope.county_staff_counties:
        q |= Q(township__isnull=True, county_id__in=scope.county_staff_counties)
    return q


def county_congress_name(name: str) -> str:
    """How a work-list item names a county's own congress: "青山县人大"."""
    return _("%(county)s congress") % {"county": name}


def _body_name(township_name: str | None, county_name: str | None) -> str:
    return township_name if township_name else county_congress_name(county_name)


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """Staff's shortlisting work: suggestions to review, rounds to decide, candidate lists to
    lock — of their townships and of their counties' own congresses. At most five queries,
    however many suggestions, plans, projects and bodies there are."""
    scope = get_scope(user)
    if not (scope.is_superuser or scope.staff_townships or scope.county_staff_counties):
        return []
    bodies = staff_bodies(scope)
    tasks: list[Task] = []

    suggestions = Suggestion.objects.filter(status=SuggestionStatus.RECEIVED)
    plans = AnnualPlan.objects.filter(year__gte=today.year).exclude(
        candidate_list__locked_at__isnull=False
    )
    if bodies is not None:
        suggestions = suggestions.filter(bodies)
        plans = plans.filter(bodies)
    for row in (
        suggestions.values("township_id", "township__name", "county_id", "county__name")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by("township__name", "county__name")
    ):
        if row["township_id"]:
            url = reverse("projects:suggestion_list", args=[row["township_id"]])
        else:
            url = reverse("projects:county_suggestion_list", args=[row["county_id"]])
        tasks.append(
            Task(
                section=STAFF,
                kind="triage",
                what=ngettext(
                    "Review %(n)s new suggestion",
                    "Review %(n)s new suggestions",
                    row["n"],
                )
                % {"n": row["n"]},
                where=_("%(township)s · waiting since %(date)s")
                % {
                    "township": _body_name(row["township__name"], row["county__name"]),
                    "date": timezone.localtime(row["oldest"]).date().isoformat(),
                },
                url=f"{url}?status={SuggestionStatus.RECEIVED}",
                count=row["n"],
            )
        )

    plans = list(
        plans.select_related("township", "county").order_by(
            "year", "township__name", "county__name"
        )
    )
    if not plans:
        return tasks
    plan_ids = [p.pk for p in plans]
    rounds: dict[int, list[tuple[int, str]]] = {}
    for plan_id, position, name in (
        ShortlistRound.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position")
        .values_list("plan_id", "position", "name")
    ):
        rounds.setdefault(plan_id, []).append((position, name))
    entered: dict[int, list[int]] = {}
    for plan_id, project_id in PlanProject.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "project_id"
    ):
        entered.setdefault(plan_id, []).append(project_id)
    decisions: dict[int, dict[int, dict[int, str]]] = {}
    for plan_id, position, project_id, decision in ShortlistDecision.objects.filter(
        round__plan_id__in=plan_ids
    ).values_list("round__plan_id", "round__position", "project_id", "decision"):
        decisions.setdefault(plan_id, {}).setdefault(position, {})[project_id] = decision

    for plan in plans:
        where = _("%(township)s · %(year)s plan") % {
            "township": plan.township.name
            if plan.township_id
            else county_congress_name(plan.county.name),
            "year": plan.year,
        }
        if not entered.get(plan.pk):
            tasks.append(
                Task(
                    section=STAFF,
                    kind="plan_entries",
                    what=_("Put reserve projects forward for shortlisting"),
                    where=where,
                    url=reverse("projects:plan_detail", args=[plan.pk]),
                )
            )
            continue
        plan_rounds = rounds.get(plan.pk, [])
        by_index = {
            i: decisions.get(plan.pk, {}).get(position, {})
            for i, (position, _name) in enumerate(plan_rounds)
        }
        pending = None
        for i, (position, name) in enumerate(plan_rounds):
            pool = domain.round_pool(i, entered[plan.pk], by_index)
            undecided = [pid for pid in pool if pid not in by_index.get(i, {})]
            if undecided:
                pending = (position, name, len(undecided))
                break
        if pending is not None:
            position, name, n = pending
            tasks.append(
                Task(
                    section=STAFF,
                    kind="round",
                    what=ngettext(
                        "%(round)s: decide %(n)s project",
                        "%(round)s: decide %(n)s projects",
                        n,
                    )
                    % {"round": name, "n": n},
                    where=where,
                    url=reverse("projects:round_detail", args=[plan.pk, position]),
                    count=n,
                )
            )
        elif domain.advanced_by_last_round(len(plan_rounds), entered[plan.pk], by_index):
            tasks.append(
                Task(
                    section=STAFF,
                    kind="lock_candidates",
                    what=_("Check and lock the candidate list"),
                    where=where,
                    url=reverse("projects:candidate_list", args=[plan.pk]),
                )
            )
    return tasks
