"""Quarterly report PDFs (WeasyPrint, Noto CJK): the township report and the county roll-up.

Official Chinese documents, rendered in Simplified Chinese whatever the requesting user's
language. Charts are inline SVG drawn here (no JavaScript in a PDF). Self-contained: only
data: URIs may be fetched, never a file or the network.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

import weasyprint
import weasyprint.urls
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from . import domain, selectors
from .domain import Bar

Progress = Callable[[int], None]


def _noop(_value: int) -> None:
    return None


def _fetcher() -> weasyprint.urls.URLFetcher:
    return weasyprint.urls.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def _render(template: str, context: dict) -> bytes:
    with translation.override("zh-hans"):
        source = render_to_string(template, context)
    html = weasyprint.HTML(string=source, base_url=str(settings.BASE_DIR), url_fetcher=_fetcher())
    return html.write_pdf()


def _test_delay() -> None:
    """Test-only: REPORTS_RENDER_DELAY seconds of work, to kill a worker mid-report."""
    delay = float(getattr(settings, "REPORTS_RENDER_DELAY", 0) or 0)
    if delay:
        time.sleep(delay)


def cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _evidence_view(evidence: dict | None) -> dict | None:
    """Supervision figures formatted for print, or None (shown as —)."""
    if not evidence:
        return None
    out = dict(evidence)
    for key in ("budget", "invested"):
        out[key + "_text"] = domain.money(evidence.get(key))
    pc = evidence.get("percent_complete")
    out["percent_text"] = "—" if pc is None else f"{pc}%"
    for key in ("planned_completion", "expected_completion", "completed_on"):
        out[key + "_text"] = cn_date(evidence.get(key)) if evidence.get(key) else "—"
    budget, invested = evidence.get("budget"), evidence.get("invested")
    out["execution_text"] = domain.pct(domain.rate(invested, budget))
    return out


def _thumb(path: str) -> str | None:
    """A photo as a small JPEG data: URI (about 320 px wide), or None if unreadable."""
    import io

    from PIL import Image

    try:
        with Image.open(path) as image:
            # A JPEG (every upload is one) decodes straight at 1/2, 1/4 or 1/8 of its size,
            # no smaller than asked: a 1600 px photo at 400 px, six times faster than a full
            # decode and resize.
            image.draft("RGB", (320, 240))
            image = image.convert("RGB")
            image.thumbnail((320, 240), reducing_gap=2.0)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=70)
    except (OSError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def report_as_of(report):
    """A quarterly report counts what was recorded by its quarter's last day, so producing it
    again later gives the same figures."""
    return domain.quarter_end(report.year, report.quarter)


def _projects_context(
    report, *, plan, figures, rows, progress: Progress, extra: dict | None = None
) -> dict:
    """The project-by-project part of a report of one congress body's plan (a township's,
    or the county congress's own): summary figures, charts, then each elected project.
    ``extra`` maps a project id to more rows of its table (the county's 督办 and hearings)."""
    as_of = report_as_of(report)
    progress(20)
    projects = []
    ids = [r.project.pk for r in rows if r.project]
    photos = {
        pid: [t for t in (_thumb(path) for path in paths) if t]
        for pid, paths in selectors.photo_files(ids, as_of=as_of).items()
    }
    milestones = selectors.milestone_rows(ids, as_of=as_of)
    extra = extra or {}
    total = max(1, len(rows))
    for i, row in enumerate(rows, start=1):
        project = row.project
        evidence = row.evidence if row.evidence and row.evidence.get("has_progress") else None
        if row.evidence and not evidence:
            evidence = {**row.evidence, "percent_complete": None, "invested": None}
        projects.append(
            {
                "row": row,
                "project": project,
                "villages": ", ".join(v.name for v in project.villages.all()) if project else "",
                "evidence": _evidence_view(evidence),
                "thumbs": photos.get(project.pk, []) if project else [],
                "milestones": milestones.get(project.pk, []) if project else [],
                "oversight": extra.get(project.pk) if project else None,
                "investment": domain.money(row.investment),
                "yes_rate": row.yes_share_text,
                "satisfaction": row.satisfaction,
                "satisfaction_rate": domain.pct(row.satisfaction["rate"])
                if row.satisfaction
                else "—",
            }
        )
        progress(20 + int(50 * i / total))
        _test_delay()
    if not rows:
        _test_delay()
    f = figures
    vote_chart = domain.hbar_svg(
        [
            Bar(label=p["row"].title, value=float(p["row"].yes_rate or 0), text=p["yes_rate"])
            for p in projects
        ],
        max_value=100,
    )
    invest_chart = domain.hbar_svg(
        [
            Bar(
                label=p["row"].title,
                value=float((p["evidence"] or {}).get("invested") or 0),
                second=float((p["evidence"] or {}).get("budget") or p["row"].investment or 0),
                text=f"{domain.money((p['evidence'] or {}).get('invested'))} / "
                f"{domain.money((p['evidence'] or {}).get('budget') or p['row'].investment)} 万元",
            )
            for p in projects
        ]
    )
    progress_chart = domain.hbar_svg(
        [
            Bar(
                label=p["row"].title,
                value=float((p["evidence"] or {}).get("percent_complete") or 0),
                text=(p["evidence"] or {}).get("percent_text", "—") if p["evidence"] else "—",
            )
            for p in projects
        ],
        max_value=100,
        color="#2a9d8f",
    )
    return {
        "report": report,
        "period": domain.quarter_label(report.year, report.quarter),
        "quarter_end": cn_date(domain.quarter_end(report.year, report.quarter)),
        "generated": cn_date(timezone.localdate()),
        "figures": f,
        "investment": domain.money(f.investment) if f.has_plan else "—",
        "satisfaction": domain.pct(f.satisfaction),
        "plan": plan,
        "projects": projects,
        "vote_chart": mark_safe(vote_chart),  # noqa: S308 - built by us, labels escaped
        "invest_chart": mark_safe(invest_chart),  # noqa: S308
        "progress_chart": mark_safe(progress_chart),  # noqa: S308
        "has_evidence": any(p["evidence"] and p["evidence"].get("has_progress") for p in projects),
    }


def township_context(report, progress: Progress = _noop) -> dict:
    township = report.township
    dash = selectors.township_dashboard(township, report.year, as_of=report_as_of(report))
    context = _projects_context(
        report, plan=dash.plan, figures=dash.figures, rows=dash.projects, progress=progress
    )
    context.update(
        township=township,
        county=township.county,
        body_name=township.name,
        # Who reports: the township congress's presidium.
        issuer=f"{township.name}人民代表大会主席团",
        vote_notice="主席团公告",
    )
    return context


def render_township_report(*, report, progress: Progress = _noop) -> bytes:
    context = township_context(report, progress)
    progress(80)
    return _render("reports/pdf/township.html", context)


def county_congress_context(report, progress: Progress = _noop) -> dict:
    """The county congress's own plan (县本级), project by project as a township's report,
    with each project's 督办领导, responsible committee and the quarter's hearings."""
    county = report.county
    dash = selectors.county_congress_dashboard(county, report.year, as_of=report_as_of(report))
    oversight = selectors.county_oversight_rows(
        [r.project.pk for r in dash.projects if r.project],
        date_from=domain.quarter_start(report.year, report.quarter),
        date_to=domain.quarter_end(report.year, report.quarter),
    )
    context = _projects_context(
        report,
        plan=dash.plan,
        figures=dash.figures,
        rows=dash.projects,
        progress=progress,
        extra=oversight,
    )
    context.update(
        township=None,
        county=county,
        body_name=county.name,
        # Who reports: the county congress's standing committee (县人大常委会).
        issuer=f"{county.name}人民代表大会常务委员会",
        vote_notice="大会主席团公告",
        is_county_congress=True,
    )
    return context


def render_county_congress_report(*, report, progress: Progress = _noop) -> bytes:
    context = county_congress_context(report, progress)
    progress(80)
    return _render("reports/pdf/township.html", context)


def county_context(report, progress: Progress = _noop) -> dict:
    dash = selectors.county_dashboard(report.county, report.year, as_of=report_as_of(report))
    progress(30)
    _test_delay()

    def row(name: str, figures, *, strong: bool = False) -> dict:
        return {
            "name": name,
            "f": figures,
            "investment": domain.money(figures.investment) if figures.has_plan else "—",
            "satisfaction": domain.pct(figures.satisfaction),
            "strong": strong,
        }

    # The county congress's own plan (县本级) first, then each township, then the townships'
    # total, so the 合计 row (the whole county, both levels) adds up to the rows above it.
    rows = []
    if dash.county_row is not None:
        rows.append(row(f"{report.county.name}本级", dash.county_row.figures))
    rows += [row(r.township.name, r.figures) for r in dash.rows]
    if dash.county_row is not None:
        rows.append(row("乡镇小计", dash.townships_total, strong=True))
    elected_chart = domain.hbar_svg(
        [
            Bar(
                label=r.township.name,
                value=r.figures.elected or 0,
                text=str(r.figures.elected or 0),
            )
            for r in dash.rows
        ],
        width=720,
    )
    invest_chart = domain.hbar_svg(
        [
            Bar(
                label=r.township.name,
                value=float(r.figures.investment or 0),
                text=f"{domain.money(r.figures.investment or 0)} 万元",
            )
            for r in dash.rows
        ],
        color="#e85d04",
        width=720,
    )
    progress(60)
    return {
        "report": report,
        "county": report.county,
        "period": domain.quarter_label(report.year, report.quarter),
        "quarter_end": cn_date(domain.quarter_end(report.year, report.quarter)),
        "generated": cn_date(timezone.localdate()),
        "rows": rows,
        "total": dash.total,
        "total_investment": domain.money(dash.total.investment or 0),
        "total_satisfaction": domain.pct(dash.total.satisfaction),
        "elected_chart": mark_safe(elected_chart),  # noqa: S308
        "invest_chart": mark_safe(invest_chart),  # noqa: S308
    }


def render_county_report(*, report, progress: Progress = _noop) -> bytes:
    context = county_context(report, progress)
    progress(80)
    return _render("reports/pdf/county.html", context)


# Each kind of report and the function of this module that renders it (looked up by name
# when rendering, so a test may replace one).
RENDERERS = {
    "township": "render_township_report",
    "county": "render_county_report",
    "congress": "render_county_congress_report",
}


def render(*, report, progress: Progress = _noop) -> bytes:
    return globals()[RENDERERS[report.kind]](report=report, progress=progress)
