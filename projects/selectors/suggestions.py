"""Suggestions for staff: the triage list, its filters and the similar suggestions and
projects shown beside one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from congress.permissions import get_scope
from congress.selectors import townships_visible_to

from .. import domain
from ..models import Project, ProjectStatus, Suggestion, body_fields

# How many pre-filtered rows are scored for similarity at most: the newest ones sharing a
# bigram with the query. Keeps a lookup bounded however large the township's history grows.
SIMILAR_CANDIDATE_LIMIT = 400


def _triage_townships(user) -> QuerySet:
    scope = get_scope(user)
    qs = townships_visible_to(user)
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=scope.staff_townships)


def suggestions_for_staff(user) -> QuerySet[Suggestion]:
    """Suggestions with proposer data: staff of the township, the county's staff for a
    county congress's suggestions (and superusers) only."""
    qs = Suggestion.objects.select_related(
        "township",
        "county",
        "village",
        "deputy",
        "station",
        "project",
        "referred_from__township",
    )
    if get_scope(user).is_superuser:
        return qs
    return qs.filter(
        Q(township__in=_triage_townships(user))
        | Q(county_id__in=get_scope(user).county_staff_counties)
    )


def suggestion_for_staff(user, pk: int) -> Suggestion | None:
    return suggestions_for_staff(user).filter(pk=pk).first()


@dataclass
class TriageFilters:
    status: str = ""
    village: int | None = None
    channel: str = ""
    category: str = ""
    deputy: int | None = None
    search: str = ""


def triage_list(user, *, township, filters: TriageFilters) -> QuerySet[Suggestion]:
    qs = (
        suggestions_for_staff(user)
        .filter(**body_fields(township))
        .defer("tokens", "necessity", "reply", "content")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.deputy:
        qs = qs.filter(deputy_id=filters.deputy)
    if filters.search:
        term = filters.search
        code = domain.normalize_receipt_code(term)
        condition = Q(title__icontains=term) | Q(content__icontains=term)
        if code:
            condition |= Q(receipt_code=code)
        qs = qs.filter(condition)
    return qs.order_by("-created_at", "-id")


def suggestion_categories(township) -> list[str]:
    return list(
        Suggestion.objects.filter(**body_fields(township))
        .exclude(category="")
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")[:50]
    )


def similar_suggestions(
    *,
    township_id: int | None = None,
    county_id: int | None = None,
    tokens: list[str],
    title: str = "",
    exclude_id: int | None = None,
    limit: int = 8,
) -> list[tuple[Suggestion, float]]:
    """Suggestions of the township similar to ``tokens``, best first, with their score.

    Pre-filter in PostgreSQL with the GIN index (``tokens && key tokens``), newest first,
    at most SIMILAR_CANDIDATE_LIMIT rows; score them in Python (domain.rank_similar, on the
    whole text and on the titles); then fetch the few winners. Two queries whatever the
    township's size.
    """
    title_tokens = domain.tokenize(title) if title else []
    keys = domain.key_tokens(tokens)
    if not keys:
        return []
    rows = Suggestion.objects.filter(**_body_ids(township_id, county_id), tokens__overlap=keys)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    rows = rows.order_by("-created_at", "-id").values_list("id", "tokens", "title")
    candidates = [
        (pid, row_tokens, domain.tokenize(row_title) if title_tokens else ())
        for pid, row_tokens, row_title in rows[:SIMILAR_CANDIDATE_LIMIT]
    ]
    ranked = domain.rank_similar(tokens, candidates, query_title=title_tokens, limit=limit)
    if not ranked:
        return []
    by_id = Suggestion.objects.select_related("village", "project").in_bulk(
        [pid for pid, _score in ranked]
    )
    return [(by_id[pid], score) for pid, score in ranked if pid in by_id]


def similar_projects(
    *,
    township_id: int | None = None,
    county_id: int | None = None,
    tokens: list[str],
    title: str = "",
    limit: int = 5,
) -> list[tuple[Project, float]]:
    """Reserve projects a suggestion could be merged into, best first."""
    keys = domain.key_tokens(tokens)
    if not keys:
        return []
    title_tokens = domain.tokenize(title) if title else []
    rows = (
        Project.objects.filter(**_body_ids(township_id, county_id), tokens__overlap=keys)
        .exclude(status=ProjectStatus.CANCELLED)
        .order_by("-created_at")
        .values_list("id", "tokens", "title")[:SIMILAR_CANDIDATE_LIMIT]
    )
    candidates = [
        (pid, row_tokens, domain.tokenize(row_title) if title_tokens else ())
        for pid, row_tokens, row_title in rows
    ]
    ranked = domain.rank_similar(
        tokens, candidates, query_title=title_tokens, limit=limit, threshold=0.2
    )
    by_id = Project.objects.in_bulk([pid for pid, _score in ranked])
    return [(by_id[pid], score) for pid, score in ranked if pid in by_id]


def _body_ids(township_id: int | None, county_id: int | None) -> dict:
    """The filter on one body's rows by id: a township's, or a county congress's own."""
    if county_id is not None:
        return {"county_id": county_id, "township__isnull": True}
    return {"township_id": township_id}
