"""Dashboards and public pages: figures from stored results, constant query counts, scope."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import SessionFactory, TermFactory, TownshipFactory

from .factories import published_plan, supervision_records

pytestmark = pytest.mark.django_db


def _county_url(w, year=2026):
    return f"/dashboard/counties/{w.county.pk}/{year}/"


def test_county_dashboard_shows_every_township_with_its_figures(report_world):
    w = report_world
    supervision_records(w.township.projects.get(title="东河村道路路灯安装"), percent=40)
    response = w.client("reviewer").get(_county_url(w))
    assert response.status_code == 200
    rows = {r.township.name: r.figures for r in response.context["dash"].rows}
    assert rows["青石镇"].elected == 3 and rows["青石镇"].candidates == 4
    assert rows["青石镇"].suggestions == 5
    assert str(rows["青石镇"].investment) == "306.00"
    assert rows["青石镇"].percent_complete is not None
    assert rows["青石镇"].overdue == 1
    assert str(rows["青石镇"].handover_closure) == "50.00"
    assert rows["柳河乡"].elected == 2
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and 'type="application/json"' in html
    assert "js-sortable" in html
    assert f"/dashboard/townships/{w.township.pk}/2026/" in html  # drill-down
    assert "<script>" not in html.replace('<script type="application/json"', "")  # CSP


def test_county_dashboard_runs_a_constant_number_of_queries(report_world):
    w = report_world
    client = w.client("reviewer")
    client.get(_county_url(w))  # warm
    with CaptureQueriesContext(connection) as small:
        assert client.get(_county_url(w)).status_code == 200
    # Five more townships, each with a plan, a vote and supervision records.
    for i in range(5):
        t = TownshipFactory(county=w.county, name=f"新增{i}镇")
        session = SessionFactory(term=TermFactory(township=t, county=w.county), number=1)
        _plan, _vote, projects = published_plan(
            t, session, year=2026, titles=[f"新增{i}项目甲", f"新增{i}项目乙"], elected=2
        )
        supervision_records(projects[0])
        published_plan(t, session, year=2025, titles=[f"旧{i}项目"], elected=1)
    with CaptureQueriesContext(connection) as big:
        response = client.get(_county_url(w))
    assert response.status_code == 200
    assert len(response.context["dash"].rows) == 7
    assert len(big.captured_queries) == len(small.captured_queries), [
        q["sql"][:120] for q in big.captured_queries
    ]


def test_township_dashboard_constant_queries_and_project_list(report_world):
    w = report_world
    client = w.client("staff")
    url = f"/dashboard/townships/{w.township.pk}/2026/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        response = client.get(url)
    assert [r.title for r in response.context["dash"].projects] == [
        "东河村道路路灯安装",
        "西岭村饮水工程改造",
        "镇区污水管网建设",
    ]
    for p in w.township.projects.filter(status__in=("elected", "implementing")):
        supervision_records(p)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_reviewer_of_another_county_and_other_staff_see_nothing(report_world):
    w = report_world
    assert w.client("reviewer_other").get(_county_url(w)).status_code == 404
    assert w.client("staff").get(_county_url(w)).status_code == 404
    assert w.client("staff_other").get(f"/dashboard/townships/{w.township.pk}/").status_code == 404
    project = w.township.projects.first()
    assert w.client("reviewer_other").get(f"/dashboard/projects/{project.pk}/").status_code == 404
    assert w.client("staff_other").get(f"/dashboard/projects/{project.pk}/").status_code == 404
    response = w.client("anonymous").get(_county_url(w))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("year", [1999, 2101, 99999])
def test_bad_years_are_404_not_500(report_world, year):
    w = report_world
    assert w.client("reviewer").get(_county_url(w, year)).status_code == 404
    assert w.client("staff").get(f"/dashboard/townships/{w.township.pk}/{year}/").status_code == 404
    assert (
        w.client("anonymous").get(f"/public/townships/{w.township.pk}/{year}/").status_code == 404
    )


def test_bad_report_request_is_a_form_error(report_world):
    w = report_world
    response = w.client("staff").post(
        f"/reports/townships/{w.township.pk}/", {"year": "x", "quarter": 9}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_county_excel_has_every_table(report_world):
    w = report_world
    response = w.client("reviewer").get(f"/dashboard/counties/{w.county.pk}/2026.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 4  # townships, trend, funnel, definitions
    first = wb[wb.sheetnames[0]]
    names = [row[0].value for row in first.iter_rows(min_row=2)]
    assert "青石镇" in names and "柳河乡" in names
    row = next(r for r in first.iter_rows(min_row=2, values_only=True) if r[0] == "青石镇")
    assert row[3] == 3  # elected


def test_township_excel(report_world):
    w = report_world
    response = w.client("staff").get(f"/dashboard/townships/{w.township.pk}/2026.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    titles = [r[0] for r in wb[wb.sheetnames[0]].iter_rows(min_row=2, values_only=True)]
    assert "东河村道路路灯安装" in titles


def test_project_drill_down(report_world):
    w = report_world
    project = w.township.projects.get(title="东河村道路路灯安装")
    supervision_records(project, percent=70)
    response = w.client("reviewer").get(f"/dashboard/projects/{project.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "东河村道路路灯安装" in html and "70%" in html
    assert "86.7%" in html  # 票决率: 26 of the pass base of 30, one decimal


def test_public_township_page_no_login_no_personal_data(report_world):
    w = report_world
    from projects.models import Suggestion

    Suggestion.objects.filter(township=w.township).update(
        proposer_name="张三丰", proposer_phone="13912345678"
    )
    client = w.client("anonymous")
    response = client.get(f"/public/townships/{w.township.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert "东河村道路路灯安装" in html and "南塘村文化礼堂" not in html
    assert "/results/" in html  # published vote results
    assert "/track/" in html  # receipt lookup
    assert "张三丰" not in html and "13912345678" not in html and "王建国" not in html
    assert client.get("/public/").status_code == 200


def test_public_page_hides_unpublished_votes(world):
    from voting.models import VoteStatus

    published_plan(world.township, world.session, year=2026, status=VoteStatus.CERTIFIED)
    html = world.client("anonymous").get(f"/public/townships/{world.township.pk}/2026/")
    assert "东河村道路路灯安装" not in html.content.decode()


def test_satisfaction_from_published_evaluations(report_world):
    """E3: 满意率 = 满意 / ballots returned, two decimals (25/28 = 89.29%)."""
    from projects.models import AnnualPlan
    from reports import pdf
    from reports.models import Report
    from voting.pdf import pdf_text

    from .factories import published_evaluation

    w = report_world
    plan = AnnualPlan.objects.get(township=w.township, year=2026)
    elected = list(
        w.township.projects.filter(status__in=("elected", "implementing")).order_by("pk")
    )
    published_evaluation(plan, w.session, elected)
    response = w.client("reviewer").get(_county_url(w))
    rows = {r.township.name: r.figures for r in response.context["dash"].rows}
    assert str(rows["青石镇"].satisfaction) == "89.29"
    assert rows["柳河乡"].satisfaction is None
    assert "89.29%" in response.content.decode()
    public = w.client("anonymous").get(f"/public/townships/{w.township.pk}/2026/")
    assert "89.29%" in public.content.decode()
    report = Report.objects.create(
        kind="township", township=w.township, county=w.county, year=2026, quarter=4
    )
    assert "满意率 89.29%" in pdf_text(pdf.render_township_report(report=report))
