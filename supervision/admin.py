"""Inspection of stage 4 data. Workflows (groups, ledger steps) go through the pages and
services so they are audited; the admin lists are read-mostly."""

from django.contrib import admin

from .models import (
    GroupMember,
    ImplementationPlan,
    Inspection,
    LedgerEvent,
    LedgerItem,
    Milestone,
    Notification,
    ProgressReport,
    SupervisionGroup,
    SupervisionPriority,
)


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["deputy"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ["project", "status", "confirmed_at"]
    list_filter = ["status"]
    inlines = [GroupMemberInline]
    raw_id_fields = ["project", "plan", "confirmed_by"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(admin.ModelAdmin):
    list_display = ["project", "responsible_department", "budget", "deadline"]
    inlines = [MilestoneInline]
    raw_id_fields = ["project"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["project", "period", "percent_complete", "invested", "over_budget"]
    list_filter = ["over_budget", "status"]
    raw_id_fields = ["project", "submitted_by"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["project", "date"]
    raw_id_fields = ["project", "group", "unit", "recorded_by"]


class LedgerEventInline(admin.TabularInline):
    model = LedgerEvent
    extra = 0
    readonly_fields = ["at", "by", "action", "from_status", "to_status", "note"]
    can_delete = False


@admin.register(LedgerItem)
class LedgerItemAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "status", "department", "deadline"]
    list_filter = ["status", "kind", "township"]
    readonly_fields = ["status"]
    inlines = [LedgerEventInline]
    raw_id_fields = ["project", "inspection", "suggestion", "created_by"]


@admin.register(SupervisionPriority)
class SupervisionPriorityAdmin(admin.ModelAdmin):
    list_display = ["project", "year", "reason"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "day", "subject", "read_at"]
    list_filter = ["kind"]
