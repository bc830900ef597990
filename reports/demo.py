"""Demo data for reports: one finished quarterly report of the model town (青石镇), one
county roll-up and, when 青山县's congress has published its own plan, one county congress
report (县本级), produced synchronously (no worker needed). Idempotent."""

from __future__ import annotations

from django.utils import timezone

from congress.models import Township

from . import domain, selectors, services
from .models import Report, ReportKind, ReportStatus


def load_demo() -> list[str]:
    township = Township.objects.filter(name="青石镇").select_related("county").first()
    if township is None:
        return []
    year, quarter = domain.previous_quarter(timezone.localdate())
    notes = []
    county = township.county
    bodies = [
        (township, ReportKind.TOWNSHIP, {"township": township}),
        (county, ReportKind.COUNTY, {"county": county}),
    ]
    if county.pk in selectors.counties_with_public_results():
        bodies.append((county, ReportKind.COUNTY_CONGRESS, {"county": county, "kind": "congress"}))
    for body, kind, request_kw in bodies:
        existing = Report.objects.filter(
            kind=kind,
            township=township if kind == ReportKind.TOWNSHIP else None,
            county=county,
            year=year,
            quarter=quarter,
        ).first()
        if existing is None:
            existing, _created = services.report_request(
                actor=None, year=year, quarter=quarter, **request_kw
            )
        if existing.status != ReportStatus.DONE:
            try:
                services.report_generate(report_id=existing.pk)
            except Exception as exc:  # noqa: BLE001 - the demo must load without a PDF
                notes.append(f"reports: {body.name} {kind} report not produced ({exc})")
                continue
        notes.append(
            f"reports: {body.name} {year} Q{quarter} {kind} report at /reports/{existing.pk}/"
        )
    return notes
