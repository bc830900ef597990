"""Permission rows for stages 1–2 (projects). Objects are created lazily on the world."""

from tests.permission_table import (
    API_ATTENDANCE_PATCH,
    API_LIST,
    API_TOWNSHIP_DETAIL,
    LOGIN,
    PUBLIC,
    SESSION_MANAGE_POST,
    TOWNSHIP_MANAGE,
    TOWNSHIP_VIEW,
    Row,
    expect,
)

RECEIPT_INT = 123_456_789


def _objects(w):
    """One suggestion, QR link, project and plan for the world's township (made once)."""
    cached = getattr(w, "_projects_objects", None)
    if cached is not None:
        return cached
    from projects import domain, services
    from projects.models import IntakeLink, Project, Suggestion

    staff = w.users["staff"]
    link, _created = IntakeLink.objects.get_or_create(
        deputy=w.deputy, defaults={"token": "TESTQR1", "township": w.township}
    )
    suggestion, _created = Suggestion.objects.get_or_create(
        receipt_code=domain.receipt_code_from_int(RECEIPT_INT),
        defaults={
            "township": w.township,
            "title": "修建村道路灯",
            "content": "村口道路没有路灯",
            "channel": "deputy_qr",
            "deputy": w.deputy,
            "tokens": domain.tokenize("修建村道路灯 村口道路没有路灯"),
        },
    )
    project = Project.objects.filter(township=w.township, title="村道亮化工程").first()
    if project is None:
        project = services.project_create(
            actor=staff, township=w.township, title="村道亮化工程", content="安装路灯"
        )
    plan = w.township.plans.filter(year=2027).first()
    if plan is None:
        # Two projects advanced through every round for one slot: a lockable 差额 list.
        second = services.project_create(
            actor=staff, township=w.township, title="村道硬化工程", content="硬化道路"
        )
        plan = services.plan_create(actor=staff, township=w.township, year=2027, slots=1)
        services.plan_add_projects(actor=staff, plan=plan, projects=[project, second])
        for rnd in plan.rounds.order_by("position"):
            for p in (project, second):
                services.round_record_decision(
                    actor=staff, round=rnd, project=p, decision="advance", reason="同意"
                )
    w._projects_objects = {
        "link": link,
        "suggestion": suggestion,
        "project": project,
        "plan": plan,
    }
    return w._projects_objects


def _t(w):
    return {"pk": w.township.pk}


def _obj(name, key="pk"):
    def kwargs(w):
        return {key: _objects(w)[name].pk}

    return kwargs


def _token(w):
    return {"token": _objects(w)["link"].token}


def _receipt(w):
    return {"code": _objects(w)["suggestion"].receipt_code}


def _round(w):
    return {"pk": _objects(w)["plan"].pk, "position": 0}


def _last_round(w):
    return {"pk": _objects(w)["plan"].rounds.order_by("position").last().pk}


def _candidate_list(w):
    return {"pk": _objects(w)["plan"].candidate_list.pk}


# Staff of the township and superusers; the township's own deputies enter suggestions too.
ENTER = expect(
    403, anonymous=LOGIN, staff=200, deputy=200, superuser=200, staff_other=404, reviewer_other=404
)
# Suggestion pages with proposer data: only staff of the township find them at all.
STAFF_ONLY_OBJECT = expect(404, anonymous=LOGIN, staff=200, superuser=200)
API_STAFF_ONLY_OBJECT = expect(404, anonymous=401, staff=200, superuser=200)
API_PUBLIC_CREATE = expect(201)
JSON = "application/json"

