"""What every /api/v1/ viewset shares: capped pagination and permission before the body.

``ActionPermission`` makes the permission of a write action part of fetching its object:
DRF calls ``has_object_permission`` inside ``get_object()``, before a view touches
``request.data``, so a caller without the right gets 403 whatever body it sends (a read-only
reviewer posting ``{}`` to ``reopen`` used to get 400 field errors, which told it the action
existed and what it wanted). Each viewset names its write actions' predicates — the same
``user_can_*`` functions the services check again inside their transactions."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=`` is capped (a huge value once reached PostgreSQL as an out-of-range bigint
    and failed with a 500); an offset past the end is an empty page, as DRF already does."""

    default_limit = 100
    max_limit = 500

    def get_offset(self, request):
        offset = super().get_offset(request)
        # Past any table we hold; beyond this PostgreSQL's bigint would refuse it.
        return min(offset, 2**31 - 1)


class ActionPermission(BasePermission):
    """Object permission per action, from the view's ``action_permissions``:
    ``{"reopen": predicate(user, obj) -> bool, ...}``. Actions not named are left to the
    view's queryset scope (reads)."""

    def has_object_permission(self, request, view, obj) -> bool:
        predicates: dict[str, Callable] = getattr(view, "action_permissions", {})
        predicate = predicates.get(getattr(view, "action", None) or "")
        if predicate is None:
            return True
        return bool(predicate(request.user, obj))
