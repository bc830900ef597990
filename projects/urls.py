from django.urls import path

from . import views

app_name = "projects"
COUNTY = {"level": "county"}

urlpatterns = [
    # Public (no account): the QR form, the receipt lookup
    path("s/<str:token>/", views.intake, name="intake"),
    path("track/", views.receipt_lookup, name="receipt_lookup"),
    path("track/<str:code>/", views.receipt_detail, name="receipt_detail"),
    # Suggestions (staff triage; staff and deputies enter offline suggestions)
    path("townships/<int:pk>/suggestions/", views.suggestion_list, name="suggestion_list"),
    path("townships/<int:pk>/suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path(
        "townships/<int:pk>/suggestions/decide/", views.suggestion_decide, name="suggestion_decide"
    ),
    path(
        "townships/<int:pk>/suggestions/import/", views.suggestion_import, name="suggestion_import"
    ),
    path(
        "townships/<int:pk>/suggestions/template.xlsx",
        views.suggestion_template,
        name="suggestion_template",
    ),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/refer/", views.suggestion_refer, name="suggestion_refer"),
    # QR codes
    path("townships/<int:pk>/intake/", views.intake_codes, name="intake_codes"),
    path("townships/<int:pk>/intake/sheet.pdf", views.intake_sheet, name="intake_sheet"),
    path("intake/<str:token>/poster.pdf", views.intake_poster, name="intake_poster"),
    # The reserve
    path("townships/<int:pk>/projects/", views.project_list, name="project_list"),
    path("townships/<int:pk>/projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    # Plans, rounds, candidate lists
    path("townships/<int:pk>/plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/rounds/<int:position>/", views.round_detail, name="round_detail"),
    path("plans/<int:pk>/candidates/", views.candidate_list, name="candidate_list"),
    path("plans/<int:pk>/candidates.pdf", views.candidate_pdf, name="candidate_pdf"),
    # A county congress's own intake, reserve and plans (issue 17): the same views, the body
    # resolved as a county (views._base.body_view); a plan's, project's and suggestion's own
    # pages above serve both levels.
    path(
        "counties/<int:pk>/suggestions/",
        views.suggestion_list,
        COUNTY,
        name="county_suggestion_list",
    ),
    path(
        "counties/<int:pk>/suggestions/new/",
        views.suggestion_create,
        COUNTY,
        name="county_suggestion_create",
    ),
    path(
        "counties/<int:pk>/suggestions/decide/",
        views.suggestion_decide,
        COUNTY,
        name="county_suggestion_decide",
    ),
    path(
        "counties/<int:pk>/suggestions/import/",
        views.suggestion_import,
        COUNTY,
        name="county_suggestion_import",
    ),
    path(
        "counties/<int:pk>/suggestions/template.xlsx",
        views.suggestion_template,
        COUNTY,
        name="county_suggestion_template",
    ),
    path("counties/<int:pk>/projects/", views.project_list, COUNTY, name="county_project_list"),
    path(
        "counties/<int:pk>/projects/new/",
        views.project_create,
        COUNTY,
        name="county_project_create",
    ),
    path("counties/<int:pk>/plans/", views.plan_list, COUNTY, name="county_plan_list"),
    # The county's QR codes: its general link, county deputies', county-level stations'.
    path("counties/<int:pk>/intake/", views.intake_codes, COUNTY, name="county_intake_codes"),
    path(
        "counties/<int:pk>/intake/sheet.pdf",
        views.intake_sheet,
        COUNTY,
        name="county_intake_sheet",
    ),
]
