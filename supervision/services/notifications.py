"""Notifications (U3): one per user, key and day, to staff, the government liaison or a
group; marking them read."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import GroupStatus, Notification
from ._base import _today


def _notify(users, *, kind: str, key: str, subject: str, url: str, day=None) -> int:
    """One notification per user, key and day (unique constraint: idempotent)."""
    day = day or _today()
    key = key[:64]
    users = {u.pk: u for u in users if u is not None}
    have = set(
        Notification.objects.filter(user_id__in=list(users), key=key, day=day).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        Notification(user=u, kind=kind, key=key, day=day, subject=subject[:200], url=url)
        for pk, u in users.items()
        if pk not in have
    ]
    # A concurrent run may insert the same row: the unique constraint keeps one.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _staff_users(township):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(roles__role="staff", roles__township=township, is_active=True)
        .distinct()
    )


def _government_users(township):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(roles__role="government", roles__township=township, is_active=True)
        .distinct()
    )


def _group_users(project):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            deputy__supervision_seats__group__project=project,
            deputy__supervision_seats__group__status=GroupStatus.CONFIRMED,
            is_active=True,
        )
        .distinct()
    )


def _notify_staff(item, *, kind):
    _notify(
        _staff_users(item.township),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


def _notify_group(item, *, kind):
    _notify(
        _group_users(item.project),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


def _notify_township_government(item, *, kind):
    _notify(
        _government_users(item.township),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
