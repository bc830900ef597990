"""Issue 19's smaller defects, each as a user noticed it: pages name people by their names,
English readers get the lifecycle and milestones in English, and the demo year reads in
order."""

import pytest
from django.urls import reverse

from reports.models import Report, ReportKind, ReportStatus

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["django_language"] = "en"
    return client


# --- 3. the report page names the requester -------------------------------------------------


def _report(world, user, quarter):
    return Report.objects.create(
        kind=ReportKind.TOWNSHIP,
        township=world.township,
        county=world.county,
        year=2026,
        quarter=quarter,
        status=ReportStatus.FAILED,
        requested_by=user,
    )


def test_the_report_pages_name_the_requester_by_name_not_user_name(world):
    """A reviewer reading the list sees 陈敏, not staff_a; an account with no name of its own
    but a deputy behind it shows the deputy's name; a bare account falls back to its user
    name; the automatic quarter-end report says so."""
    staff = world.users["staff"]
    staff.first_name, staff.last_name = "陈敏", ""
    staff.save()
    named = _report(world, staff, 1)
    deputy_account = world.users["deputy"]  # 王建国's account, no first or last name
    deputy_account.first_name = deputy_account.last_name = ""
    deputy_account.save()
    by_deputy = _report(world, deputy_account, 2)
    bare = _report(world, world.users["teller"], 3)
    automatic = _report(world, None, 4)

    client = world.client("reviewer")
    html = client.get(reverse("reports:report_detail", args=[named.pk])).content.decode()
    assert "陈敏" in html and "staff_a" not in html
    html = client.get(reverse("reports:report_detail", args=[by_deputy.pk])).content.decode()
    assert "王建国" in html and "deputy_a" not in html
    html = client.get(reverse("reports:report_detail", args=[bare.pk])).content.decode()
    assert "teller_a" in html
    html = client.get(reverse("reports:report_detail", args=[automatic.pk])).content.decode()
    assert "None" not in html

    listing = client.get(reverse("reports:township_reports", args=[world.township.pk]))
    html = listing.content.decode()
    assert "陈敏" in html and "王建国" in html and "teller_a" in html
    assert "staff_a" not in html and "deputy_a" not in html
    english = _english(world.client("reviewer")).get(
        reverse("reports:township_reports", args=[world.township.pk])
    )
    assert "Automatic (quarter end)" in english.content.decode()


# --- 4. the demo year reads in order ---------------------------------------------------------


def _load_demo_stages():
    from congress.demo import load_demo as congress_demo
    from projects.demo import load_demo as projects_demo
    from supervision.demo import load_demo as supervision_demo
    from voting.demo import load_demo as voting_demo

    congress_demo()
    projects_demo()
    voting_demo()
    supervision_demo()


def _out_of_order(project) -> list[str]:
    """What in this project's lineage contradicts the order things must happen in."""
    from projects.models import ProjectStatus
    from projects.selectors.reserve import project_lineage

    lineage = project_lineage(project)
    wrong = []
    changes = lineage.status_changes
    by_id = sorted(changes, key=lambda c: c.pk)
    if [c.pk for c in sorted(by_id, key=lambda c: c.at)] != [c.pk for c in by_id]:
        wrong.append("status history dated out of the order it was written")
    locks = [c.candidate_list.locked_at for c in lineage.candidacies if c.candidate_list.locked_at]
    votes = [v["vote"].published_at for v in lineage.votes if v["vote"].published_at]
    ratings = [r["vote"].published_at for r in lineage.ratings if r["vote"].published_at]
    decisions = [d.recorded_at for d in lineage.decisions]
    if locks and decisions and max(decisions) > min(locks):
        wrong.append("a round decided after the list was locked")
    if votes and locks and min(votes) < min(locks):
        wrong.append("voted on before the list was locked")
    if ratings and votes and min(ratings) < min(votes):
        wrong.append("rated before it was voted on")
    after_vote = {ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED}
    for change in changes:
        if change.to_status in after_vote and votes and change.at < min(votes):
            wrong.append(f"{change.to_status} before the vote")
    for suggestion in project.suggestions.all():
        when = suggestion.created_at
        code = suggestion.receipt_code
        if suggestion.decided_at and suggestion.decided_at < when:
            wrong.append(f"suggestion {code} answered before it was sent")
        for event, at in (("the list was locked", locks), ("the vote", votes)):
            if at and when >= min(at):
                wrong.append(f"suggestion {code} sent {when:%Y-%m-%d}, after {event}")
        if suggestion.decided_at and locks and suggestion.decided_at > min(locks):
            wrong.append(f"suggestion {code} merged after the list was locked")
    timeline = [s.at for s in lineage.timeline if s.at is not None]
    if timeline != sorted(timeline):
        wrong.append("the timeline is not in date order")
    return wrong


def test_every_demo_lineage_reads_in_order():
    """A receipt from the demo once read: sent 2026-10-11, voted on 2026-01-14. Every demo
    project's history is now in the order things happen: suggestions before the list is
    locked and the vote, rounds before the lock, the vote before its status changes and the
    rating; and the projects voted on in January 2026 do have suggestions to follow."""
    from projects.models import Project

    _load_demo_stages()
    wrong = {p.pk: w for p in Project.objects.order_by("pk") if (w := _out_of_order(p))}
    assert wrong == {}
    voted = Project.objects.filter(vote_candidacies__vote__published_at__isnull=False)
    assert voted.filter(suggestions__isnull=False).exists()


