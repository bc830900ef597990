"""Query-string filters of the congress API (django-filter)."""

import django_filters

from .models import Attendance, Deputy, Village


class VillageFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")

    class Meta:
        model = Village
        fields = ["township"]


class DeputyFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")

    class Meta:
        model = Deputy
        fields = ["township"]


class AttendanceFilter(django_filters.FilterSet):
    session = django_filters.NumberFilter(field_name="session_id")

    class Meta:
        model = Attendance
        fields = ["session"]
