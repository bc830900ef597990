"""Reads for stages 1–2, filtered by the user's scope.

One module per group (``suggestions``, ``reserve``, ``plans``, ``worklist``); this package
re-exports them so callers write ``selectors.<read>``.
"""

from .plans import (
    candidate_rows,
    plan_entries,
    plan_funnel,
    plan_rounds,
    plan_rounds_light,
    plans_visible_to,
    reserve_for_plan,
    rounds_of,
)
from .reserve import (
    Lineage,
    LineageStep,
    intake_link_by_token,
    intake_links,
    project_lineage,
    projects_visible_to,
    reserve_list,
    suggestion_by_receipt,
    suggestion_referral,
    suggestions_by_receipts,
)
from .suggestions import (
    SIMILAR_CANDIDATE_LIMIT,
    TriageFilters,
    similar_projects,
    similar_suggestions,
    suggestion_categories,
    suggestion_for_staff,
    suggestions_for_staff,
    triage_list,
)
from .worklist import tasks_for

__all__ = [
    "SIMILAR_CANDIDATE_LIMIT",
    "Lineage",
    "LineageStep",
    "TriageFilters",
    "candidate_rows",
    "intake_link_by_token",
    "intake_links",
    "plan_entries",
    "plan_funnel",
    "plan_rounds",
    "plan_rounds_light",
    "plans_visible_to",
    "project_lineage",
    "projects_visible_to",
    "reserve_for_plan",
    "reserve_list",
    "rounds_of",
    "similar_projects",
    "similar_suggestions",
    "suggestion_by_receipt",
    "suggestion_referral",
    "suggestion_categories",
    "suggestion_for_staff",
    "suggestions_by_receipts",
    "suggestions_for_staff",
    "tasks_for",
    "triage_list",
]
