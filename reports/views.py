"""Thin views: fetch-and-authorize in one helper, call a service or a selector, render."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.models import County, Prefecture, Township
from congress.permissions import get_scope
from cycle import indicators
from livelihood.dbrouter import replica_reads
from livelihood.downloads import protected_file
from stations import selectors as station_selectors

from . import domain, export, selectors, services
from .forms import ReportRequestForm
from .models import Report, ReportKind, ReportStatus
from .permissions import (
    user_can_request_county_congress_report,
    user_can_request_county_report,
    user_can_request_township_report,
    user_can_retry_report,
    user_can_view_county_congress_reports,
    user_can_view_county_dashboard,
    user_can_view_report,
    user_can_view_township_dashboard,
)


def _year_or_404(year) -> int | None:
    if year is None:
        return None
    if not domain.valid_year(year):
        raise Http404
    return year


def _county_or_404(user, pk) -> County:
    """404 outside the user's scope (a reviewer of another county sees nothing of it)."""
    county = County.objects.filter(pk=pk).first()
    if county is None or not user_can_view_county_dashboard(user, county):
        raise Http404
    return county


def _county_congress_or_404(user, pk) -> County:
    """The county congress's own reports: its staff and the county's (and prefecture's)
    reviewers. Another role of the county's congress (a teller) is refused (403); to everyone
    else — township staff included — the page does not exist (404)."""
    county = County.objects.filter(pk=pk).first()
    if county is None:
        raise Http404
    if user_can_view_county_congress_reports(user, county):
        return county
    if county.pk in get_scope(user).any_county_role:
        raise PermissionDenied
    raise Http404


def _prefecture_or_404(user, pk) -> Prefecture:
    """The prefecture's roll-up: its reviewers (and superusers). 403 for a reviewer of one
    of its counties (in scope, without the prefecture's role); 404 for everyone else."""
    prefecture, readable = selectors.prefecture_for_dashboard(user, pk)
    if prefecture is None:
        raise Http404
    if not readable:
        raise PermissionDenied
    return prefecture


def _township_or_404(user, pk) -> Township:
    """404 for a township the user has nothing to do with, 403 for one in scope (a teller
    or deputy of the township) that they may not read the dashboard of."""
    from congress.selectors import township_for_user

    township = township_for_user(user, pk)
    if township is None:
        raise Http404
    if not user_can_view_township_dashboard(user, township):
        raise PermissionDenied
    return township


def _report_or_404(user, pk) -> Report:
    report = Report.objects.select_related(
        "township", "county", "requested_by", "requested_by__deputy"
    ).filter(pk=pk)
    report = report.first()
    if report is None or not user_can_view_report(user, report):
        raise Http404
    return report


def _htmx_or_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------------
# Reports


