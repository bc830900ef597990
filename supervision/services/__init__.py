"""Writes for stage 4. One function per use case, keyword-only; each runs in one transaction,
checks permission, validates, and writes its audit row (and ledger step).

One module per action group (see the app's README, "Code layout"); every public name is
re-exported here, so callers keep writing ``from supervision import services``."""

from ..messages import recommender_message
from ._base import SUPERVISED, ruleset_for
from .county import (
    Finding,
    county_inspection_record,
    county_round_dates,
    county_round_reminders_send,
    county_settings_update,
    county_unit_save,
    county_units_ensure,
    hearing_record,
    oversight_set,
    round_record,
)
from .groups import (
    group_confirm,
    group_leader_set,
    group_member_add,
    group_member_duty_set,
    group_member_remove,
    groups_propose,
    plan_projects,
    recommender_inputs,
)
from .inspections import inspection_record
from .ledger import (
    LEDGER_MACHINE,
    item_answer,
    item_close,
    item_create,
    item_escalate,
    item_hand_over,
    item_reopen,
    project_priority_set,
    rectification_create,
)
from .notifications import notifications_mark_read, notify
from .plans import PLAN_FIELDS, implementation_plan_ensure, implementation_plan_update
from .reminders import reminders_send
from .reports import REPORT_FIELDS, progress_report_submit

__all__ = [
    "Finding",
    "LEDGER_MACHINE",
    "PLAN_FIELDS",
    "REPORT_FIELDS",
    "SUPERVISED",
    "county_inspection_record",
    "county_round_dates",
    "county_round_reminders_send",
    "county_settings_update",
    "county_unit_save",
    "county_units_ensure",
    "hearing_record",
    "group_confirm",
    "group_leader_set",
    "group_member_add",
    "group_member_duty_set",
    "group_member_remove",
    "groups_propose",
    "implementation_plan_ensure",
    "implementation_plan_update",
    "inspection_record",
    "item_answer",
    "item_close",
    "item_create",
    "item_escalate",
    "item_hand_over",
    "item_reopen",
    "notifications_mark_read",
    "notify",
    "oversight_set",
    "plan_projects",
    "progress_report_submit",
    "project_priority_set",
    "recommender_inputs",
    "recommender_message",
    "rectification_create",
    "reminders_send",
    "round_record",
    "ruleset_for",
]
