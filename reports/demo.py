"""Demo data for reports: one finished quarterly report of the model town (青石镇) and one
county roll-up, produced synchronously (no worker needed). Idempotent."""

from __future__ import annotations

from django.utils import timezone

from congress.models import County, Township

from . import domain, services
from .models import Report, ReportStatus


def load_demo() -> list[str]:
    township = Township.objects.filter(name="青石镇").select_related("county").first()
    if township is None:
        return []
    year, quarter = domain.previous_quarter(timezone.localdate())
    notes = []
    for body in (township, township.county):
        is_county = isinstance(body, County)
        existing = Report.objects.filter(
            township=None if is_county else body,
            county=body if is_county else body.county,
            kind="county" if is_county else "township",
            year=year,
            quarter=quarter,
        ).first()
        if existing is None:
            existing, _created = services.report_request(
                actor=None,
                township=None if is_county else body,
                county=body if is_county else None,
                year=year,
                quarter=quarter,
            )
        if existing.status != ReportStatus.DONE:
            try:
                services.report_generate(report_id=existing.pk)
            except Exception as exc:  # noqa: BLE001 - the demo must load without a PDF
                notes.append(f"reports: {body.name} report not produced ({exc})")
                continue
        notes.append(f"reports: {body.name} {year} Q{quarter} report at /reports/{existing.pk}/")
    return notes
