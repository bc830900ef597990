"""/api/v1/reports/: quarterly reports in the caller's scope (read-only: status, progress,
error, the download URL once done). Asking for a report goes through the page (or the same
service); the API only reads."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from congress.models import County
from cycle import indicators

from . import selectors
from .models import Report
from .permissions import user_can_view_county_dashboard


class ReportSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.name", allow_null=True, read_only=True)
    county = serializers.CharField(source="county.name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "township",
            "county",
            "year",
            "quarter",
            "status",
            "progress",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str | None:
        if obj.status != "done":
            return None
        return reverse("reports:report_download", args=[obj.pk])


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Township reports for their staff and the county's reviewers; county roll-ups for the
    county's reviewers."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user).order_by("-created_at", "-id")


# ---------------------------------------------------------------------------------------------
# Dashboard indicators: the same figures as the dashboards, PDFs and sheets (cycle.indicators),
# as of a date, for the county's reviewers and the township's roles.


class FiguresSerializer(serializers.Serializer):
    def to_representation(self, instance):
        out = {}
        for key, value in instance.as_dict().items():
            out[key] = str(value) if isinstance(value, Decimal) else value
        return out


class TownshipFiguresSerializer(serializers.Serializer):
    township = serializers.IntegerField(source="township.pk")
    name = serializers.CharField(source="township.name")
    figures = FiguresSerializer()


class CountyFiguresSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    total = FiguresSerializer()
    townships = TownshipFiguresSerializer(source="rows", many=True)
    definitions = serializers.SerializerMethodField()

    def get_definitions(self, obj) -> dict[str, dict[str, str]]:
        return {
            key: {"label": str(d.label), "base": str(d.text)}
            for key, d in indicators.DEFINITIONS.items()
        }


class IndicatorQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    as_of = serializers.DateField(required=False)


class CountyIndicatorViewSet(viewsets.GenericViewSet):
    """``GET /api/v1/indicators/counties/{id}/?year=&as_of=``: every township's figures of
    the year as of the date (default: the latest year with a published vote, today), the
    county total (the sum of its townships) and each figure's definition and base."""

    serializer_class = CountyFiguresSerializer
    queryset = County.objects.none()
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        parameters=[IndicatorQuery],
        responses={
            200: CountyFiguresSerializer,
            400: OpenApiResponse(description="A malformed year or date."),
            404: OpenApiResponse(description="No such county in the caller's scope."),
        },
    )
    def retrieve(self, request, pk=None):
        county = selectors.counties_for_dashboard(request.user).filter(pk=pk).first()
        if county is None:
            raise NotFound
        if not user_can_view_county_dashboard(request.user, county):
            raise PermissionDenied
        query = IndicatorQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or indicators.default_year(county=county)
        figures = indicators.county_figures(county, year, as_of=query.validated_data.get("as_of"))
        return Response(CountyFiguresSerializer(figures).data)
