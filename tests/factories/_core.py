import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from congress.models import (
    County,
    Deputy,
    Role,
    RoleAssignment,
    Session,
    Term,
    Township,
    Village,
)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试{n}县")
    code = factory.Sequence(lambda n: f"C{n:04d}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    code = factory.Sequence(lambda n: f"T{n:05d}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = "M"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    profession = "农民"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    level = "township"
    township = factory.SubFactory(TownshipFactory)
    county = factory.SelfAttribute("township.county")
    number = 19
    start_year = 2021
    end_year = 2026


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        skip_postgeneration_save = True

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2026, 12, 20)
    place = "会议室"

    @factory.post_generation
    def roll(self, create, extracted, **kwargs):
        """``SessionFactory(roll={"in_office": 30, "present": 28, "on_leave": 2})``: the roll
        taken through the services (roll_call)."""
        if create and (extracted or kwargs):
            roll_call(self, **{**(extracted or {}), **kwargs})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-12345678")
        if create:
            self.save(update_fields=["password"])


def user_with_role(role: str, *, township=None, county=None, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(
        user=user,
        role=role,
        township=township if role != Role.REVIEWER else None,
        county=county if role == Role.REVIEWER else None,
    )
    return user


def user_with_county_role(role: str, *, county=None, prefecture=None, **kwargs):
    """A role in a county's own congress (县人大常委会工作人员 and the county's officers), or
    a reviewer of a prefecture (市) when ``prefecture`` is given."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, county=county, prefecture=prefecture)
    return user


# ---------------------------------------------------------------------------------------------
# Stateful objects, built through the services (never by writing a status by hand). A state
# the services reach only at the end of a long path (a project elected by a vote) is reached
# through the stage's machine, whose apply writes the same history and audit rows.


def _role_holder(body, role: str, prefix: str):
    """The first user with ``role`` in a township's congress or a county's own (``body``),
    made once when there is none."""
    if isinstance(body, County):
        found = RoleAssignment.objects.filter(role=role, county=body, township=None).first()
        if found is not None:
            return found.user
        return user_with_county_role(role, county=body, username=f"{prefix}_c{body.pk}")
    found = RoleAssignment.objects.filter(role=role, township=body).first()
    if found is not None:
        return found.user
    return user_with_role(role, township=body, username=f"{prefix}_t{body.pk}")


def staff_of(township):
    """The presidium staff account of a township (or of a county's own congress), made once."""
    return _role_holder(township, Role.STAFF, "staff")


def scrutineer_of(township):
    """A user with the township's scrutineer role (made once per township): the factories
    link them to the chief scrutineer, who certifies the count."""
    return _role_holder(township, Role.SCRUTINEER, "scrutineer")


def government_of(township):
    """The township government's liaison (made once per township): answers hand-overs, keeps
    the implementation plans and reports progress."""
    return _role_holder(township, Role.GOVERNMENT, "government")


def roll_call(session, *, present: int, on_leave: int = 0, in_office: int | None = None):
    """The session's roll through congress's services: the township (or, for a county
    plenary, the county) has at least ``in_office`` deputies in office (made when missing),
    the roll is opened and the first ``present`` deputies (by id) are checked in, the next
    ``on_leave`` are on leave; the rest stay absent. Returns the headcount."""
    from congress import services as congress_services
    from congress.models import AttendanceStatus
    from congress.selectors import deputies_in_office_for_term, session_headcount

    term = session.term
    staff = staff_of(term.township or term.county)
    if in_office is not None:
        missing = max(0, in_office - deputies_in_office_for_term(term).count())
        if term.township_id:
            DeputyFactory.create_batch(missing, township=term.township)
        elif missing:  # county deputies, elected in the county's first township
            home = term.county.townships.order_by("pk").first() or TownshipFactory(
                county=term.county
            )
            DeputyFactory.create_batch(
                missing, township=home, is_county_deputy=True, is_township_deputy=False
            )
    congress_services.session_open_roll(actor=staff, session=session)
    rows = list(session.attendance.order_by("deputy_id"))
    if present + on_leave > len(rows):
        raise ValueError(f"{present} present and {on_leave} on leave of {len(rows)} on the roll")
    marks = [AttendanceStatus.PRESENT] * present + [AttendanceStatus.LEAVE] * on_leave
    for row, status in zip(rows, marks, strict=False):
        congress_services.attendance_set(
            actor=staff, session=session, deputy_id=row.deputy_id, status=status
        )
    return session_headcount(session)


def _path_to(machine, start: str, goal: str) -> list[str]:
    """The shortest list of actions that takes ``machine`` from ``start`` to ``goal``."""
    paths = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for state in frontier:
            for source, action, target in machine.edges():
                if source == state and target not in paths:
                    paths[target] = [*paths[state], action]
                    following.append(target)
        frontier = following
    if goal not in paths:
        raise ValueError(f"{machine.name}: no path from {start} to {goal}")
    return paths[goal]


def walk(machine, obj, goal: str, **context):
    """Apply the machine's actions, in order, that bring ``obj`` to the state ``goal``."""
    for action in _path_to(machine, getattr(obj, machine.field), goal):
        machine.apply(obj, action, **context)
    return obj


class _ServiceFactory(factory.Factory):
    """A factory whose objects are made by a service (``_make``), not by ``Model(...)``."""

    class Meta:
        abstract = True

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("built through the services: use create()")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._make(**kwargs)


class SuggestionFactory(_ServiceFactory):
    """A suggestion staff entered from a village meeting (projects.services.suggestion_create)."""

    class Meta:
        model = "projects.Suggestion"

    township = factory.SubFactory(TownshipFactory)
    title = factory.Sequence(lambda n: f"修建第{n}村路灯")
    content = "村口到小学的道路晚上没有灯"
    channel = "village_meeting"

    @classmethod
    def _make(cls, *, township, **fields):
        from projects import services

        return services.suggestion_create(actor=staff_of(township), township=township, **fields)


class ProjectFactory(_ServiceFactory):
    """A reserve project (projects.services.project_create), taken to ``status`` by the
    project machine's actions (each writes its history row and audit event)."""

    class Meta:
        model = "projects.Project"

    township = factory.SubFactory(TownshipFactory)
    title = factory.Sequence(lambda n: f"第{n}村道路亮化工程")
    content = "安装太阳能路灯60盏"
    estimated_investment = 100
    implementing_body = "镇政府"
    deadline = datetime.date(2027, 12, 31)
    status = "reserve"

    @classmethod
    def _make(cls, *, township, status, **fields):
        from projects import services
        from projects.services._base import PROJECT_MACHINE

        staff = staff_of(township)
        project = services.project_create(actor=staff, township=township, **fields)
        return walk(PROJECT_MACHINE, project, status, actor=staff, note="factory")


class AnnualPlanFactory(_ServiceFactory):
    """An annual plan (projects.services.plan_create) with ``projects`` put forward."""

    class Meta:
        model = "projects.AnnualPlan"

    township = factory.SubFactory(TownshipFactory)
    year = 2027
    slots = 3
    projects = ()

    @classmethod
    def _make(cls, *, township, projects, **fields):
        from projects import services

        staff = staff_of(township)
        plan = services.plan_create(actor=staff, township=township, **fields)
        if projects:
            services.plan_add_projects(actor=staff, plan=plan, projects=projects)
        return plan


class LedgerItemFactory(_ServiceFactory):
    """A hand-over ledger item on an elected project (supervision.services.item_create),
    taken to ``status`` by the ledger's own services."""

    class Meta:
        model = "supervision.LedgerItem"

    project = factory.SubFactory(ProjectFactory, status="elected")
    title = factory.Sequence(lambda n: f"井盖松动{n}")
    status = "recorded"
    department = "镇建设办"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))

    @classmethod
    def _make(cls, *, project, title, status, department, deadline):
        from supervision import services

        staff = staff_of(project.township)
        item = services.item_create(actor=staff, project=project, title=title)
        steps = {
            "handed_over": ["hand_over"],
            "answered": ["hand_over", "answer"],
            "reopened": ["hand_over", "answer", "reopen"],
            "closed": ["hand_over", "answer", "close"],
        }.get(status, [])
        for step in steps:
            if step == "hand_over":
                services.item_hand_over(
                    actor=staff, item=item, department=department, deadline=deadline
                )
            elif step == "answer":
                government = user_with_role(Role.GOVERNMENT, township=project.township)
                services.item_answer(actor=government, item=item, answer="已处理")
            elif step == "reopen":
                services.item_reopen(actor=staff, item=item, reason="复查未整改到位")
            else:
                services.item_close(actor=staff, item=item, note="复查合格")
        item.refresh_from_db()
        return item


class ReportFactory(_ServiceFactory):
    """A township report asked for through reports.services.report_request (the task is
    queued after commit; tests run inside a transaction, so nothing is sent), taken to
    ``status`` by the report machine's actions."""

    class Meta:
        model = "reports.Report"

    township = factory.SubFactory(TownshipFactory)
    year = 2026
    quarter = 2
    status = "queued"

    @classmethod
    def _make(cls, *, township, year, quarter, status):
        from reports import services

        report, _created = services.report_request(
            actor=staff_of(township), township=township, year=year, quarter=quarter
        )
        report = type(report).objects.select_related("township", "county").get(pk=report.pk)
        if status == "done":  # the worker names the file before it finishes
            walk(services.REPORT_MACHINE, report, "running")
            report.file.name = services.final_name(report)
        return walk(services.REPORT_MACHINE, report, status)
