"""/api/v1/reports/: quarterly reports in the caller's scope (read-only: status, progress,
error, the download URL once done). Asking for a report goes through the page (or the same
service); the API only reads."""

from django.urls import reverse
from rest_framework import serializers, viewsets

from . import selectors
from .models import Report


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
