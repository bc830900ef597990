"""The home page's work list (composed with the other stages' in livelihood.worklist)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
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


def _staff_township_ids(user) -> set[int] | None:
    """Townships whose staff work the user does; None: every township (a superuser)."""
    scope = get_scope(user)
    if scope.is_superuser:
        return None
    return set(scope.staff_townships)


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """Staff's shortlisting work: suggestions to review, rounds to decide, candidate lists to
    lock. At most five queries, however many suggestions, plans and projects there are."""
    ids = _staff_township_ids(user)
    if ids is not None and not ids:
        return []
    tasks: list[Task] = []

    suggestions = Suggestion.objects.filter(status=SuggestionStatus.RECEIVED)
    plans = AnnualPlan.objects.filter(year__gte=today.year).exclude(
        candidate_list__locked_at__isnull=False
    )
    if ids is not None:
        suggestions = suggestions.filter(township_id__in=ids)
        plans = plans.filter(township_id__in=ids)
    for row in (
        suggestions.values("township_id", "township__name")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by("township__name")
    ):
        url = reverse("projects:suggestion_list", args=[row["township_id"]])
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
                    "township": row["township__name"],
                    "date": timezone.localtime(row["oldest"]).date().isoformat(),
                },
                url=f"{url}?status={SuggestionStatus.RECEIVED}",
                count=row["n"],
            )
        )

    plans = list(plans.select_related("township").order_by("year", "township__name"))
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
            "township": plan.township.name,
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
