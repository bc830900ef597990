"""The county congress's own quarterly report (县本级, issue 17) and its public results page.

The county's staff (县人大常委会工作人员) ask for the report on /reports/counties/<pk>/congress/;
the task produces the same project-by-project PDF as a township's, with each project's 督办领导,
responsible committee and the quarter's hearings; the county's and its prefecture's reviewers
read it; township staff see nothing of it. Beat makes one per county with a published plan
of its own. /public/counties/<pk>/ shows the county congress's elected projects of published
votes to anyone."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from congress.models import County, Prefecture, Role
from projects.models import AnnualPlan, Project, Suggestion
from reports import services
from reports.models import Report, ReportKind, ReportStatus
from reports.tasks import generate_report
from tests.factories import (
    SessionFactory,
    TermFactory,
    TownshipFactory,
    roll_call,
    user_with_county_role,
)
from voting.models import VoteStatus
from voting.pdf import pdf_text

from .factories import published_plan, supervision_records
from .test_prefecture import COUNTY_TITLES

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "reports"


def county_plan(
    county, *, year=2026, titles=COUNTY_TITLES, elected=3, status=None, present=None, **supervise
):
    """The county congress's own plan (县本级) voted to ``status`` (default published), built
    as tests/reports/test_prefecture.county_plan does (voted on a scratch township, then moved
    to the county); with ``supervise`` its first project gets supervision_records. With
    ``present`` the session's roll has that many present of ``present + 2`` in office (the
    builders' roll is 28 of 30, too few for more than eleven to pass)."""
    from supervision.models import LedgerItem

    code = f"S{county.code}{year}"
    scratch_county = County.objects.create(name=f"临时{code}", code=code)
    scratch = TownshipFactory(county=scratch_county, name=f"临时{code}镇")
    session = SessionFactory(term=TermFactory(township=scratch, county=scratch_county), number=1)
    if present is not None:
        roll_call(session, in_office=present + 2, present=present)
    plan, vote, projects = published_plan(
        scratch,
        session,
        year=year,
        titles=titles,
        elected=elected,
        status=status or VoteStatus.PUBLISHED,
    )
    if supervise:
        supervision_records(projects[0], **supervise)
    for model in (AnnualPlan, Project, Suggestion, LedgerItem):
        model.objects.filter(township=scratch).update(township=None, county=county)
    plan.refresh_from_db()
    return plan, vote, [Project.objects.get(pk=p.pk) for p in projects]


@pytest.fixture
def congress_world(report_world):
    """青山县 (county A) with its own 2026 plan: 3 of 4 elected and published, the first
    supervised (budget 120, invested 60, 50 %), with a 督办领导 and committee, a hearing in Q2
    and one in Q3; a 2027 plan voted but only certified (never published). Users: the
    county's staff and a teller of its congress, county B's staff, a reviewer of 青州市."""
    from supervision import services as supervision_services

    w = report_world
    w.prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    for county in (w.county, w.county_other):
        county.prefecture = w.prefecture
        county.save(update_fields=["prefecture"])
    w.county_staff = user_with_county_role(Role.STAFF, county=w.county, username="staff_qs")
    w.county_teller = user_with_county_role(Role.TELLER, county=w.county, username="teller_qs")
    w.county_staff_other = user_with_county_role(
        Role.STAFF, county=w.county_other, username="staff_bs"
    )
    w.prefecture_reviewer = user_with_county_role(
        Role.REVIEWER, prefecture=w.prefecture, username="rev_qz"
    )
    w.plan, _vote, w.projects = county_plan(w.county, budget=120, invested=60, percent=50)
    w.unpublished_plan, _v, w.unpublished = county_plan(
        w.county,
        year=2027,
        titles=["县城未公布项目甲", "县城未公布项目乙"],
        elected=2,
        status=VoteStatus.CERTIFIED,
    )
    units = supervision_services.county_units_ensure(actor=w.county_staff, county=w.county)
    supervision_services.oversight_set(
        actor=w.county_staff, project=w.projects[0], leader_name="王副主任", unit=units[0]
    )
    w.unit = units[0]
    supervision_services.hearing_record(
        actor=w.county_staff,
        county=w.county,
        date=datetime.date(2026, 5, 20),
        body="directors",
        projects=[w.projects[0]],
        opinions="加快管网施工进度",
    )
    supervision_services.hearing_record(
        actor=w.county_staff,
        county=w.county,
        date=datetime.date(2026, 8, 10),
        body="standing",
        projects=[w.projects[0]],
        opinions="第三季度的审议意见",
    )
    return w


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(w) -> str:
    return reverse("reports:county_congress_reports", args=[w.county.pk])


