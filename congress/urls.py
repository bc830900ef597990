from django.urls import path

from . import views

app_name = "congress"

urlpatterns = [
    path("townships/", views.township_list, name="township_list"),
    path("townships/<int:pk>/", views.township_detail, name="township_detail"),
    path("townships/<int:pk>/deputies/", views.deputy_list, name="deputy_list"),
    path("townships/<int:pk>/deputies/new/", views.deputy_create, name="deputy_create"),
    path("townships/<int:pk>/roster/import/", views.roster_import, name="roster_import"),
    path("townships/<int:pk>/roster/template.xlsx", views.roster_template, name="roster_template"),
    path("townships/<int:pk>/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("townships/<int:pk>/rules/", views.ruleset_edit, name="ruleset_edit"),
    path("townships/<int:pk>/accounts/", views.township_accounts, name="township_accounts"),
    path("townships/<int:pk>/audit/", views.audit_log, name="audit_log"),
    path("townships/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("deputies/<int:pk>/edit/", views.deputy_edit, name="deputy_edit"),
    path("deputies/<int:pk>/account/", views.deputy_account_create, name="deputy_account_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/headcount/", views.session_headcount, name="session_headcount"),
    path("sessions/<int:pk>/roll/", views.session_open_roll, name="session_open_roll"),
    path(
        "sessions/<int:pk>/attendance/<int:deputy_id>/",
        views.attendance_set,
        name="attendance_set",
    ),
    # the county's own congress (issue 17)
    path("counties/<int:pk>/congress/", views.county_congress, name="county_congress"),
    path(
        "counties/<int:pk>/sessions/new/",
        views.county_session_create,
        name="county_session_create",
    ),
    path("terms/<int:pk>/delegations/", views.term_delegations, name="term_delegations"),
    path("terms/<int:pk>/delegations/new/", views.delegation_create, name="delegation_create"),
    path(
        "terms/<int:pk>/delegations/by-township/",
        views.delegations_by_township,
        name="delegations_by_township",
    ),
    path("delegations/<int:pk>/", views.delegation_detail, name="delegation_detail"),
    path("delegations/<int:pk>/edit/", views.delegation_edit, name="delegation_edit"),
    path("delegations/<int:pk>/assign/", views.delegation_assign, name="delegation_assign"),
    path(
        "delegations/<int:pk>/remove/<int:deputy_id>/",
        views.delegation_remove,
        name="delegation_remove",
    ),
]