def test_the_demo_q3_report_leaves_out_the_later_evaluation(settings, tmp_path):
    """The evaluation of 2026's projects is published after the third quarter ends, so the
    demo's Q3 report (figures as of 30 September) shows no rating and no satisfaction rate."""
    import re

    from django.core.files.storage import default_storage

    from reports import domain
    from reports.demo import load_demo as reports_demo
    from voting.models import Vote
    from voting.pdf import pdf_text

    settings.MEDIA_ROOT = tmp_path
    _load_demo_stages()
    reports_demo()
    evaluation = Vote.objects.get(kind="evaluation", session__term__township__name="青石镇")
    report = Report.objects.get(kind=ReportKind.TOWNSHIP, township__name="青石镇")
    cut_off = domain.quarter_end(report.year, report.quarter)
    assert evaluation.published_at is not None
    if evaluation.published_at.date() <= cut_off:
        pytest.skip("the demo's last quarter already includes the evaluation")
    with default_storage.open(report.file.name, "rb") as fh:
        text = pdf_text(fh.read())
    assert f"统计截至{cut_off.year}年{cut_off.month}月{cut_off.day}日" in text
    assert re.search(r"满意\s*\d+\s*，\s*基本满意", text) is None  # no project's rating
    assert text.count("尚未测评") == 3  # each of the three projects: not yet evaluated


# --- 2. English readers get the lifecycle and milestones in English ---------------------------


def _reserve_project(world, title="村口安装路灯"):
    from projects.models import Project

    return Project.objects.create(
        township=world.township, title=title, content="安装路灯", status="reserve"
    )


def test_status_notes_written_in_chinese_read_in_english(world):
    """A clerk working in Chinese puts a project forward: the history note is stored as
    「提交青石镇 … 」. A reader in English sees the sentence in English, the plan named in
    English too; in Chinese it reads as written."""
    from django.utils import translation

    from projects import services

    staff = world.users["staff"]
    project = _reserve_project(world)
    with translation.override("zh-hans"):
        plan = services.plan_create(actor=staff, township=world.township, year=2027, slots=1)
        services.plan_add_projects(actor=staff, plan=plan, projects=[project])
    stored = project.status_changes.get(to_status="shortlisting").note
    assert stored.startswith("提交") and "2027" in stored

    url = reverse("projects:project_detail", args=[project.pk])
    html = _english(world.client("staff")).get(url).content.decode()
    assert "Put forward for 青石镇 2027 livelihood projects" in html
    assert stored not in html
    html = world.client("staff").get(url).content.decode()
    assert stored in html


@pytest.mark.parametrize(
    "msgid",
    [
        "Put forward for %(plan)s",
        "Not advanced by %(round)s",
        "Reconsidered by %(round)s",
        "Candidate for %(plan)s",
        "Elected by the congress",
        "Not elected; back in the reserve",
        "Implementation started",
        "Reported completed",
    ],
)
def test_every_system_note_reads_back_in_the_other_language(world, msgid):
    """Each sentence the services write as a status note, stored in one language, is read in
    the other; the round name (the township's own words) stays as the rule set spells it."""
    from django.utils import translation
    from django.utils.translation import gettext

    from projects.models import AnnualPlan
    from projects.templatetags.projects_tags import SYSTEM_NOTES, reread

    assert msgid in SYSTEM_NOTES
    plan = AnnualPlan(township=world.township, year=2027, slots=1)
    for written, read in (("zh-hans", "en"), ("en", "zh-hans")):
        with translation.override(written):
            stored = gettext(msgid) % {"plan": plan, "round": "主席团会议"}
        with translation.override(read):
            expected = gettext(msgid) % {"plan": plan, "round": "主席团会议"}
            assert reread(stored) == expected
    with translation.override("en"):
        assert reread("群众自己写的说明") == "群众自己写的说明"  # typed by a person: as written


def test_milestones_are_named_in_the_readers_language(world):
    """The public progress figures named milestones 立项, 开工 … in every language; now from
    the milestone's code: English on an English page, Chinese in Chinese (and in the PDF,
    which renders in Chinese)."""
    import datetime

    from django.utils import translation

    from reports import selectors
    from supervision.models import ImplementationPlan, Milestone

    project = _reserve_project(world)
    plan = ImplementationPlan.objects.create(project=project)
    Milestone.objects.create(plan=plan, kind="start", position=3, done_on=datetime.date(2026, 4, 1))
    rows = selectors.milestone_rows([project.pk], as_of=datetime.date(2026, 5, 1))
    label = rows[project.pk][0]["label"]
    with translation.override("en"):
        assert str(label).startswith("Construction start")
    with translation.override("zh-hans"):
        assert str(label) == "开工"


def test_labels_start_with_a_capital_in_english(world):
    """Model field names used as labels ("kind", "source", "project") read as labels in
    English: capitalised on the page, the catalogue's lower-case msgids untouched."""
    from supervision.models import ImplementationPlan

    project = _reserve_project(world)
    project.status = "implementing"
    project.save()
    ImplementationPlan.objects.create(project=project, responsible_department="镇建设办")
    client = _english(world.client("staff"))
    html = client.get(reverse("supervision:overview", args=[world.township.pk])).content.decode()
    assert '<th scope="col">Project</th>' in html
    page = client.get(reverse("supervision:project_detail", args=[project.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for label in ("Responsible department", "Funding sources", "Planned completion"):
        assert f">{label}</dt>" in html
    assert ">responsible department<" not in html
