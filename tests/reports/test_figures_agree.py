"""The demo's figures agree on every surface (issue 14): 票决率 on the results page, the API,
the receipt lineage, the township dashboard, the public township page, the Excel export and
the report PDF; the county dashboard's figures in its page, its Excel sheet and the roll-up
PDF; and the quarterly reports of 青石镇 differ as the records say (Q2 vs Q3)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from congress.models import Role, RoleAssignment, Township
from cycle import indicators
from reports import export, pdf, selectors
from reports.models import Report
from voting.models import CandidateResult, VoteStatus
from voting.selectors import published_outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Township.objects.select_related("county").get(name="青石镇")


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_approval_rate_agrees_on_every_surface(demo):
    township = demo
    year = indicators.default_year(township=township)
    rows = indicators.elected_rows(township_id=township.pk, year=year)
    assert rows, "the demo has elected projects"
    expected = {r.title: r.yes_share_text for r in rows}
    for r in rows:  # over half of the pass base: every elected project shows more than 50%
        assert r.yes_rate > 50 and 2 * r.yes > r.pass_base

    vote_id = rows[0].vote_id
    # The results page (public) and the API
    page = Client().get(reverse("voting:public_results", args=[vote_id]))
    shown = {row["cr"].candidate.title: row["share"] for row in page.context["rows"]}
    api = Client().get(reverse("api:result-detail", args=[vote_id])).json()
    from_api = {c["title"]: c["share"] for c in api["candidates"]}
    # The township dashboard, the public township page
    staff = RoleAssignment.objects.filter(role=Role.STAFF, township=township).first().user.username
    dash = _client(staff).get(reverse("reports:township_dashboard_year", args=[township.pk, year]))
    on_dash = {r.title: r.yes_share_text for r in dash.context["dash"].projects}
    public = Client().get(reverse("reports:public_township_year", args=[township.pk, year]))
    on_public = {r.title: r.yes_share_text for r in public.context["projects"]}
    html = public.content.decode()
    # The Excel export: the share as a number with one decimal
    xlsx = _client(staff).get(reverse("reports:township_dashboard_xlsx", args=[township.pk, year]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    in_excel = {
        row[0]: f"{Decimal(str(row[2])):.1f}%"
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    # The receipt lineage and the PDF
    lineage = {}
    for cr in CandidateResult.objects.filter(
        vote_result__vote_id=vote_id, candidate__project__isnull=False
    ).select_related("candidate__project"):
        votes, _ratings = published_outcomes(cr.candidate.project)
        lineage[cr.candidate.title] = next(v["share"] for v in votes if v["vote"].pk == vote_id)
    report = Report(
        township=township, county=township.county, kind="township", year=year, quarter=4
    )
    context = pdf.township_context(report)
    in_pdf = {p["row"].title: p["yes_rate"] for p in context["projects"]}

    for title, share in expected.items():
        assert shown[title] == share
        assert from_api[title] == share
        assert on_dash[title] == share
        assert on_public[title] == share and share in html
        assert in_excel[title] == share
        assert lineage[title] == share
        assert in_pdf[title] == share


def test_county_figures_agree_on_page_sheet_and_pdf(demo):
    county = demo.county
    reviewer = (
        RoleAssignment.objects.filter(role=Role.REVIEWER, county=county).first().user.username
    )
    client = _client(reviewer)
    page = client.get(reverse("reports:county_dashboard", args=[county.pk]))
    dash = page.context["dash"]
    # Opens on the latest year with a published vote, not on an empty later plan year
    assert dash.year == max(
        y
        for y in dash.years
        if CandidateResult.objects.filter(
            vote_result__vote__status=VoteStatus.PUBLISHED,
            vote_result__vote__candidate_list__plan__year=y,
            vote_result__vote__candidate_list__plan__township__county=county,
        ).exists()
    )
    assert dash.total.elected > 0
    assert dash.total.suggestions > 0  # counted through merges into the plan's projects
    assert dash.total.candidates >= dash.total.elected
    assert page.context["chart"]["funnel_values"] == [
        dash.total.suggestions,
        dash.total.candidates,
        dash.total.elected,
    ]
    sheet = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:county_dashboard_xlsx", args=[county.pk, dash.year])
            ).content
        )
    ).worksheets[0]
    header = [c.value for c in sheet[1]]
    total = next(
        r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] in ("合计", "Total")
    )
    as_sheet = dict(zip(header, total, strict=True))
    assert any("%" in str(h) for h in header)  # percentage columns say so
    by_column = dict(zip(header[1:], [n for n, _l in export.COUNTY_COLUMNS], strict=True))
    for heading, name in by_column.items():
        value = getattr(dash.total, name)
        sheet_value = as_sheet[heading]
        if value is None:
            assert sheet_value is None
        else:
            assert Decimal(str(sheet_value)) == Decimal(value), name
    # The roll-up PDF for the quarter that ends today's figures: same definitions, as of
    # its quarter's last day
    report = Report(county=county, kind="county", year=dash.year, quarter=4)
    context = pdf.county_context(report)
    same = selectors.county_dashboard(county, dash.year, as_of=datetime.date(dash.year, 12, 31))
    assert context["total"].as_dict() == same.total.as_dict()
    # The PDF's 全县合计 adds up to the rows above it: the county level (县本级) and each
    # township (the 乡镇小计 row is itself a sum, not counted again).
    bodies = [r for r in context["rows"] if not r["strong"]]
    for name in ("candidates", "elected"):
        assert sum(getattr(r["f"], name) or 0 for r in bodies) == getattr(context["total"], name)


def test_quarterly_reports_differ_as_the_records_say(demo):
    township = demo
    q2 = pdf.township_context(
        Report(township=township, county=township.county, kind="township", year=2026, quarter=2)
    )
    q3 = pdf.township_context(
        Report(township=township, county=township.county, kind="township", year=2026, quarter=3)
    )
    assert q2["figures"].as_dict() != q3["figures"].as_dict()
    progress = [
        (p["row"].title, (p["evidence"] or {}).get("percent_complete")) for p in q2["projects"]
    ]
    later = [
        (p["row"].title, (p["evidence"] or {}).get("percent_complete")) for p in q3["projects"]
    ]
    assert progress != later
    # Nothing reported after 30 June shows in Q2
    for p in q2["projects"]:
        ev = p["evidence"]
        if ev and ev.get("percent_complete") is not None:
            assert ev["as_of"] == datetime.date(2026, 6, 30)
    # Regenerating gives the same figures
    again = pdf.township_context(
        Report(township=township, county=township.county, kind="township", year=2026, quarter=2)
    )
    assert again["figures"].as_dict() == q2["figures"].as_dict()
