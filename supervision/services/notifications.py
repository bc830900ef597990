"""Notifications (U3): one per user, key and day, to staff, the government liaison or a
group; marking them read. ``notify`` is the public door other stages use (stations' duty-day
reminders) instead of writing Notification rows themselves."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from congress.models import County

from ..models import GroupStatus, Notification, NotificationKind
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


def notify(
    *,
    users,
    kind: str,
    key: str,
    subject: str,
    url: str = "",
    day=None,
) -> int:
    """In-app notifications (and e-mail, by the daily task, when configured) for ``users``:
    one per user, ``key`` and ``day`` (default today) — calling again the same day adds
    nothing. ``kind`` is a NotificationKind value. Returns how many were created. The caller's
    transaction holds the rows."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    return _notify(users, kind=kind, key=key, subject=subject, url=url, day=day)


def _role_users(role: str, body):
    from django.contrib.auth import get_user_model

    where = {"roles__county": body} if isinstance(body, County) else {"roles__township": body}
    return list(
        get_user_model().objects.filter(roles__role=role, is_active=True, **where).distinct()
    )


def _staff_users(body):
    """The township's staff, or a county congress's staff."""
    return _role_users("staff", body)


def _government_users(body):
    return _role_users("government", body)


def _group_users(project):
    from django.contrib.auth import get_user_model

    if project is None:
        return []
    return list(
        get_user_model()
        .objects.filter(
            deputy__supervision_seats__group__project=project,
            deputy__supervision_seats__group__status=GroupStatus.CONFIRMED,
            is_active=True,
        )
        .distinct()
    )


def _item_subject(item) -> str:
    return f"{item.where} · {item.title}"


def _notify_staff(item, *, kind):
    _notify(
        _staff_users(item.body),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=_item_subject(item),
        url=item.get_absolute_url(),
    )


def _notify_group(item, *, kind):
    # A hand-over without a project (a 微建议) has no group: its body's staff follow it.
    users = _group_users(item.project) if item.project_id else _staff_users(item.body)
    _notify(
        users,
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=_item_subject(item),
        url=item.get_absolute_url(),
    )


def _notify_township_government(item, *, kind):
    _notify(
        _government_users(item.body),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=_item_subject(item),
        url=item.get_absolute_url(),
    )


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
