"""Reference data and inspection. Workflows (merge, reject, rounds, locking) go through the
pages and services so they are audited; the admin lists are read-mostly."""

from django.contrib import admin

from .models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    IntakeLink,
    LiaisonStation,
    Project,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
)


@admin.register(LiaisonStation)
class LiaisonStationAdmin(admin.ModelAdmin):
    list_display = ["name", "township", "village"]
    list_filter = ["township"]


@admin.register(IntakeLink)
class IntakeLinkAdmin(admin.ModelAdmin):
    list_display = ["token", "township", "deputy", "station", "is_active"]
    list_filter = ["township", "is_active"]
    readonly_fields = ["token", "township", "deputy", "station"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "township", "channel", "status", "created_at"]
    list_filter = ["township", "status", "channel"]
    search_fields = ["title", "receipt_code"]
    exclude = ["tokens"]
    readonly_fields = ["receipt_code", "status", "project", "decided_at", "decided_by"]
    list_select_related = ["township"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "township", "status", "estimated_investment", "created_at"]
    list_filter = ["township", "status"]
    search_fields = ["title"]
    exclude = ["tokens"]
    readonly_fields = ["status"]
    list_select_related = ["township"]


class RoundInline(admin.TabularInline):
    model = ShortlistRound
    extra = 0


@admin.register(AnnualPlan)
class AnnualPlanAdmin(admin.ModelAdmin):
    list_display = ["township", "year", "slots"]
    list_filter = ["township"]
    inlines = [RoundInline]


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    raw_id_fields = ["project"]


@admin.register(CandidateList)
class CandidateListAdmin(admin.ModelAdmin):
    list_display = ["plan", "locked_at", "locked_by"]
    readonly_fields = ["locked_at", "locked_by"]
    inlines = [CandidateInline]


@admin.register(ShortlistDecision)
class ShortlistDecisionAdmin(admin.ModelAdmin):
    list_display = ["round", "project", "decision", "recorded_by", "recorded_at"]
    list_filter = ["decision"]
