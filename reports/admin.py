from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "township", "county", "year", "quarter", "status", "progress")
    list_filter = ("kind", "status", "year", "quarter")
    search_fields = ("township__name", "county__name")
    readonly_fields = ("file", "error", "attempts", "created_at", "started_at", "finished_at")
    raw_id_fields = ("township", "county", "requested_by")
