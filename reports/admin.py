from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Report, ReportStatus


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "township", "county", "year", "quarter", "status", "progress")
    list_filter = ("kind", "status", "year", "quarter")
    search_fields = ("township__name", "county__name")
    # The file only through the checked download view: no URL serves the media directory, and
    # the file field's own widget would link there.
    exclude = ("file",)
    readonly_fields = ("download", "error", "attempts", "created_at", "started_at", "finished_at")
    raw_id_fields = ("township", "county", "requested_by")

    @admin.display(description=_("file"))
    def download(self, report):
        if report.pk is None or report.status != ReportStatus.DONE or not report.file:
            return "—"
        url = reverse("reports:report_download", args=[report.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the PDF"))
