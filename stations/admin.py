from django.contrib import admin

from .models import (
    Booking,
    DutyDay,
    DutyItem,
    DutySwap,
    ManualCredit,
    Reception,
    StationProfile,
    StationRules,
)


@admin.register(StationProfile)
class StationProfileAdmin(admin.ModelAdmin):
    list_display = ("station", "level", "online", "opening_hours")
    list_filter = ("level", "online")
    filter_horizontal = ("deputies",)


@admin.register(StationRules)
class StationRulesAdmin(admin.ModelAdmin):
    list_display = ("township", "min_duty_days", "remind_days_before")


@admin.register(DutyItem)
class DutyItemAdmin(admin.ModelAdmin):
    list_display = ("township", "code", "label", "points", "is_manual")
    list_filter = ("is_manual",)


@admin.register(DutyDay)
class DutyDayAdmin(admin.ModelAdmin):
    list_display = ("station", "date", "start", "end", "published")
    list_filter = ("published",)
    date_hierarchy = "date"


@admin.register(DutySwap)
class DutySwapAdmin(admin.ModelAdmin):
    list_display = ("duty_day", "from_deputy", "to_deputy", "at")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    # Residents' contact details stay out of the list.
    list_display = ("code", "duty_day", "status", "created_at")
    list_filter = ("status",)


@admin.register(Reception)
class ReceptionAdmin(admin.ModelAdmin):
    list_display = ("station", "date", "kind", "residents")
    list_filter = ("kind",)


@admin.register(ManualCredit)
class ManualCreditAdmin(admin.ModelAdmin):
    list_display = ("deputy", "item", "date", "points")
