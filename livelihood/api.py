"""The /api/v1/ router. Each app registers its viewsets here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from congress import api as congress_api

router = DefaultRouter()
router.register("townships", congress_api.TownshipViewSet, basename="township")
router.register("villages", congress_api.VillageViewSet, basename="village")
router.register("deputies", congress_api.DeputyViewSet, basename="deputy")
router.register("sessions", congress_api.SessionViewSet, basename="session")
router.register("attendance", congress_api.AttendanceViewSet, basename="attendance")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
