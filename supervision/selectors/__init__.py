"""Reads for stage 4, filtered by the user's scope. Lists are built with a fixed number of
queries (annotations and subqueries, no per-row lookups).

One module per concern (see the app's README, "Code layout"); every public name is
re-exported here, so callers keep writing ``from supervision import selectors``."""

from ._base import AWAITING, OPEN, SUPERVISED
from .cadence import cadence_rows, project_dues, rules_for
from .county import (
    county_deputies_in_office,
    county_deputy_groups,
    county_hearings,
    county_inspections,
    county_project_oversight,
    county_projects,
    county_round_schedule,
    county_rounds,
    county_supervision_settings,
    county_units,
)
from .groups import group_for_user, group_members, my_groups, plan_groups
from .ledger import item_events, items_visible_to, ledger_list, my_open_items, overdue_items
from .notifications import notifications_for, unread_count
from .projects import (
    project_evidence,
    project_for_user,
    public_projects,
    public_projects_all,
    supervised_projects_visible_to,
    supervision_list,
)
from .worklist import tasks_for

__all__ = [
    "AWAITING",
    "OPEN",
    "SUPERVISED",
    "cadence_rows",
    "county_deputies_in_office",
    "county_deputy_groups",
    "county_hearings",
    "county_inspections",
    "county_project_oversight",
    "county_projects",
    "county_round_schedule",
    "county_rounds",
    "county_supervision_settings",
    "county_units",
    "group_for_user",
    "group_members",
    "item_events",
    "items_visible_to",
    "ledger_list",
    "my_groups",
    "my_open_items",
    "notifications_for",
    "overdue_items",
    "plan_groups",
    "project_dues",
    "project_evidence",
    "project_for_user",
    "public_projects",
    "public_projects_all",
    "rules_for",
    "supervised_projects_visible_to",
    "supervision_list",
    "tasks_for",
    "unread_count",
]
