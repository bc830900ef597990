"""Permission rows for stage 4 (supervision). Objects are created lazily on the world."""

import datetime

from tests.permission_table import (
    API_LIST,
    API_TOWNSHIP_DETAIL,
    LOGGED_IN,
    LOGIN,
    PUBLIC,
    SESSION_MANAGE_POST,
    TOWNSHIP_VIEW,
    Row,
    expect,
)

JSON = "application/json"


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _objects(w):
    """An elected 2027 project with a confirmed group, its plan, one report with a photo, and
    two ledger items: one handed over, one answered. The group is the world's member deputy
    (leader) and two other deputies of the township; the world's ``deputy`` is not in it."""
    cached = getattr(w, "_supervision_objects", None)
    if cached is not None:
        return cached
    import io

    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image

    from projects.models import AnnualPlan, Candidate, CandidateList, Project
    from supervision import services
    from supervision.models import GroupMember, Photo, SupervisionGroup

    plan = AnnualPlan.objects.create(township=w.township, year=2027, slots=1)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    project = Project.objects.create(
        township=w.township,
        title="东河村道路拓宽",
        content="拓宽",
        category="道路交通",
        implementing_body="镇交通办",
        estimated_investment=100,
        status="elected",
    )
    Candidate.objects.create(candidate_list=clist, project=project, position=1)
    group = SupervisionGroup.objects.create(
        project=project, plan=plan, status="confirmed", confirmed_at=timezone.now()
    )
    others = w.township.deputies.exclude(pk__in=[w.deputy.pk, w.member_deputy.pk]).order_by("pk")
    deputies = [w.member_deputy, *others[:2]]
    for i, d in enumerate(deputies):
        GroupMember.objects.create(group=group, deputy=d, is_leader=i == 0, duty="schedule")
    services.implementation_plan_ensure(actor=None, project=project)
    report = services.progress_report_submit(
        actor=w.users["government"],
        project=project,
        period="2027-Q1",
        invested=10,
        percent_complete=10,
        status="on_track",
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    photo = Photo(report=report)
    photo.file.save("perm.jpg", ContentFile(out.getvalue()), save=True)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    handed = services.item_create(
        actor=w.users["staff"],
        project=project,
        title="护栏缺失",
        department="镇交通办",
        deadline=deadline,
    )
    answered = services.item_create(
        actor=w.users["staff"],
        project=project,
        title="排水沟堵塞",
        department="镇交通办",
        deadline=deadline,
    )
    services.item_answer(actor=w.users["government"], item=answered, answer="已清理")
    w._supervision_objects = {
        "plan": plan,
        "project": project,
        "group": group,
        "photo": photo,
        "handed": handed,
        "answered": answered,
    }
    return w._supervision_objects


def _t(w):
    return {"pk": w.township.pk}


def _obj(name):
    def kwargs(w):
        return {"pk": _objects(w)[name].pk}

    return kwargs


# Staff and the government liaison (plans, reports, answers).
REPORT = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    government=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
REPORT_POST = expect(
    403,
    anonymous=LOGIN,
    staff=302,
    government=302,
    superuser=302,
    staff_other=404,
    reviewer_other=404,
)
# Staff and members of the project's confirmed group; a deputy outside the group is refused.
INSPECT = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    group_member=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
INSPECT_POST = expect(
    403,
    anonymous=LOGIN,
    staff=302,
    group_member=302,
    superuser=302,
    staff_other=404,
    reviewer_other=404,
)
API_STAFF_GOV_POST = expect(
    403,
    anonymous=401,
    staff=200,
    government=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
API_INSPECT_POST = expect(
    403,
    anonymous=401,
    staff=200,
    group_member=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
# Handing over an item already handed over: the group may try (400), others are refused first.
API_INSPECT_POST_TOO_LATE = expect(
    403,
    anonymous=401,
    staff=400,
    group_member=400,
    superuser=400,
    staff_other=404,
    reviewer_other=404,
)


def _future(days=20):
    return (_today() + datetime.timedelta(days=days)).isoformat()


ROWS = [
    Row("supervision:overview", _t, TOWNSHIP_VIEW),
    Row("supervision:ledger", _t, TOWNSHIP_VIEW),
    Row("supervision:plan_groups", _obj("plan"), TOWNSHIP_VIEW),
    # Proposing again: every group of the plan is confirmed, so staff get a message (302).
    Row("supervision:plan_groups", _obj("plan"), SESSION_MANAGE_POST, method="post"),
    Row("supervision:group_detail", _obj("group"), TOWNSHIP_VIEW),
    Row(
        "supervision:group_detail",
        _obj("group"),
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {
            "action": "leader",
            "deputy": _objects(w)["group"].members.last().deputy_id,
        },
    ),
    Row("supervision:project_detail", _obj("project"), TOWNSHIP_VIEW),
    Row(
        "supervision:project_detail",
        _obj("project"),
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"year": 2028, "reason": "基本满意"},
    ),
    Row("supervision:plan_edit", _obj("project"), REPORT),
    Row("supervision:report_create", _obj("project"), REPORT),
    Row(
        "supervision:report_create",
        _obj("project"),
        REPORT_POST,
        method="post",
        data=lambda w: {
            "period": "2027-Q2",
            "reported_on": _today().isoformat(),
            "invested": "20",
            "percent_complete": "20",
            "status": "on_track",
        },
    ),
    Row("supervision:inspection_create", _obj("project"), INSPECT),
    Row(
        "supervision:inspection_create",
        _obj("project"),
        INSPECT_POST,
        method="post",
        data=lambda w: {
            "date": _today().isoformat(),
            "attendees": [w.member_deputy.pk],
            "notes": "现场查看",
        },
    ),
    Row("supervision:item_create", _obj("project"), INSPECT),
    Row("supervision:item_detail", _obj("handed"), TOWNSHIP_VIEW),
    Row(
        "supervision:item_detail",
        _obj("handed"),
        REPORT_POST,
        method="post",
        data=lambda w: {"action": "answer", "answer": "已安装护栏"},
    ),
    Row(
        "supervision:item_detail",
        _obj("answered"),
        INSPECT_POST,
        method="post",
        data=lambda w: {"action": "close", "note": "复查合格"},
    ),
    Row("supervision:photo", _obj("photo"), TOWNSHIP_VIEW),
    Row("supervision:my", expected=LOGGED_IN),
    Row("supervision:notifications", expected=LOGGED_IN),
    Row("supervision:notifications", method="post", expected=expect(302, anonymous=LOGIN)),
    Row("supervision:public_project", _obj("project"), PUBLIC),
    # JSON API
    Row("api:supervision-group-list", expected=API_LIST),
    Row("api:supervision-group-detail", _obj("group"), API_TOWNSHIP_DETAIL),
    Row("api:supervised-project-list", expected=API_LIST),
    Row("api:supervised-project-detail", _obj("project"), API_TOWNSHIP_DETAIL),
    Row("api:supervised-project-evidence", _obj("project"), API_TOWNSHIP_DETAIL),
    Row(
        "api:supervised-project-inspections",
        _obj("project"),
        expect(
            403,
            anonymous=401,
            staff=201,
            group_member=201,
            superuser=201,
            staff_other=404,
            reviewer_other=404,
        ),
        method="post",
        data=lambda w: {
            "date": _today().isoformat(),
            "attendees": [_objects(w)["group"].members.first().deputy_id],
            "notes": "现场查看路灯安装进度",
            "problems": "两盏灯不亮",
        },
        content_type=JSON,
    ),
    Row(
        "api:supervised-project-progress-reports",
        _obj("project"),
        expect(
            403,
            anonymous=401,
            staff=201,
            government=201,
            superuser=201,
            staff_other=404,
            reviewer_other=404,
        ),
        method="post",
        data=lambda w: {
            "period": "2027-Q4",
            "reported_on": _today().isoformat(),
            "invested": "12.50",
            "percent_complete": 20,
            "status": "on_track",
        },
        content_type=JSON,
    ),
    Row("api:ledger-item-list", expected=API_LIST),
    Row("api:ledger-item-detail", _obj("handed"), API_TOWNSHIP_DETAIL),
    Row(
        "api:ledger-item-hand-over",
        _obj("handed"),
        API_INSPECT_POST_TOO_LATE,
        method="post",
        data=lambda w: {"department": "镇交通办", "deadline": _future()},
        content_type=JSON,
    ),
    Row(
        "api:ledger-item-answer",
        _obj("handed"),
        API_STAFF_GOV_POST,
        method="post",
        data=lambda w: {"answer": "已安装"},
        content_type=JSON,
    ),
    Row(
        "api:ledger-item-close",
        _obj("answered"),
        API_INSPECT_POST,
        method="post",
        data=lambda w: {"note": "合格"},
        content_type=JSON,
    ),
    Row(
        "api:ledger-item-reopen",
        _obj("answered"),
        API_INSPECT_POST,
        method="post",
        data=lambda w: {"reason": "仍未修好"},
        content_type=JSON,
    ),
    Row("api:progress-report-list", expected=API_LIST),
    Row(
        "api:progress-report-detail",
        lambda w: {"pk": _objects(w)["project"].progress_reports.first().pk},
        API_TOWNSHIP_DETAIL,
    ),
]