def test_county_staff_ask_and_the_task_produces_the_project_by_project_report(
    congress_world, tmp_path
):
    """Asked on the page, produced by the task (the path the worker runs), the PDF lists the
    county's elected projects with their figures, 督办 and the quarter's hearings."""
    w = congress_world
    staff = _client(w.county_staff)
    page = staff.get(_url(w))
    assert page.status_code == 200 and 'name="quarter"' in page.content.decode()
    response = staff.post(_url(w), {"year": 2026, "quarter": 2})
    report = Report.objects.get(kind=ReportKind.COUNTY_CONGRESS)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.county == w.county and report.township is None
    assert report.status == ReportStatus.QUEUED and report.requested_by == w.county_staff
    # Asking again while it is queued returns the same one.
    staff.post(_url(w), {"year": 2026, "quarter": 2})
    assert Report.objects.filter(kind=ReportKind.COUNTY_CONGRESS).count() == 1

    assert generate_report.apply(args=[report.pk]).get() == ReportStatus.DONE
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    data = Path(report.file.path).read_bytes()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "county_congress.pdf").write_bytes(data)
    text = pdf_text(data)
    assert "青山县本级民生实事项目" in text and "2026年第二季度" in text
    assert "青山县人民代表大会常务委员会" in text
    for title in COUNTY_TITLES[:3]:
        assert title in text
    assert COUNTY_TITLES[3] not in text  # not elected
    assert "县城未公布项目甲" not in text  # another year, never published
    assert "票决率 86.7%" in text and "通过基数 30 名" in text  # 26 of 30 in office
    assert "已投资 60 万元 / 预算 120 万元" in text and "执行率 50.00%" in text
    assert "督办领导" in text and "王副主任" in text and w.unit.name in text
    assert "加快管网施工进度" in text  # the Q2 hearing's opinions
    assert "第三季度的审议意见" not in text  # held after the quarter
    assert "指标口径" in text
    # Rendered to PNG for a look (test-artifacts/reports/county_congress-*.png).
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4"]
        + [str(ARTIFACTS / "county_congress.pdf"), str(ARTIFACTS / "county_congress")],
        check=True,
    )

    # The county's staff, its reviewer and its prefecture's reviewer download it.
    for user in (w.county_staff, w.users["reviewer"], w.prefecture_reviewer):
        download = _client(user).get(f"/reports/{report.pk}/download/")
        assert download.status_code == 200, user
        assert "%E5%8E%BF%E6%9C%AC%E7%BA%A7" in download["Content-Disposition"]  # 县本级
    listing = w.client("reviewer").get(_url(w)).content.decode()
    assert f"/reports/{report.pk}/download/" in listing and 'name="quarter"' not in listing


