"""Permission rows for the reports app (see tests/permission_table.py)."""

from ..permission_table import LOGIN, PUBLIC, Row, expect

# Township dashboard and report list: staff of the township and reviewers of its county;
# other roles of the township are refused, outsiders see nothing (404).
TOWNSHIP_DASH = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    reviewer=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
TOWNSHIP_REQUEST = expect(
    403,
    anonymous=LOGIN,
    staff=302,
    superuser=302,
    staff_other=404,
    reviewer_other=404,
)
# County dashboard: reviewers of the county only; everyone else sees nothing of it.
COUNTY_DASH = expect(404, anonymous=LOGIN, reviewer=200, superuser=200)
COUNTY_REQUEST = expect(404, anonymous=LOGIN, reviewer=302, superuser=302)
# A township report: its staff, the county's reviewers.
REPORT_VIEW = expect(404, anonymous=LOGIN, staff=200, reviewer=200, superuser=200)
REPORT_RETRY = expect(404, anonymous=LOGIN, staff=302, reviewer=403, superuser=302)
# The prefecture's roll-up: its reviewers only. A reviewer of one of its counties is in
# scope without the role (403); everyone else sees nothing of it (404).
PREFECTURE_DASH = expect(404, anonymous=LOGIN, reviewer=403, superuser=200)
PROJECT_DASH = expect(404, anonymous=LOGIN, staff=200, reviewer=200, superuser=200)
DASH_HOME = expect(
    403,
    anonymous=LOGIN,
    staff=302,
    staff_other=302,
    reviewer=302,
    reviewer_other=302,
    superuser=302,
)


def _objects(w):
    """A done township report with its file, and a project (built once per world)."""
    if getattr(w, "report", None) is not None:
        return w
    from pathlib import Path

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from projects.models import Project
    from reports.models import Report

    report = Report.objects.create(
        kind="township",
        township=w.township,
        county=w.county,
        year=2026,
        quarter=1,
        status="done",
        progress=100,
        file=f"reports/perm-{w.township.pk}.pdf",
        finished_at=timezone.now(),
    )
    path = Path(default_storage.path(report.file.name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 test")
    w.report = report
    w.project = Project.objects.create(township=w.township, title="东河村道路", content="路灯")
    return w


def _t(w):
    return {"pk": w.township.pk}


def _ty(w):
    return {"pk": w.township.pk, "year": 2026}


def _c(w):
    return {"pk": w.county.pk}


def _cy(w):
    return {"pk": w.county.pk, "year": 2026}


def _r(w):
    return {"pk": _objects(w).report.pk}


def _p(w):
    return {"pk": _objects(w).project.pk}


def prefecture(w):
    """A prefecture (市) holding county A only (built once per world): county A's reviewer
    is in its scope but is not its reviewer (403); county B's reviewer is outside (404). Its
    own reviewer is not among the twelve roles: tests/reports/test_prefecture.py checks it."""
    cached = getattr(w, "_prefecture", None)
    if cached is not None:
        return cached
    from congress.models import Prefecture

    w._prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    w.county.prefecture = w._prefecture
    w.county.save(update_fields=["prefecture"])
    return w._prefecture


def _pf(w):
    return {"pk": prefecture(w).pk}


def _pfy(w):
    return {"pk": prefecture(w).pk, "year": 2026}


def _quarter(w):
    return {"year": 2026, "quarter": 1}


ROWS = [
    Row(
        "api:county-indicators-detail",
        _c,
        expect(404, anonymous=401, reviewer=200, superuser=200),
    ),
    Row(
        "api:prefecture-indicators-detail",
        _pf,
        expect(404, anonymous=401, reviewer=403, superuser=200),
    ),
    Row("reports:township_reports", _t, TOWNSHIP_DASH),
    Row("reports:township_reports", _t, TOWNSHIP_REQUEST, method="post", data=_quarter),
    Row("reports:county_reports", _c, COUNTY_DASH),
    Row("reports:county_reports", _c, COUNTY_REQUEST, method="post", data=_quarter),
    Row("reports:report_detail", _r, REPORT_VIEW),
    Row("reports:report_progress", _r, REPORT_VIEW),
    Row("reports:report_download", _r, REPORT_VIEW),
    Row("reports:report_retry", _r, REPORT_RETRY, method="post"),
    Row("reports:dashboard_home", expected=DASH_HOME),
    Row("reports:county_dashboard", _c, COUNTY_DASH),
    Row("reports:county_dashboard_year", _cy, COUNTY_DASH),
    Row("reports:county_dashboard_xlsx", _cy, COUNTY_DASH),
    Row("reports:prefecture_dashboard", _pf, PREFECTURE_DASH),
    Row("reports:prefecture_dashboard_year", _pfy, PREFECTURE_DASH),
    Row("reports:prefecture_dashboard_xlsx", _pfy, PREFECTURE_DASH),
    Row("reports:township_dashboard", _t, TOWNSHIP_DASH),
    Row("reports:township_dashboard_year", _ty, TOWNSHIP_DASH),
    Row("reports:township_dashboard_xlsx", _ty, TOWNSHIP_DASH),
    Row("reports:project_dashboard", _p, PROJECT_DASH),
    Row("reports:public_index", expected=PUBLIC),
    Row("api:report-list", expected=expect(200, anonymous=401)),
    Row(
        "api:report-detail", _r, expect(404, anonymous=401, staff=200, reviewer=200, superuser=200)
    ),
    Row("reports:public_township", _t, PUBLIC),
    Row("reports:public_township_year", _ty, PUBLIC),
]
