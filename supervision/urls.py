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
]
