"""The /api/v1/ router. Each app registers its viewsets here."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from congress import api as congress_api
from projects import api as projects_api
from reports import api as reports_api
from stations import api as stations_api
from supervision import api as supervision_api
from voting import api as voting_api

router = DefaultRouter()
router.register("townships", congress_api.TownshipViewSet, basename="township")
router.register("villages", congress_api.VillageViewSet, basename="village")
router.register("deputies", congress_api.DeputyViewSet, basename="deputy")
router.register("sessions", congress_api.SessionViewSet, basename="session")
router.register("attendance", congress_api.AttendanceViewSet, basename="attendance")
router.register("suggestions", projects_api.SuggestionViewSet, basename="suggestion")
router.register(
    "public-suggestions", projects_api.PublicSuggestionViewSet, basename="public-suggestion"
)
router.register("receipts", projects_api.ReceiptViewSet, basename="receipt")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("plans", projects_api.PlanViewSet, basename="plan")
router.register("rounds", projects_api.RoundViewSet, basename="round")
router.register("candidate-lists", projects_api.CandidateListViewSet, basename="candidate-list")
router.register("votes", voting_api.VoteViewSet, basename="vote")
router.register("cast", voting_api.CastViewSet, basename="cast")
router.register("results", voting_api.ResultViewSet, basename="result")
router.register(
    "supervision-groups", supervision_api.SupervisionGroupViewSet, basename="supervision-group"
)
router.register("ledger-items", supervision_api.LedgerItemViewSet, basename="ledger-item")
router.register(
    "supervised-projects", supervision_api.SupervisedProjectViewSet, basename="supervised-project"
)
router.register(
    "progress-reports", supervision_api.ProgressReportViewSet, basename="progress-report"
)
router.register("county-rounds", supervision_api.CountyRoundViewSet, basename="county-round")
router.register("hearings", supervision_api.HearingViewSet, basename="hearing")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register(
    "indicators/counties", reports_api.CountyIndicatorViewSet, basename="county-indicators"
)
router.register(
    "indicators/prefectures",
    reports_api.PrefectureIndicatorViewSet,
    basename="prefecture-indicators",
)
stations_api.register(router)  # stations, their calendar, bookings, duty records


@csrf_exempt  # it changes nothing; without this a POST gets Django's HTML CSRF page
def not_found(request, *args, **kwargs):
    """Unknown API paths answer JSON, like every other API error."""
    return JsonResponse({"detail": "Not found."}, status=404)


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI that runs under the site's strict Content-Security-Policy: the split view
    loads its start-up script from ``?script`` instead of inlining it, and the template moves
    the inline style to a static file. Swagger UI's own files come from the sidecar package,
    served locally like every other static file."""

    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^[\s\S]*$", not_found),
]
