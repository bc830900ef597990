"""The county congress's own projects (县本级) on the county's dashboard, and the prefecture's
(市) roll-up across its counties (issue 17): the same indicator definitions and as-of date,
both parts and the whole stated, constant queries, scope and refusals."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from congress.models import County, Prefecture, Role
from cycle import indicators
from projects.models import AnnualPlan, Project, Suggestion
from tests.factories import SessionFactory, TermFactory, TownshipFactory, user_with_county_role

from .factories import published_plan, supervision_records

pytestmark = pytest.mark.django_db

COUNTY_TITLES = ["县城污水管网改造", "县人民医院门诊楼", "城乡公交一体化", "县城停车场建设"]


def county_plan(
    county, *, year=2026, titles=COUNTY_TITLES, elected=3, suggestions=0, supervise=None
):
    """The county congress's own plan (县本级) with a published vote; with ``supervise``
    (supervision_records' options) its first project is supervised. The county vote itself
    is not built yet (voting/), so the plan is voted and supervised through the township
    builders on a scratch township of a scratch county, then moved to the county (one update
    per table, as each CheckConstraint wants exactly one body); the vote stays where it was
    taken."""
    from supervision.models import LedgerItem

    code = f"S{county.code}{year}"
    scratch_county = County.objects.create(name=f"临时{code}", code=code)
    scratch = TownshipFactory(county=scratch_county, name=f"临时{code}镇")
    session = SessionFactory(term=TermFactory(township=scratch, county=scratch_county), number=1)
    plan, vote, projects = published_plan(
        scratch, session, year=year, titles=titles, elected=elected, suggestions=suggestions
    )
    if supervise is not None:
        supervision_records(projects[0], **supervise)
    for model in (AnnualPlan, Project, Suggestion, LedgerItem):
        model.objects.filter(township=scratch).update(township=None, county=county)
    plan.refresh_from_db()
    return plan, vote, [Project.objects.get(pk=p.pk) for p in projects]


@pytest.fixture
def prefecture_world(report_world):
    """青州市 holds 青山县 (two townships with 2026 plans, and its own 2026 plan: 3 of 4
    elected, 4 suggestions) and 白水县 (白水镇 with a 2026 plan: 1 of 2 elected); a
    prefecture reviewer; 远州市 with a county of its own and that county's reviewer."""
    w = report_world
    w.prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    for county in (w.county, w.county_other):
        county.prefecture = w.prefecture
        county.save(update_fields=["prefecture"])
    w.county_plan, _vote, w.county_projects = county_plan(w.county, suggestions=4)
    session_far = SessionFactory(
        term=TermFactory(township=w.township_far, county=w.county_other), number=1
    )
    published_plan(
        w.township_far, session_far, year=2026, titles=["白水村饮水", "白水桥"], elected=1
    )
    far = Prefecture.objects.create(name="远州市", code="YZ")
    w.county_far = County.objects.create(name="远山县", code="Z", prefecture=far)
    w.prefecture_far = far
    w.users["prefecture_reviewer"] = user_with_county_role(
        Role.REVIEWER, prefecture=w.prefecture, username="rev_qingzhou"
    )
    w.users["prefecture_reviewer_far"] = user_with_county_role(
        Role.REVIEWER, prefecture=far, username="rev_yuanzhou"
    )
    w.users["reviewer_far"] = user_with_county_role(
        Role.REVIEWER, county=w.county_far, username="rev_z"
    )
    return w


def _prefecture_url(w, year=2026):
    return reverse("reports:prefecture_dashboard_year", args=[w.prefecture.pk, year])


# ---------------------------------------------------------------------------------------------
# The indicator layer


def test_county_figures_count_the_county_congress_beside_its_townships(prefecture_world):
    w = prefecture_world
    found = indicators.county_figures(w.county, 2026)
    own = found.county_row
    assert own.county == w.county and own.plan == w.county_plan
    assert own.figures.candidates == 4 and own.figures.elected == 3
    assert own.figures.suggestions == 4
    assert str(own.figures.investment) == "306.00"  # 101 + 102 + 103, as on the ballot
    # The townships' figures are what they were: the county's own plan is not in them.
    by_name = {r.township.name: r.figures for r in found.rows}
    assert set(by_name) == {"青石镇", "柳河乡"}
    assert by_name["青石镇"].elected == 3 and by_name["柳河乡"].elected == 2
    assert found.townships_total.elected == 5
    # The whole county: townships and the county congress, and it says so.
    assert found.total.elected == 8 and found.total.candidates == 4 + 3 + 4
    assert found.total_includes_county_congress
    assert found.funnel == [
        ("suggestions", found.total.suggestions),
        ("candidates", 11),
        ("elected", 8),
    ]
    assert dict(found.trend)[2026].elected == 8


def test_county_congress_supervision_counts_by_the_same_definitions(report_world):
    w = report_world
    county_plan(w.county, supervise={"percent": 40, "overdue": 2, "closed": 2})
    own = indicators.county_figures(w.county, 2026).county_row.figures
    assert str(own.percent_complete) == "40.00"
    assert own.overdue == 2 and str(own.handover_closure) == "50.00"


def test_county_figures_as_of_a_date_leave_out_the_later_vote(prefecture_world):
    """The county's own vote is published on 20 March: on 1 March its list is locked (4
    candidates) and nothing is elected yet; its projects already count in the reserve."""
    w = prefecture_world
    own = indicators.county_figures(w.county, 2026, as_of=datetime.date(2026, 3, 10)).county_row
    assert own.figures.candidates == 4 and own.figures.elected == 0


def test_a_county_without_its_own_plan_shows_no_record(report_world):
    found = indicators.county_figures(report_world.county, 2026)
    assert found.county_row.plan is None and not found.county_row.figures.has_plan
    assert found.total.as_dict() == found.townships_total.as_dict()


def _county_with_townships(n: int) -> County:
    county = County.objects.create(name=f"测{n}县", code=f"T{n}")
    for i in range(n):
        t = TownshipFactory(county=county, name=f"测{n}镇{i}")
        session = SessionFactory(term=TermFactory(township=t, county=county), number=1)
        _plan, _vote, projects = published_plan(
            t, session, year=2026, titles=[f"测{n}项目{i}甲", f"测{n}项目{i}乙"], elected=1
        )
        supervision_records(projects[0])
        published_plan(t, session, year=2025, titles=[f"测{n}旧{i}"], elected=1)
    county_plan(county, titles=[f"测{n}县级甲", f"测{n}县级乙"], elected=1)
    return county


def test_county_figures_run_in_constant_queries(db, django_assert_max_num_queries):
    small, big = _county_with_townships(2), _county_with_townships(12)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        indicators.county_figures(small, 2026)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        found = indicators.county_figures(big, 2026)
    assert len(found.rows) == 12 and found.county_row.figures.elected == 1
    assert found.total.elected == 13


# ---------------------------------------------------------------------------------------------
# The county dashboard


def test_county_dashboard_shows_the_county_congress_first(prefecture_world):
    w = prefecture_world
    response = w.client("reviewer").get(f"/dashboard/counties/{w.county.pk}/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    own_row = html.index('data-testid="county-congress-row"')
    assert own_row < html.index('id="county-table"')  # before the townships
    assert f'href="/plans/{w.county_plan.pk}/"' in html
    assert f'href="/counties/{w.county.pk}/projects/"' in html
    assert "青山县人民代表大会" in html
    dash = response.context["dash"]
    assert dash.county_row.figures.elected == 3 and dash.total.elected == 8
    assert 'data-testid="townships-total"' in html and 'data-testid="county-total"' in html
    # The charts' first bar is the county level
    assert response.context["chart"]["elected"] == [3, 3, 2]
    # The footnote says what the county row and the totals are made of
    assert 'data-key="county_congress"' in html and 'data-key="total"' in html


def test_county_dashboard_in_english_names_the_parts(prefecture_world):
    w = prefecture_world
    client = w.client("reviewer")
    client.cookies["django_language"] = "en"
    html = client.get(f"/dashboard/counties/{w.county.pk}/2026/").content.decode()
    assert "County congress (county level)" in html
    assert "Townships&#x27; total" in html or "Townships' total" in html
    assert "County total (townships and county level)" in html


def test_county_workbook_has_the_county_congress_and_both_totals(prefecture_world):
    w = prefecture_world
    response = w.client("reviewer").get(f"/dashboard/counties/{w.county.pk}/2026.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "青山县人民代表大会（县本级）" or "青山县" in rows[0][0]
    assert rows[0][3] == 3  # elected (county level)
    names = [r[0] for r in rows]
    assert names[1:3] == ["青石镇", "柳河乡"]
    assert rows[-2][3] == 5  # the townships' total
    assert rows[-1][3] == 8  # the county total, both together
    definitions = load_workbook(io.BytesIO(response.content)).worksheets[-1]
    texts = " ".join(str(c.value) for row in definitions.iter_rows() for c in row)
    assert "县本级" in texts


def test_county_dashboard_queries_stay_constant_with_a_county_plan(report_world):
    w = report_world
    client = w.client("reviewer")
    url = f"/dashboard/counties/{w.county.pk}/2026/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    county_plan(w.county, supervise={})
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).context["dash"].county_row.figures.elected == 3
    assert len(after.captured_queries) == len(before.captured_queries)


# ---------------------------------------------------------------------------------------------
# The prefecture's roll-up


def test_prefecture_roll_up_has_a_row_per_county_with_both_parts(prefecture_world):
    w = prefecture_world
    response = w.client("prefecture_reviewer").get(_prefecture_url(w))
    assert response.status_code == 200
    dash = response.context["dash"]
    rows = {r.county.name: r for r in dash.rows}
    assert list(rows) == ["青山县", "白水县"]
    qingshan = rows["青山县"]
    assert qingshan.townships.elected == 5 and qingshan.county_congress.elected == 3
    assert qingshan.total.elected == 8 and qingshan.n_townships == 2
    assert qingshan.plan == w.county_plan
    baishui = rows["白水县"]
    assert baishui.total.elected == 1 and not baishui.county_congress.has_plan
    assert dash.townships_total.elected == 6
    assert dash.county_congresses_total.elected == 3
    assert dash.total.elected == 9
    # The same definitions and date as the county's dashboard
    county = indicators.county_figures(w.county, 2026, as_of=dash.as_of)
    assert qingshan.total.as_dict() == county.total.as_dict()
    assert qingshan.county_congress.as_dict() == county.county_row.figures.as_dict()
    html = response.content.decode()
    assert f'href="/dashboard/counties/{w.county.pk}/2026/"' in html  # drill-down
    assert f'href="/plans/{w.county_plan.pk}/"' in html
    assert 'data-testid="prefecture-total"' in html and 'data-key="county_congress"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")  # CSP


def test_prefecture_opens_on_the_latest_year_with_a_published_vote(prefecture_world):
    w = prefecture_world
    AnnualPlan.objects.create(county=w.county_other, year=2027, slots=5)  # nothing voted yet
    response = w.client("prefecture_reviewer").get(
        reverse("reports:prefecture_dashboard", args=[w.prefecture.pk])
    )
    assert response.context["dash"].year == 2026


def test_prefecture_roll_up_runs_in_constant_queries(prefecture_world):
    w = prefecture_world
    client = w.client("prefecture_reviewer")
    url = _prefecture_url(w)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in (3, 4):
        county = _county_with_townships(n)
        county.prefecture = w.prefecture
        county.save(update_fields=["prefecture"])
    with CaptureQueriesContext(connection) as big:
        response = client.get(url)
    assert len(response.context["dash"].rows) == 4
    assert len(big.captured_queries) == len(small.captured_queries), [
        q["sql"][:120] for q in big.captured_queries
    ]


def test_prefecture_workbook(prefecture_world):
    w = prefecture_world
    response = w.client("prefecture_reviewer").get(
        reverse("reports:prefecture_dashboard_xlsx", args=[w.prefecture.pk, 2026])
    )
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 4  # counties, trend, funnel, definitions
    first = wb.worksheets[0]
    header = [c.value for c in first[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in first.iter_rows(min_row=2, values_only=True)
    }
    elected = [h for h in header if h and h.endswith("票决通过") or h and h.endswith("Elected")]
    assert len(elected) == 3  # townships, county level, whole county
    townships, own, whole = elected
    assert (rows["青山县"][townships], rows["青山县"][own], rows["青山县"][whole]) == (5, 3, 8)
    assert rows["合计"][whole] == 9


def test_prefecture_reviewer_lands_on_the_roll_up(prefecture_world):
    w = prefecture_world
    response = w.client("prefecture_reviewer").get(reverse("reports:dashboard_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:prefecture_dashboard", args=[w.prefecture.pk])
    # A county reviewer still lands on the county
    response = w.client("reviewer").get(reverse("reports:dashboard_home"))
    assert response["Location"] == reverse("reports:county_dashboard", args=[w.county.pk])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("prefecture_reviewer", 200),
        ("superuser", 200),
        ("reviewer", 403),  # a reviewer of one of its counties: in scope, not its reviewer
        ("reviewer_other", 403),
        ("reviewer_far", 404),  # a county of another prefecture
        ("prefecture_reviewer_far", 404),
        ("staff", 404),
        ("deputy", 404),
    ],
)
def test_who_reads_the_prefecture(prefecture_world, role, expected):
    w = prefecture_world
    client = w.client(role)
    for url in (
        _prefecture_url(w),
        reverse("reports:prefecture_dashboard", args=[w.prefecture.pk]),
        reverse("reports:prefecture_dashboard_xlsx", args=[w.prefecture.pk, 2026]),
        reverse("api:prefecture-indicators-detail", args=[w.prefecture.pk]),
    ):
        assert client.get(url).status_code == expected, (role, url)


def test_anonymous_is_sent_to_log_in(prefecture_world):
    w = prefecture_world
    response = w.client("anonymous").get(_prefecture_url(w))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = w.client("anonymous").get(
        reverse("api:prefecture-indicators-detail", args=[w.prefecture.pk])
    )
    assert api.status_code == 401


def test_prefecture_reviewer_reads_each_county_but_not_another_prefecture(prefecture_world):
    w = prefecture_world
    client = w.client("prefecture_reviewer")
    for county in (w.county, w.county_other):
        assert client.get(f"/dashboard/counties/{county.pk}/2026/").status_code == 200
    assert client.get(f"/dashboard/counties/{w.county_far.pk}/2026/").status_code == 404
    far = reverse("reports:prefecture_dashboard", args=[w.prefecture_far.pk])
    assert client.get(far).status_code == 404


@pytest.mark.parametrize("year", [1999, 2101])
def test_bad_years_are_404(prefecture_world, year):
    w = prefecture_world
    assert w.client("prefecture_reviewer").get(_prefecture_url(w, year)).status_code == 404


# ---------------------------------------------------------------------------------------------
# The API


def test_county_api_includes_the_county_congress(prefecture_world):
    w = prefecture_world
    url = reverse("api:county-indicators-detail", args=[w.county.pk])
    body = w.client("prefecture_reviewer").get(url, {"year": 2026}).json()
    assert body["county_congress"]["plan"] == w.county_plan.pk
    assert body["county_congress"]["figures"]["elected"] == 3
    assert body["townships_total"]["elected"] == 5
    assert body["total"]["elected"] == 8 and body["total_includes_county_congress"] is True
    assert {"county_congress", "townships_total", "total"} <= set(body["definitions"])


def test_county_api_without_a_county_plan(report_world):
    w = report_world
    url = reverse("api:county-indicators-detail", args=[w.county.pk])
    body = w.client("reviewer").get(url, {"year": 2026}).json()
    assert body["county_congress"]["plan"] is None
    assert body["county_congress"]["figures"]["has_plan"] is False
    assert body["total"] == body["townships_total"]


def test_prefecture_api_gives_the_roll_up(prefecture_world):
    w = prefecture_world
    url = reverse("api:prefecture-indicators-detail", args=[w.prefecture.pk])
    client = w.client("prefecture_reviewer")
    body = client.get(url, {"year": 2026}).json()
    assert body["year"] == 2026 and body["name"] == "青州市"
    counties = {c["name"]: c for c in body["counties"]}
    assert counties["青山县"]["townships"]["elected"] == 5
    assert counties["青山县"]["county_congress"]["elected"] == 3
    assert counties["青山县"]["total"]["elected"] == 8
    assert counties["青山县"]["county_plan"] == w.county_plan.pk
    assert counties["白水县"]["county_plan"] is None
    assert body["total"]["elected"] == 9
    assert body["county_congresses_total"]["elected"] == 3
    early = client.get(url, {"year": 2026, "as_of": "2026-03-10"}).json()
    assert early["as_of"] == "2026-03-10" and early["total"]["elected"] == 0
    bad = client.get(url, {"year": "x", "as_of": "2026-13-45"})
    assert bad.status_code == 400 and {"year", "as_of"} <= set(bad.json())
