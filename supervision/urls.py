from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("townships/<int:pk>/supervision/", views.overview, name="overview"),
    path("townships/<int:pk>/supervision/ledger/", views.ledger, name="ledger"),
    path("plans/<int:pk>/supervision-groups/", views.plan_groups, name="plan_groups"),
    path("supervision/groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("supervision/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("supervision/projects/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("supervision/projects/<int:pk>/reports/new/", views.report_create, name="report_create"),
    path(
        "supervision/projects/<int:pk>/inspections/new/",
        views.inspection_create,
        name="inspection_create",
    ),
    path("supervision/projects/<int:pk>/problems/new/", views.item_create, name="item_create"),
    path("supervision/items/<int:pk>/", views.item_detail, name="item_detail"),
    path("supervision/photos/<int:pk>/", views.photo, name="photo"),
    path("supervision/my/", views.my, name="my"),
    path("notifications/", views.notifications, name="notifications"),
    path("progress/<int:pk>/", views.public_project, name="public_project"),
    # A county congress's own projects (issue 17)
    path("counties/<int:pk>/supervision/", views.county_overview, name="county_overview"),
    path("counties/<int:pk>/supervision/ledger/", views.county_ledger, name="county_ledger"),
    path("counties/<int:pk>/supervision/units/", views.county_units, name="county_units"),
    path("counties/<int:pk>/supervision/settings/", views.county_settings, name="county_settings"),
    path("counties/<int:pk>/supervision/rounds/new/", views.round_create, name="round_create"),
    path("counties/<int:pk>/supervision/hearings/", views.hearing_list, name="hearing_list"),
    path(
        "counties/<int:pk>/supervision/hearings/new/",
        views.hearing_create,
        name="hearing_create",
    ),
    path("supervision/projects/<int:pk>/oversight/", views.oversight_edit, name="oversight_edit"),
    path(
        "supervision/projects/<int:pk>/county-inspections/",
        views.county_inspections,
        name="county_inspections",
    ),
    path(
        "supervision/projects/<int:pk>/county-inspections/new/",
        views.county_inspection_create,
        name="county_inspection_create",
    ),
    path("supervision/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("supervision/hearings/<int:pk>/", views.hearing_detail, name="hearing_detail"),
]
