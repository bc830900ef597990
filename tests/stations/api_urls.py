"""The site's URLconf with the stations API on /api/v1/ in front, for tests run before
livelihood/api.py registers it (stations.api.register)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from stations import api as stations_api

router = SimpleRouter()
stations_api.register(router)

urlpatterns = [
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    path("", include("livelihood.urls")),
]
