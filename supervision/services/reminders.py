"""Reminders (U3): what the daily task sends — due and overdue inspections, progress reports
and hand-overs, escalation of overdue hand-overs, e-mail when configured."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Notification
from ._base import _today
from .county import county_round_reminders_send
from .ledger import item_escalate
from .notifications import _government_users, _group_users, _notify, _staff_users


def reminders_send(*, today: datetime.date | None = None) -> int:
    """What is due or overdue (inspections, progress reports, hand-overs): in-app reminders,
    escalation of overdue hand-overs to the presidium, e-mail when configured. Idempotent per
    item and day. Returns the number of notifications created."""
    from .. import selectors

    today = today or _today()
    created = 0
    for row in selectors.cadence_rows(today=today):
        project = row["project"]
        url = reverse("supervision:project_detail", args=[project.pk])
        for due in row["dues"]:
            if due.days > 7:
                continue
            if due.kind == "inspection":
                kind = "inspection_overdue" if due.overdue else "inspection_due"
                users = _group_users(project)
            else:
                kind = "report_due"
                users = _government_users(project.township)
            created += _notify(
                users,
                kind=kind,
                key=f"{kind}:{project.pk}:{due.due_on}",
                subject=f"{project.title} · {due.due_on:%Y-%m-%d}",
                url=url,
                day=today,
            )
    for item in selectors.overdue_items(today=today):
        followers = _group_users(item.project) if item.project_id else _staff_users(item.body)
        users = followers + _government_users(item.body)
        created += _notify(
            users,
            kind="item_overdue",
            key=f"item_overdue:{item.pk}",
            subject=f"{item.where} · {item.title}",
            url=item.get_absolute_url(),
            day=today,
        )
        if item.escalated_at is None:
            with transaction.atomic():
                item_escalate(actor=None, item=item, note="", today=today)
    created += county_round_reminders_send(today=today)
    _email_unsent()
    return created


def _email_unsent() -> None:
    """Mail unsent notifications to users with an address, when mail is configured."""
    from django.conf import settings
    from django.core.mail import send_mail

    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend in ("console", "dummy"):
        return  # not configured: the in-app list is the reminder
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")[:500]
    )
    for n in pending:
        try:
            send_mail(
                f"[Livelihood] {n.get_kind_display()}",
                f"{n.subject}\n{n.url}",
                None,
                [n.user.email],
                fail_silently=False,
            )
        except Exception:  # noqa: BLE001 - mail is best effort; the in-app list stays
            return
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
