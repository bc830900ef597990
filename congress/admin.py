"""Reference data in the Django admin (superusers). Day-to-day work uses the staff pages,
which go through services and write audit rows; the audit log itself is read-only here."""

from django.contrib import admin

from .models import (
    Attendance,
    AuditEvent,
    County,
    Delegation,
    DelegationMember,
    Deputy,
    Prefecture,
    RoleAssignment,
    RuleSet,
    Session,
    Term,
    Township,
    Village,
)


class TownshipInline(admin.TabularInline):
    model = Township
    extra = 0


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "prefecture"]
    search_fields = ["name", "code"]
    inlines = [TownshipInline]


class DelegationMemberInline(admin.TabularInline):
    model = DelegationMember
    extra = 0
    raw_id_fields = ["deputy", "term"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "term", "order", "township", "head"]
    list_select_related = ["term__county", "township", "head"]
    raw_id_fields = ["head"]
    inlines = [DelegationMemberInline]


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0
    fields = ["name", "code", "latitude", "longitude"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county"]
    list_filter = ["county"]
    search_fields = ["name", "code"]
    inlines = [VillageInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "township", "latitude", "longitude"]
    list_filter = ["township__county", "township"]
    search_fields = ["name"]
    filter_horizontal = ["adjacent"]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "township",
        "gender",
        "is_township_deputy",
        "is_county_deputy",
        "profession",
        "in_office",
    ]
    list_filter = ["township__county", "township", "in_office", "is_county_deputy", "gender"]
    search_fields = ["name", "profession"]
    autocomplete_fields = ["home_village", "work_village", "user"]
    list_select_related = ["township"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "county", "township", "number"]
    list_filter = ["level", "county"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "date", "place", "status"]
    list_filter = ["status", "term__county"]
    list_select_related = ["term", "term__township", "term__county"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "deputy", "status"]
    list_filter = ["status"]
    list_select_related = ["session__term__township", "session__term__county", "deputy"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "township", "county", "prefecture"]
    list_filter = ["role", "county"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "township", "county", "prefecture"]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "vote_mode", "pass_base", "tie_rule"]
    list_select_related = ["township", "county"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr", "township"]
    list_filter = ["action", "township__county"]
    search_fields = ["object_repr", "action"]
    list_select_related = ["actor", "township"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
