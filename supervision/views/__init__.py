"""Thin views for stage 4: fetch-and-authorize, call a service, render.

One module per page group (see the app's README, "Code layout"); ``urls.py`` reads the views
from here."""

from .county import (
    county_inspection_create,
    county_inspections,
    county_ledger,
    county_overview,
    county_settings,
    county_units,
    hearing_create,
    hearing_detail,
    hearing_list,
    oversight_edit,
    round_create,
    round_detail,
)
from .groups import group_detail, plan_groups
from .items import ITEM_ACTIONS, item_detail
from .personal import my, notifications
from .photos import PHOTO_CSP, photo
from .projects import inspection_create, item_create, plan_edit, project_detail, report_create
from .public import public_project
from .township import ledger, overview

__all__ = [
    "ITEM_ACTIONS",
    "PHOTO_CSP",
    "county_inspection_create",
    "county_inspections",
    "county_ledger",
    "county_overview",
    "county_settings",
    "county_units",
    "hearing_create",
    "hearing_detail",
    "hearing_list",
    "oversight_edit",
    "round_create",
    "round_detail",
    "group_detail",
    "inspection_create",
    "item_create",
    "item_detail",
    "ledger",
    "my",
    "notifications",
    "overview",
    "photo",
    "plan_edit",
    "plan_groups",
    "project_detail",
    "public_project",
    "report_create",
]
