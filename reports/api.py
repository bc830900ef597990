"""/api/v1/reports/: quarterly reports in the caller's scope (read-only: status, progress,
error, the download URL once done). Asking for a report goes through the page (or the same
service); the API only reads."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from congress.models import County, Prefecture
from cycle import indicators

from . import export, selectors
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


class CountyCongressFiguresSerializer(serializers.Serializer):
    """The county congress's own plan (县本级)."""

    county = serializers.IntegerField(source="county.pk")
    name = serializers.SerializerMethodField()
    plan = serializers.IntegerField(source="plan.pk", allow_null=True, default=None)
    figures = FiguresSerializer()

    def get_name(self, obj) -> str:
        return export.county_congress_label(obj.county)


def _definitions() -> dict[str, dict[str, str]]:
    return {
        key: {"label": str(d.label), "base": str(d.text)}
        for key, d in indicators.COUNTY_DEFINITIONS.items()
    }


class CountyFiguresSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    total = FiguresSerializer(help_text="The whole county: its townships and its own congress.")
    total_includes_county_congress = serializers.BooleanField()
    townships_total = FiguresSerializer()
    county_congress = CountyCongressFiguresSerializer(source="county_row")
    townships = TownshipFiguresSerializer(source="rows", many=True)
    definitions = serializers.SerializerMethodField()

    def get_definitions(self, obj) -> dict[str, dict[str, str]]:
        return _definitions()


class PrefectureCountySerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk")
    name = serializers.CharField(source="county.name")
    n_townships = serializers.IntegerField()
    county_plan = serializers.IntegerField(source="plan.pk", allow_null=True, default=None)
    townships = FiguresSerializer()
    county_congress = FiguresSerializer()
    total = FiguresSerializer()


class PrefectureFiguresSerializer(serializers.Serializer):
    prefecture = serializers.IntegerField(source="prefecture.pk")
    name = serializers.CharField(source="prefecture.name")
    year = serializers.IntegerField()
    as_of = serializers.DateField()
    total = FiguresSerializer()
    townships_total = FiguresSerializer()
    county_congresses_total = FiguresSerializer()
    counties = PrefectureCountySerializer(source="rows", many=True)
    definitions = serializers.SerializerMethodField()

    def get_definitions(self, obj) -> dict[str, dict[str, str]]:
        return _definitions()


class IndicatorQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    as_of = serializers.DateField(required=False)


class CountyIndicatorViewSet(viewsets.GenericViewSet):
    """``GET /api/v1/indicators/counties/{id}/?year=&as_of=``: the county congress's own
    plan (县本级) and every township's figures of the year as of the date (default: the
    latest year with a published vote, today), the townships' total, the county total (the
    townships' and the county congress's together) and each figure's definition and base."""

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


class PrefectureIndicatorViewSet(viewsets.GenericViewSet):
    """``GET /api/v1/indicators/prefectures/{id}/?year=&as_of=``: the prefecture's roll-up,
    as its dashboard shows it — each county's townships, its own congress (县本级) and the
    whole county, the totals, each figure's definition. The prefecture's reviewers; 403 to
    a reviewer of one of its counties, 404 to everyone else."""

    serializer_class = PrefectureFiguresSerializer
    queryset = Prefecture.objects.none()
    lookup_value_regex = r"[0-9]+"

    @extend_schema(
        parameters=[IndicatorQuery],
        responses={
            200: PrefectureFiguresSerializer,
            400: OpenApiResponse(description="A malformed year or date."),
            403: OpenApiResponse(description="A reviewer of one of its counties."),
            404: OpenApiResponse(description="No such prefecture in the caller's scope."),
        },
    )
    def retrieve(self, request, pk=None):
        prefecture, readable = selectors.prefecture_for_dashboard(request.user, pk)
        if prefecture is None:
            raise NotFound
        if not readable:
            raise PermissionDenied
        query = IndicatorQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or indicators.default_year(prefecture=prefecture)
        figures = indicators.prefecture_figures(
            prefecture, year, as_of=query.validated_data.get("as_of")
        )
        return Response(PrefectureFiguresSerializer(figures).data)
