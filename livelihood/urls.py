from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from cycle import views as cycle_views

from . import views

urlpatterns = [
    path("", cycle_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("congress.urls")),
    path("", include("projects.urls")),
    path("", include("voting.urls")),
    path("", include("reports.urls")),
    path("", include("supervision.urls")),
    path("", include("stations.urls")),
    path("api/v1/", include(("livelihood.api", "api"), namespace="api")),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT, in any mode (DEBUG included): uploaded photos and generated
# reports leave only through views that check who asks (supervision:photo,
# reports:report_download). tests/test_serving.py holds this.
