"""Query-string filters of the projects API (django-filter): each parameter typed and
documented in the schema; a malformed value is a 400 naming the parameter."""

import django_filters

from .models import Project, ShortlistRound, Suggestion


class SuggestionFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")
    village = django_filters.NumberFilter(field_name="village_id")
    deputy = django_filters.NumberFilter(field_name="deputy_id")
    category = django_filters.CharFilter(max_length=32)

    class Meta:
        model = Suggestion
        fields = ["township", "village", "deputy", "status", "channel", "category"]


class ProjectFilter(django_filters.FilterSet):
    township = django_filters.NumberFilter(field_name="township_id")

    class Meta:
        model = Project
        fields = ["township", "status"]


class RoundFilter(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id")

    class Meta:
        model = ShortlistRound
        fields = ["plan"]
