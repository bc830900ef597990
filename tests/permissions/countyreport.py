"""Permission rows for the county congress's own quarterly reports and its public results
page (issue 17; see tests/permission_table.py).

Of the twelve roles only county A's reviewer reads the county congress's reports (and may
not ask for one: 403) and the superuser asks; the township's roles — its staff included —
see nothing of them (404), as on the county's other pages. The county's own roles are not
among the twelve: tests/reports/test_county_congress_report.py checks them (the county's
staff ask, 302; a teller of the county's congress is refused, 403; staff of another county
and township staff, 404; the prefecture's reviewer reads, 200). The public county page is
open to everyone."""

from ..permission_table import LOGIN, PUBLIC, Row, expect

CONGRESS_REPORTS = expect(404, anonymous=LOGIN, reviewer=200, superuser=200)
CONGRESS_REQUEST = expect(404, anonymous=LOGIN, reviewer=403, superuser=302)
CONGRESS_REPORT_VIEW = expect(404, anonymous=LOGIN, reviewer=200, superuser=200)
CONGRESS_REPORT_RETRY = expect(404, anonymous=LOGIN, reviewer=403, superuser=302)


def _congress_report(w):
    """A done county congress report of county A with its file (built once per world)."""
    cached = getattr(w, "_congress_report", None)
    if cached is not None:
        return cached
    from pathlib import Path

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from reports.models import Report

    report = Report.objects.create(
        kind="congress",
        township=None,
        county=w.county,
        year=2026,
        quarter=1,
        status="done",
        progress=100,
        file=f"reports/perm-congress-{w.county.pk}.pdf",
        finished_at=timezone.now(),
    )
    path = Path(default_storage.path(report.file.name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 test")
    w._congress_report = report
    return report


def _c(w):
    return {"pk": w.county.pk}


def _cy(w):
    return {"pk": w.county.pk, "year": 2026}


def _r(w):
    return {"pk": _congress_report(w).pk}


def _quarter(w):
    return {"year": 2026, "quarter": 1}


ROWS = [
    Row("reports:county_congress_reports", _c, CONGRESS_REPORTS),
    Row(
        "reports:county_congress_reports",
        _c,
        CONGRESS_REQUEST,
        method="post",
        data=_quarter,
    ),
    # A county congress report through the shared report pages.
    Row("reports:report_detail", _r, CONGRESS_REPORT_VIEW),
    Row("reports:report_progress", _r, CONGRESS_REPORT_VIEW),
    Row("reports:report_download", _r, CONGRESS_REPORT_VIEW),
    Row("reports:report_retry", _r, CONGRESS_REPORT_RETRY, method="post"),
    Row("reports:public_county", _c, PUBLIC),
    Row("reports:public_county_year", _cy, PUBLIC),
]