def _request_and_list(
    request, *, township=None, county=None, kind=None, can_request: bool, back: tuple[str, str]
):
    form = ReportRequestForm(request.POST or None) if can_request else None
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        if form.is_valid():
            try:
                report, created = services.report_request(
                    actor=request.user,
                    township=township,
                    county=county,
                    kind=kind,
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data["quarter"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if not created:
                    messages.info(request, _("This report is already being produced."))
                return redirect("reports:report_detail", pk=report.pk)
    if township is not None:
        reports = Report.objects.filter(kind=ReportKind.TOWNSHIP, township=township)
    else:
        reports = Report.objects.filter(kind=kind or ReportKind.COUNTY, county=county)
    page = Paginator(
        reports.select_related("requested_by", "requested_by__deputy").order_by("-created_at"), 25
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "township": township,
            "county": county,
            "body": township or county,
            "kind_label": ReportKind(kind).label if kind else None,
            "form": form,
            "page": page.get_page(request.GET.get("page")),
            "back_url": back[0],
            "back_label": back[1],
        },
    )


@replica_reads
@login_required
def township_reports(request, pk):
    township = _township_or_404(request.user, pk)
    return _request_and_list(
        request,
        township=township,
        can_request=user_can_request_township_report(request.user, township),
        back=(reverse("reports:township_dashboard", args=[township.pk]), _("Dashboard")),
    )


@replica_reads
@login_required
def county_reports(request, pk):
    county = _county_or_404(request.user, pk)
    return _request_and_list(
        request,
        county=county,
        kind=ReportKind.COUNTY,
        can_request=user_can_request_county_report(request.user, county),
        back=(reverse("reports:county_dashboard", args=[county.pk]), _("Dashboard")),
    )


@replica_reads
@login_required
def county_congress_reports(request, pk):
    """The county congress's own quarterly reports (县本级, project by project): its staff
    ask for them; the county's and its prefecture's reviewers read and download them."""
    county = _county_congress_or_404(request.user, pk)
    return _request_and_list(
        request,
        county=county,
        kind=ReportKind.COUNTY_CONGRESS,
        can_request=user_can_request_county_congress_report(request.user, county),
        back=(reverse("congress:county_congress", args=[county.pk]), _("County congress")),
    )


def _status_context(report: Report) -> dict:
    return {
        "report": report,
        "polling": report.is_active,
        "can_retry": report.status == ReportStatus.FAILED,
    }


@replica_reads
@login_required
def report_detail(request, pk):
    report = _report_or_404(request.user, pk)
    context = _status_context(report)
    context["can_retry"] = context["can_retry"] and user_can_retry_report(request.user, report)
    return render(request, "reports/report_detail.html", context)


@replica_reads
@login_required
def report_progress(request, pk):
    """The progress fragment the detail page polls with HTMX (every 2 s while active)."""
    report = _report_or_404(request.user, pk)
    context = _status_context(report)
    context["can_retry"] = context["can_retry"] and user_can_retry_report(request.user, report)
    return render(request, "reports/_progress.html", context)


@login_required
@require_POST
def report_retry(request, pk):
    report = _report_or_404(request.user, pk)
    if not user_can_retry_report(request.user, report):
        raise PermissionDenied
    try:
        services.report_retry(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report_detail", pk=report.pk)


@login_required
def report_download(request, pk):
    report = _report_or_404(request.user, pk)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    filename = domain.report_filename(
        body=report.body_name, year=report.year, quarter=report.quarter, kind=report.kind
    )
    return protected_file(
        report.file.name,
        content_type="application/pdf",
        filename=filename,
        as_attachment=True,
    )


# ---------------------------------------------------------------------------------------------
# Dashboards


@replica_reads
@login_required
def dashboard_home(request):
    """Where the navigation's "Dashboard" lands: the prefecture reviewer's roll-up, the
    reviewer's county, or staff's township."""
    scope = get_scope(request.user)
    if scope.reviewer_prefectures:
        return redirect("reports:prefecture_dashboard", pk=min(scope.reviewer_prefectures))
    if scope.reviewer_counties:
        return redirect("reports:county_dashboard", pk=min(scope.reviewer_counties))
    if scope.staff_townships:
        return redirect("reports:township_dashboard", pk=min(scope.staff_townships))
    if scope.is_superuser:
        first = County.objects.order_by("code").first()
        if first is not None:
            return redirect("reports:county_dashboard", pk=first.pk)
        raise Http404
    raise PermissionDenied


def _county_context(county, year) -> dict:
    dash = selectors.county_dashboard(county, year)
    years = sorted(set(dash.years) | {year}, reverse=True)
    # The county congress's own plan (县本级) is the first bar when it has one that year.
    bodies = [(r.township.name, r.figures) for r in dash.rows]
    if dash.county_row is not None and dash.county_row.figures.has_plan:
        bodies.insert(0, (str(_("County congress (county level)")), dash.county_row.figures))
    chart = {
        "townships": [name for name, _f in bodies],
        "elected": [f.elected or 0 for _n, f in bodies],
        "candidates": [f.candidates or 0 for _n, f in bodies],
        "investment": [float(f.investment or 0) for _n, f in bodies],
        "complete": [
            float(f.percent_complete) if f.percent_complete is not None else None
            for _n, f in bodies
        ],
        "years": [y for y, _f in dash.trend],
        "trend_elected": [f.elected or 0 for _y, f in dash.trend],
        "trend_suggestions": [f.suggestions or 0 for _y, f in dash.trend],
        "trend_investment": [float(f.investment or 0) for _y, f in dash.trend],
        "funnel_labels": [str(_("Suggestions")), str(_("Candidates")), str(_("Elected"))],
        "funnel_values": [v for _k, v in dash.funnel],
        "labels": {
            "elected": str(_("Elected")),
            "candidates": str(_("Candidates")),
            "investment": str(_("Investment (10,000 yuan)")),
            "suggestions": str(_("Suggestions")),
        },
    }
    return {
        "dash": dash,
        "years": years,
        "chart": chart,
        "chart_bodies": bodies,
        "columns": _columns(),
        "definitions": indicators.COUNTY_DEFINITIONS,
        "body_definitions": indicators.BODY_DEFINITIONS,
    }


def _columns() -> list[tuple[str, str, str]]:
    return [
        (name, label, indicators.DEFINITIONS[name].text) for name, label in export.COUNTY_COLUMNS
    ]


@replica_reads
@login_required
def county_dashboard(request, pk, year=None):
    county = _county_or_404(request.user, pk)
    year = _year_or_404(year) or selectors.default_year(county=county)
    context = _county_context(county, year)
    context["can_request"] = user_can_request_county_report(request.user, county)
    # The liaison stations' year beside the projects' (issue 20): held vs planned reception
    # days, receptions, matters and appointments per township, in constant queries.
    date_from, date_to = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    context.update(
        station_activity=station_selectors.activity_by_township(county, date_from, date_to),
        date_from=date_from,
        date_to=date_to,
    )
    return render(request, "reports/county_dashboard.html", context)


@replica_reads
@login_required
def county_dashboard_xlsx(request, pk, year):
    county = _county_or_404(request.user, pk)
    year = _year_or_404(year)
    dash = selectors.county_dashboard(county, year)
    data = export.county_workbook(dash)
    return _xlsx(data, f"{county.name}{year}年民生实事看板.xlsx")


@replica_reads
@login_required
def prefecture_dashboard(request, pk, year=None):
    """The prefecture's roll-up (市): a row per county — its townships' figures, its own
    congress's (县本级) and the whole county — and the totals, as of today."""
    prefecture = _prefecture_or_404(request.user, pk)
    year = _year_or_404(year) or selectors.default_year(prefecture=prefecture)
    dash = selectors.prefecture_dashboard(prefecture, year)
    chart = {
        "townships": [r.county.name for r in dash.rows],
        "elected": [r.total.elected or 0 for r in dash.rows],
        "candidates": [r.total.candidates or 0 for r in dash.rows],
        "investment": [float(r.total.investment or 0) for r in dash.rows],
        "years": [y for y, _f in dash.trend],
        "trend_elected": [f.elected or 0 for _y, f in dash.trend],
        "trend_suggestions": [f.suggestions or 0 for _y, f in dash.trend],
        "trend_investment": [float(f.investment or 0) for _y, f in dash.trend],
        "funnel_labels": [str(_("Suggestions")), str(_("Candidates")), str(_("Elected"))],
        "funnel_values": [v for _k, v in dash.funnel],
        "labels": {
            "elected": str(_("Elected")),
            "candidates": str(_("Candidates")),
            "investment": str(_("Investment (10,000 yuan)")),
            "suggestions": str(_("Suggestions")),
        },
    }
    return render(
        request,
        "reports/prefecture_dashboard.html",
        {
            "dash": dash,
            "years": sorted(set(dash.years) | {year}, reverse=True),
            "chart": chart,
            "columns": _columns(),
            "definitions": indicators.COUNTY_DEFINITIONS,
            "body_definitions": indicators.BODY_DEFINITIONS,
        },
    )


@replica_reads
@login_required
def prefecture_dashboard_xlsx(request, pk, year):
    prefecture = _prefecture_or_404(request.user, pk)
    year = _year_or_404(year)
    dash = selectors.prefecture_dashboard(prefecture, year)
    return _xlsx(export.prefecture_workbook(dash), f"{prefecture.name}{year}年民生实事看板.xlsx")


@replica_reads
@login_required
def township_dashboard(request, pk, year=None):
    township = _township_or_404(request.user, pk)
    year = _year_or_404(year) or selectors.default_year(township=township)
    dash = selectors.township_dashboard(township, year)
    years = sorted(set(dash.years) | {year}, reverse=True)
    chart = {
        "years": [y for y, _f in dash.trend],
        "trend_elected": [f.elected or 0 for _y, f in dash.trend],
        "trend_suggestions": [f.suggestions or 0 for _y, f in dash.trend],
        "trend_investment": [float(f.investment or 0) for _y, f in dash.trend],
        "projects": [r.title for r in dash.projects],
        "yes_rate": [float(r.yes_rate or 0) for r in dash.projects],
        "funnel_labels": [str(_("Suggestions")), str(_("Candidates")), str(_("Elected"))],
        "funnel_values": [
            dash.figures.suggestions or 0,
            dash.figures.candidates or 0,
            dash.figures.elected or 0,
        ],
        "labels": {
            "elected": str(_("Elected")),
            "suggestions": str(_("Suggestions")),
            "investment": str(_("Investment (10,000 yuan)")),
            "yes_rate": str(_("Share of votes for (%)")),
        },
    }
    scope = get_scope(request.user)
    return render(
        request,
        "reports/township_dashboard.html",
        {
            "dash": dash,
            "years": years,
            "chart": chart,
            "is_reviewer": township.county_id in scope.reviewer_counties,
            "can_request": user_can_request_township_report(request.user, township),
            "definitions": indicators.DEFINITIONS,
        },
    )


@replica_reads
@login_required
def township_dashboard_xlsx(request, pk, year):
    township = _township_or_404(request.user, pk)
    year = _year_or_404(year)
    dash = selectors.township_dashboard(township, year)
    return _xlsx(export.township_workbook(dash), f"{township.name}{year}年民生实事看板.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@replica_reads
@login_required
def project_dashboard(request, pk):
    """Drill-down to one project: its plan, vote results, supervision evidence, rating."""
    project = selectors.project_for_dashboard(request.user, pk)
    if project is None:
        raise Http404
    results = selectors.project_results(project)
    evidence = selectors.project_evidence(project)
    satisfaction = selectors.satisfaction_rows([project.pk]).get(project.pk)
    rows = []
    for cr in results:
        vote = cr.vote_result.vote
        plan = vote.candidate_list.plan if vote.candidate_list_id else None
        rows.append(
            {
                "cr": cr,
                "vote": vote,
                "plan": plan,
                "yes_rate": indicators.yes_share_text(cr.yes, cr.vote_result.pass_base_count),
            }
        )
    year = next((r["plan"].year for r in reversed(rows) if r["plan"]), None)
    return render(
        request,
        "reports/project_dashboard.html",
        {
            "project": project,
            "rows": rows,
            "evidence": evidence,
            "evidence_view": _evidence_context(evidence),
            "satisfaction": satisfaction,
            "year": year,
            "is_reviewer": project.township.county_id in get_scope(request.user).reviewer_counties,
        },
    )


def _evidence_context(evidence: dict | None) -> dict | None:
    if not evidence:
        return None
    return {
        "budget": domain.money(evidence.get("budget")),
        "invested": domain.money(evidence.get("invested")),
        "execution": domain.pct(domain.rate(evidence.get("invested"), evidence.get("budget"))),
        "percent": evidence.get("percent_complete"),
    }


# ---------------------------------------------------------------------------------------------
# Public transparency pages (no login)


@replica_reads
def public_index(request):
    counties = County.objects.prefetch_related("townships").order_by("code")
    with_results = set(selectors.counties_with_public_results())
    return render(
        request,
        "reports/public_index.html",
        {"counties": counties, "counties_with_results": with_results},
    )


def _public_body(request, body, year, template: str, name: str):
    """A body's public page: the elected projects of its published votes of the year (the
    latest by default) with their progress, milestones and satisfaction."""
    years = selectors.public_years(body)
    year = _year_or_404(year)
    if year is None:
        year = years[0] if years else None
    key = "county_id" if isinstance(body, County) else "township_id"
    projects = selectors.elected_rows(**{key: body.pk}, year=year) if year else []
    milestones = selectors.milestone_rows([r.project.pk for r in projects if r.project])
    for row in projects:
        if row.project is not None:
            row.milestones = milestones.get(row.project.pk, [])
    return render(
        request,
        template,
        {
            name: body,
            "year": year,
            "years": years,
            "projects": projects,
            "votes": selectors.public_votes(body, year) if year else [],
            "definitions": indicators.DEFINITIONS,
        },
    )


@replica_reads
def public_township(request, pk, year=None):
    township = Township.objects.select_related("county").filter(pk=pk).first()
    if township is None:
        raise Http404
    return _public_body(request, township, year, "reports/public_township.html", "township")


@replica_reads
def public_county(request, pk, year=None):
    """The county congress's own elected projects (县本级) of its published votes, with
    their progress and satisfaction: the township page's shape, for the county."""
    county = County.objects.filter(pk=pk).first()
    if county is None:
        raise Http404
    return _public_body(request, county, year, "reports/public_county.html", "county")