def test_scope_refusals(congress_world):
    """Township staff and outsiders see nothing (404), a teller of the county's congress and
    the reviewers may not ask (403); the service refuses the same."""
    w = congress_world
    report, _created = services.report_request(
        actor=w.county_staff,
        county=w.county,
        kind=ReportKind.COUNTY_CONGRESS,
        year=2026,
        quarter=2,
    )
    detail = f"/reports/{report.pk}/"
    for user, get, post in (
        (w.users["staff"], 404, 404),
        (w.users["staff_other"], 404, 404),
        (w.users["reviewer_other"], 404, 404),
        (w.county_staff_other, 404, 404),
        (w.county_teller, 403, 403),
        (w.users["reviewer"], 200, 403),
        (w.prefecture_reviewer, 200, 403),
        (w.county_staff, 200, 302),
    ):
        client = _client(user)
        assert client.get(_url(w)).status_code == get, user
        assert client.post(_url(w), {"year": 2026, "quarter": 1}).status_code == post, user
        assert client.get(detail).status_code == (200 if get == 200 else 404), user
    assert Client().get(_url(w)).status_code == 302  # to the login page
    for user in (w.users["reviewer"], w.users["staff"], w.county_teller):
        with pytest.raises(PermissionDenied):
            services.report_request(
                actor=user,
                county=w.county,
                kind=ReportKind.COUNTY_CONGRESS,
                year=2026,
                quarter=3,
            )
    # A reviewer may not retry it either; the county's staff may.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="x")
    assert w.client("reviewer").post(f"{detail}retry/").status_code == 403
    assert _client(w.county_staff).post(f"{detail}retry/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    # The API lists it to the county's staff, never to township staff.
    from reports.selectors import reports_visible_to

    assert report in reports_visible_to(w.county_staff)
    assert not reports_visible_to(w.users["staff"]).filter(kind=ReportKind.COUNTY_CONGRESS)


def test_beat_makes_one_per_county_with_a_published_plan_and_never_twice(
    congress_world, monkeypatch
):
    w = congress_world
    monkeypatch.setattr(services, "report_enqueue", lambda *, report_id: True)
    # County B has a 2026 plan of its own with no vote: no congress report for it.
    AnnualPlan.objects.create(county=w.county_other, year=2026, slots=2)
    created = services.reports_schedule_quarter(year=2026, quarter=2)
    congress = Report.objects.filter(kind=ReportKind.COUNTY_CONGRESS, year=2026, quarter=2)
    assert [r.county for r in congress] == [w.county]
    assert congress.get().requested_by is None
    townships_and_counties = Report.objects.exclude(kind=ReportKind.COUNTY_CONGRESS).count()
    assert created == townships_and_counties + 1
    assert services.reports_schedule_quarter(year=2026, quarter=2) == 0
    assert congress.count() == 1
    # 2027's plan was only certified: no report of its year.
    services.reports_schedule_quarter(year=2027, quarter=1)
    assert not Report.objects.filter(kind=ReportKind.COUNTY_CONGRESS, year=2027).exists()


def test_public_county_page_shows_elected_projects_of_published_votes_only(congress_world):
    w = congress_world
    client = Client()
    page = client.get(reverse("reports:public_county", args=[w.county.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for project in w.projects[:3]:
        assert project.title in html
        assert reverse("supervision:public_project", args=[project.pk]) in html
    assert w.projects[3].title not in html  # not elected
    assert "县城未公布项目甲" not in html and "2027" not in html  # certified, not published
    assert "王副主任" not in html  # no personal data
    assert "86.7%" in html  # the share of votes for
    assert (
        client.get(reverse("reports:public_county_year", args=[w.county.pk, 2027]))
        .content.decode()
        .count("县城未公布项目")
        == 0
    )
    assert client.get(reverse("reports:public_county_year", args=[w.county.pk, 1999])).status_code
    assert client.get(reverse("reports:public_county", args=[999999])).status_code == 404
    # The public index and the residents' front door list the county congress.
    county_url = reverse("reports:public_county", args=[w.county.pk])
    assert county_url in client.get(reverse("reports:public_index")).content.decode()
    assert (
        reverse("reports:public_county", args=[w.county_other.pk])
        not in client.get(reverse("reports:public_index")).content.decode()
    )
    home = client.get("/").content.decode()
    assert reverse("reports:public_county_year", args=[w.county.pk, 2026]) in home
    assert reverse("reports:public_township_year", args=[w.township.pk, 2026]) in home


def test_public_county_page_queries_do_not_grow_with_projects(
    congress_world, django_assert_max_num_queries
):
    """3 elected projects and 12 cost the same number of queries."""
    w = congress_world
    client = Client()
    url = reverse("reports:public_county_year", args=[w.county.pk, 2026])
    client.get(url)  # warm
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    big = County.objects.create(name="大河县", code="DH")
    titles = [f"大河县项目{i}" for i in range(12)]
    county_plan(big, titles=titles, elected=12, present=40)
    big_url = reverse("reports:public_county_year", args=[big.pk, 2026])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(big_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert [t for t in titles if t not in html] == []


def test_demo_county_has_a_county_congress_report_and_public_page(settings, tmp_path):
    """The demo's 青山县: its congress's report of the quarter just ended is produced, and its
    published plan has a public page the front door links to."""
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", stdout=devnull)
    county = County.objects.get(name="青山县")
    report = Report.objects.get(kind=ReportKind.COUNTY_CONGRESS, county=county)
    assert report.status == ReportStatus.DONE
    text = pdf_text(Path(report.file.path).read_bytes())
    assert "青山县本级民生实事项目" in text and "督办领导" in text
    client = Client()
    page = client.get(reverse("reports:public_county", args=[county.pk]))
    assert page.status_code == 200
    assert reverse("reports:public_county", args=[county.pk]) in client.get("/").content.decode()
    # Loading it again adds no second report.
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", stdout=devnull)
    assert Report.objects.filter(kind=ReportKind.COUNTY_CONGRESS, county=county).count() == 1
