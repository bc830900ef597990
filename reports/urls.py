from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    # Quarterly reports (staff: township; reviewers: county roll-up)
    path("reports/townships/<int:pk>/", views.township_reports, name="township_reports"),
    path("reports/counties/<int:pk>/", views.county_reports, name="county_reports"),
    path(
        "reports/counties/<int:pk>/congress/",
        views.county_congress_reports,
        name="county_congress_reports",
    ),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("reports/<int:pk>/download/", views.report_download, name="report_download"),
    # Dashboards (read-only)
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("dashboard/counties/<int:pk>/", views.county_dashboard, name="county_dashboard"),
    path(
        "dashboard/counties/<int:pk>/<int:year>/",
        views.county_dashboard,
        name="county_dashboard_year",
    ),
    path(
        "dashboard/counties/<int:pk>/<int:year>.xlsx",
        views.county_dashboard_xlsx,
        name="county_dashboard_xlsx",
    ),
    path(
        "dashboard/prefectures/<int:pk>/", views.prefecture_dashboard, name="prefecture_dashboard"
    ),
    path(
        "dashboard/prefectures/<int:pk>/<int:year>/",
        views.prefecture_dashboard,
        name="prefecture_dashboard_year",
    ),
    path(
        "dashboard/prefectures/<int:pk>/<int:year>.xlsx",
        views.prefecture_dashboard_xlsx,
        name="prefecture_dashboard_xlsx",
    ),
    path("dashboard/townships/<int:pk>/", views.township_dashboard, name="township_dashboard"),
    path(
        "dashboard/townships/<int:pk>/<int:year>/",
        views.township_dashboard,
        name="township_dashboard_year",
    ),
    path(
        "dashboard/townships/<int:pk>/<int:year>.xlsx",
        views.township_dashboard_xlsx,
        name="township_dashboard_xlsx",
    ),
    path("dashboard/projects/<int:pk>/", views.project_dashboard, name="project_dashboard"),
    # Public transparency pages (no login, no personal data)
    path("public/", views.public_index, name="public_index"),
    path("public/townships/<int:pk>/", views.public_township, name="public_township"),
    path(
        "public/townships/<int:pk>/<int:year>/",
        views.public_township,
        name="public_township_year",
    ),
    path("public/counties/<int:pk>/", views.public_county, name="public_county"),
    path(
        "public/counties/<int:pk>/<int:year>/",
        views.public_county,
        name="public_county_year",
    ),
]