ROWS = [
    Row("projects:intake", _token, PUBLIC),
    Row("projects:receipt_lookup", expected=PUBLIC),
    Row("projects:receipt_detail", _receipt, PUBLIC),
    Row("projects:suggestion_list", _t, TOWNSHIP_MANAGE),
    Row("projects:suggestion_create", _t, ENTER),
    Row(
        "projects:suggestion_decide",
        _t,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {
            "action": "reject",
            "ids": [_objects(w)["suggestion"].pk],
            "reason": "楼堂馆所建设",
        },
    ),
    Row("projects:suggestion_import", _t, TOWNSHIP_MANAGE),
    Row("projects:suggestion_template", _t, TOWNSHIP_MANAGE),
    Row("projects:suggestion_detail", _obj("suggestion"), STAFF_ONLY_OBJECT),
    Row("projects:intake_codes", _t, TOWNSHIP_MANAGE),
    Row("projects:intake_sheet", _t, TOWNSHIP_MANAGE),
    Row("projects:intake_poster", _token, TOWNSHIP_MANAGE),
    Row("projects:project_list", _t, TOWNSHIP_VIEW),
    Row("projects:project_create", _t, TOWNSHIP_MANAGE),
    Row("projects:project_detail", _obj("project"), TOWNSHIP_VIEW),
    Row("projects:project_edit", _obj("project"), TOWNSHIP_MANAGE),
    Row("projects:plan_list", _t, TOWNSHIP_VIEW),
    Row(
        "projects:plan_list",
        _t,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"year": 2031, "slots": 3},
    ),
    Row("projects:plan_detail", _obj("plan"), TOWNSHIP_VIEW),
    Row(
        "projects:plan_detail",
        _obj("plan"),
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"action": "slots", "slots": 4},
    ),
    Row("projects:round_detail", _round, TOWNSHIP_VIEW),
    Row(
        "projects:round_detail",
        _round,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"project": _objects(w)["project"].pk, "decision": "hold", "reason": "x"},
    ),
    Row("projects:candidate_list", _obj("plan"), TOWNSHIP_VIEW),
    Row("projects:candidate_list", _obj("plan"), SESSION_MANAGE_POST, method="post"),
    Row("projects:candidate_pdf", _obj("plan"), TOWNSHIP_VIEW),
    # JSON API
    Row("api:suggestion-list", expected=API_LIST),
    Row("api:suggestion-detail", _obj("suggestion"), API_STAFF_ONLY_OBJECT),
    Row(
        "api:suggestion-merge",
        _obj("suggestion"),
        API_STAFF_ONLY_OBJECT,
        method="post",
        data=lambda w: {"reply": "已纳入"},
        content_type=JSON,
    ),
    Row(
        "api:suggestion-reject",
        _obj("suggestion"),
        API_STAFF_ONLY_OBJECT,
        method="post",
        data=lambda w: {"reason": "楼堂馆所建设"},
        content_type=JSON,
    ),
    Row(
        "api:public-suggestion-list",
        expected=API_PUBLIC_CREATE,
        method="post",
        data=lambda w: {"intake": _objects(w)["link"].token, "title": "修水渠", "content": "灌溉"},
        content_type=JSON,
    ),
    Row("api:receipt-detail", _receipt, PUBLIC),
    Row("api:project-list", expected=API_LIST),
    Row("api:project-detail", _obj("project"), API_TOWNSHIP_DETAIL),
    Row("api:plan-list", expected=API_LIST),
    Row("api:plan-detail", _obj("plan"), API_TOWNSHIP_DETAIL),
    Row("api:round-list", expected=API_LIST),
    Row("api:round-detail", _last_round, API_TOWNSHIP_DETAIL),
    Row(
        "api:round-decide",
        _last_round,
        API_ATTENDANCE_PATCH,
        method="post",
        data=lambda w: {
            "project": _objects(w)["project"].pk,
            "decision": "advance",
            "reason": "同意",
        },
        content_type=JSON,
    ),
    Row("api:candidate-list-list", expected=API_LIST),
    Row("api:candidate-list-detail", _candidate_list, API_TOWNSHIP_DETAIL),
    Row(
        "api:candidate-list-lock",
        _candidate_list,
        API_ATTENDANCE_PATCH,
        method="post",
        content_type=JSON,
    ),
]
