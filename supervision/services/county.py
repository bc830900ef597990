"""A county congress's supervision of its own elected projects (issue 17): the special
committees and offices (专门委员会 / 办公室), each project's 督办领导 and responsible unit, the
concentrated supervision (集中督查) settings and records, hearings (听取审议: 主任会议 /
常委会会议) and their follow-up items in the hand-over ledger, deputies' inspections (视察)
organised by a committee, and the reminders before each concentrated supervision. The
county's staff (县人大常委会工作人员) write; every write is one transaction with its audit
row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.audit import AuditAction
from congress.models import County, Deputy, RoleAssignment
from congress.services import audit_record
from livelihood.i18n import in_site_language
from projects.models import Project

from .. import schedule
from ..models import (
    CountySupervisionSettings,
    Hearing,
    HearingBody,
    Inspection,
    ItemSource,
    NotificationKind,
    ProjectOversight,
    SupervisionRound,
    SupervisionUnit,
)
from ..permissions import user_can_manage_supervision, user_can_record_county_inspection
from ..selectors.county import county_deputies_in_office
from ._base import SUPERVISED, _require, _today
from .ledger import _item_create
from .notifications import _notify
from .photos import _check_photos, _save_photos

# The usual special committees and offices of a county standing committee; a county edits
# its own list (services below) and the defaults are written only when staff ask for them.
DEFAULT_UNITS = (
    gettext_noop("Financial and Economic Affairs Committee (财经委)"),
    gettext_noop("Education, Science, Culture and Health Committee (教科文卫委)"),
    gettext_noop("Agriculture and Rural Affairs Committee (农业农村委)"),
    gettext_noop("Urban Construction, Environment and Resources Committee (城建环资委)"),
    gettext_noop("Elections and Deputies' Affairs Committee (选联工委)"),
    gettext_noop("General Office (办公室)"),
)


@dataclass(frozen=True)
class Finding:
    """One problem found in a concentrated supervision, or one follow-up item of a hearing:
    it becomes a hand-over ledger item on ``project`` (handed over at once when a department
    and a deadline are given)."""

    project: Project
    title: str
    department: str = ""
    deadline: datetime.date | None = None


def _county_projects(county: County):
    return Project.objects.filter(county=county, status__in=SUPERVISED)


# ---------------------------------------------------------------------------------------------
# Special committees and offices


@transaction.atomic
def county_units_ensure(*, actor, county: County) -> list[SupervisionUnit]:
    """The county's list of special committees and offices; when it has none, the usual ones
    (DEFAULT_UNITS, in the site's language) are added. Idempotent."""
    if actor is not None:
        _require(user_can_manage_supervision(actor, county))
    County.objects.select_for_update().get(pk=county.pk)
    units = list(SupervisionUnit.objects.filter(county=county))
    if units:
        return units
    names = [in_site_language(n) for n in DEFAULT_UNITS]
    units = SupervisionUnit.objects.bulk_create(
        [
            SupervisionUnit(county=county, name=name, position=i)
            for i, name in enumerate(names, start=1)
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_UNITS_SET,
        obj=units[0],
        county=county,
        after={"units": names},
    )
    return units


def _county_user(county: County, user):
    """A login holding a role in the county's own congress (the unit's contact, a leader)."""
    if user is None:
        return None
    if not RoleAssignment.objects.filter(user=user, county=county, township__isnull=True).exists():
        raise ValidationError(_("Choose a login of this county's congress."))
    return user


@transaction.atomic
def county_unit_save(
    *,
    actor,
    county: County,
    name: str,
    unit: SupervisionUnit | None = None,
    position: int = 0,
    contact=None,
    active: bool = True,
) -> SupervisionUnit:
    """Add a special committee or office, or edit one (name, order, contact, in use)."""
    _require(user_can_manage_supervision(actor, county))
    if unit is None:
        unit = SupervisionUnit(county=county)
    else:
        unit = SupervisionUnit.objects.select_for_update().get(pk=unit.pk)
        if unit.county_id != county.pk:
            raise ValidationError(_("Choose a committee of this county."))
    before = {"name": unit.name, "active": unit.active} if unit.pk else None
    unit.name = (name or "").strip()
    unit.position = position
    unit.contact = _county_user(county, contact)
    unit.active = active
    unit.full_clean()
    unit.save()
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_UNITS_SET,
        obj=unit,
        county=county,
        before=before,
        after={"name": unit.name, "active": unit.active, "contact": unit.contact_id},
    )
    return unit


# ---------------------------------------------------------------------------------------------
# Settings: how often the concentrated supervision takes place


def county_settings_for(county: County) -> CountySupervisionSettings:
    """The county's settings, or the defaults (unsaved) — a read never writes."""
    return CountySupervisionSettings.objects.filter(
        county=county
    ).first() or CountySupervisionSettings(county=county)


@transaction.atomic
def county_settings_update(
    *,
    actor,
    county: County,
    every_months: int,
    first_month: int,
    day_of_month: int,
    remind_days_before: int,
) -> CountySupervisionSettings:
    _require(user_can_manage_supervision(actor, county))
    settings, _created = CountySupervisionSettings.objects.select_for_update().get_or_create(
        county=county
    )
    before = {
        "every_months": settings.every_months,
        "first_month": settings.first_month,
        "day_of_month": settings.day_of_month,
        "remind_days_before": settings.remind_days_before,
    }
    settings.every_months = every_months
    settings.first_month = first_month
    settings.day_of_month = day_of_month
    settings.remind_days_before = remind_days_before
    settings.full_clean()
    settings.save()
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_SETTINGS_SET,
        obj=settings,
        county=county,
        before=before,
        after={
            "every_months": every_months,
            "first_month": first_month,
            "day_of_month": day_of_month,
            "remind_days_before": remind_days_before,
        },
    )
    return settings


def county_round_dates(county: County, year: int) -> list[datetime.date]:
    s = county_settings_for(county)
    return schedule.round_dates(
        year, every_months=s.every_months, first_month=s.first_month, day=s.day_of_month
    )


# ---------------------------------------------------------------------------------------------
# 督办领导 and the responsible committee or office


@transaction.atomic
def oversight_set(
    *,
    actor,
    project: Project,
    leader_name: str,
    leader_user=None,
    unit: SupervisionUnit | None = None,
) -> ProjectOversight:
    """Name the standing-committee leader who supervises an elected county project (督办领导)
    and the special committee or office that follows it. Replaces an earlier assignment."""
    project = (
        Project.objects.select_for_update(of=("self",)).select_related("county").get(pk=project.pk)
    )
    if project.county_id is None:
        raise ValidationError(_("Only a county congress's project has a supervising leader."))
    county = project.county
    _require(user_can_manage_supervision(actor, county))
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is supervised."))
    leader_name = (leader_name or "").strip()
    if not leader_name:
        raise ValidationError({"leader_name": _("Name the supervising leader (督办领导).")})
    if unit is not None and (unit.county_id != county.pk or not unit.active):
        raise ValidationError({"unit": _("Choose a committee or office of this county.")})
    try:
        leader_user = _county_user(county, leader_user)
    except ValidationError as exc:
        raise ValidationError({"leader_user": exc.messages}) from None
    oversight = ProjectOversight.objects.filter(project=project).first()
    before = {"leader": oversight.leader_name, "unit": oversight.unit_id} if oversight else None
    if oversight is None:
        oversight = ProjectOversight(project=project)
    oversight.leader_name = leader_name
    oversight.leader_user = leader_user
    oversight.unit = unit
    oversight.set_by = actor
    oversight.full_clean()
    oversight.save()
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_OVERSIGHT_SET,
        obj=oversight,
        county=county,
        before=before,
        after={
            "leader": leader_name,
            "leader_user": oversight.leader_user_id,
            "unit": unit and unit.pk,
        },
    )
    return oversight


# ---------------------------------------------------------------------------------------------
# Concentrated supervision and hearings


def _check_projects(county: County, projects: Iterable[Project], field: str) -> list[Project]:
    projects = list(projects)
    ids = {p.pk for p in projects}
    if not ids:
        raise ValidationError({field: _("Tick at least one project.")})
    if _county_projects(county).filter(pk__in=ids).count() != len(ids):
        raise ValidationError({field: _("Choose elected projects of this county.")})
    return projects


def _findings(
    *, actor, county, findings: Sequence[Finding], allowed_ids: set[int], source: str, link: dict
) -> None:
    for finding in findings:
        title = (finding.title or "").strip()
        if not title:
            continue
        if finding.project.pk not in allowed_ids:
            raise ValidationError(_("Each item must concern one of the projects ticked."))
        item = _item_create(
            actor=actor,
            project=finding.project,
            title=title,
            source=source,
            department=finding.department,
            deadline=finding.deadline,
        )
        for field, value in link.items():
            setattr(item, field, value)
        item.save(update_fields=[*link, "updated_at"])


@transaction.atomic
def round_record(
    *,
    actor,
    county: County,
    date: datetime.date,
    projects: Iterable[Project],
    notes: str = "",
    findings: Sequence[Finding] = (),
) -> SupervisionRound:
    """Record a concentrated supervision (集中督查): the date, the projects visited and what
    was found; each finding becomes a hand-over ledger item on its project."""
    _require(user_can_manage_supervision(actor, county))
    if date > _today():
        raise ValidationError({"date": _("A concentrated supervision cannot be dated ahead.")})
    projects = _check_projects(county, projects, "projects")
    rnd = SupervisionRound(county=county, date=date, notes=notes, recorded_by=actor)
    rnd.full_clean()
    rnd.save()
    rnd.projects.set(projects)
    _findings(
        actor=actor,
        county=county,
        findings=findings,
        allowed_ids={p.pk for p in projects},
        source=ItemSource.ROUND,
        link={"supervision_round": rnd},
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_ROUND_RECORD,
        obj=rnd,
        county=county,
        after={
            "date": str(date),
            "projects": sorted(p.pk for p in projects),
            "findings": rnd.items.count(),
        },
    )
    return rnd


@transaction.atomic
def hearing_record(
    *,
    actor,
    county: County,
    date: datetime.date,
    body: str,
    projects: Iterable[Project],
    opinions: str,
    follow_ups: Sequence[Finding] = (),
) -> Hearing:
    """Record a hearing (听取审议): the 主任会议 or 常委会会议 that heard the government's report
    on the projects, the opinions it issued (审议意见), and follow-up items for the ledger."""
    _require(user_can_manage_supervision(actor, county))
    if body not in HearingBody.values:
        raise ValidationError({"body": _("Choose the meeting.")})
    if date > _today():
        raise ValidationError({"date": _("Record a hearing once it has taken place.")})
    if not (opinions or "").strip():
        raise ValidationError({"opinions": _("Write the opinions the meeting issued.")})
    projects = _check_projects(county, projects, "projects")
    hearing = Hearing(county=county, date=date, body=body, opinions=opinions, recorded_by=actor)
    hearing.full_clean()
    hearing.save()
    hearing.projects.set(projects)
    _findings(
        actor=actor,
        county=county,
        findings=follow_ups,
        allowed_ids={p.pk for p in projects},
        source=ItemSource.HEARING,
        link={"hearing": hearing},
    )
    audit_record(
        actor=actor,
        action=AuditAction.SUPERVISION_HEARING_RECORD,
        obj=hearing,
        county=county,
        after={
            "date": str(date),
            "body": body,
            "projects": sorted(p.pk for p in projects),
            "follow_ups": hearing.items.count(),
        },
    )
    return hearing


# ---------------------------------------------------------------------------------------------
# Deputies' inspections (视察) organised by a special committee or office


@transaction.atomic
def county_inspection_record(
    *,
    actor,
    project: Project,
    date: datetime.date,
    attendees: Iterable[Deputy],
    notes: str,
    unit: SupervisionUnit | None = None,
    photos=(),
    keep_location: bool = False,
    problems: Sequence[str] = (),
) -> Inspection:
    """An inspection (视察) of an elected county project by county deputies, organised by a
    special committee or office of the county (by default the one following the project,
    ``ProjectOversight.unit``). Recorded by the county's staff; each problem found becomes a
    ledger item of the county (recorded, to be handed over) as after a group's inspection."""
    project = Project.objects.select_related("county").get(pk=project.pk)
    county = project.county
    if county is None:
        raise ValidationError(
            _("A township's project is inspected by its supervision group, not a committee.")
        )
    _require(user_can_record_county_inspection(actor, project))
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is supervised."))
    if unit is None:
        oversight = ProjectOversight.objects.filter(project=project).select_related("unit").first()
        unit = oversight.unit if oversight else None
    if unit is None:
        raise ValidationError(
            {"unit": _("Choose the special committee or office that organised the inspection.")}
        )
    if unit.county_id != county.pk or not unit.active:
        raise ValidationError({"unit": _("Choose a committee or office of this county.")})
    if date > _today():
        raise ValidationError({"date": _("An inspection cannot be dated in the future.")})
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": _("Tick who attended.")})
    ids = {d.pk for d in attendees}
    if county_deputies_in_office(county).filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"attendees": _("Only the county's deputies in office can be ticked.")}
        )
    uploads = _check_photos(photos, keep_location)
    inspection = Inspection(project=project, unit=unit, date=date, notes=notes, recorded_by=actor)
    inspection.full_clean()
    inspection.save()
    inspection.attendees.set(attendees)
    _save_photos(actor=actor, uploads=uploads, keep_location=keep_location, inspection=inspection)
    audit_record(
        actor=actor,
        action=AuditAction.INSPECTION_RECORD,
        obj=inspection,
        county=county,
        after={"date": str(date), "unit": unit.pk, "attendees": sorted(ids)},
    )
    for title in problems:
        title = (title or "").strip()
        if title:
            _item_create(
                actor=actor,
                project=project,
                title=title[:200],
                source=ItemSource.INSPECTION,
                inspection=inspection,
            )
    return inspection


# ---------------------------------------------------------------------------------------------
# Reminders before each concentrated supervision (run by the daily reminders task)


def _round_recipients(county: County) -> list:
    """The 督办 leaders of the county's supervised projects and the contacts of the
    committees and offices following them."""
    User = get_user_model()
    oversights = ProjectOversight.objects.filter(
        project__county=county, project__status__in=SUPERVISED
    )
    ids = set(oversights.exclude(leader_user=None).values_list("leader_user_id", flat=True))
    ids |= set(
        oversights.filter(unit__active=True)
        .exclude(unit__contact=None)
        .values_list("unit__contact_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def county_round_reminders_send(*, today: datetime.date | None = None) -> int:
    """For every county with supervised projects under a 督办 leader: when a concentrated
    supervision of this year is within its notice, one reminder per recipient per round
    (the round's date is the notification's day, so a daily run adds nothing more)."""
    today = today or _today()
    counties = County.objects.filter(
        pk__in=ProjectOversight.objects.filter(project__status__in=SUPERVISED).values(
            "project__county_id"
        )
    )
    settings = {s.county_id: s for s in CountySupervisionSettings.objects.all()}
    created = 0
    for county in counties:
        s = settings.get(county.pk) or CountySupervisionSettings(county=county)
        dates = schedule.round_dates(
            today.year, every_months=s.every_months, first_month=s.first_month, day=s.day_of_month
        )
        due = schedule.rounds_to_remind(dates, today, days_before=s.remind_days_before)
        if not due:
            continue
        users = _round_recipients(county)
        url = reverse("supervision:county_overview", args=[county.pk])
        for day in due:
            subject = in_site_language(
                gettext_noop("Concentrated supervision (集中督查) on %(date)s: %(county)s"),
                date=day.isoformat(),
                county=county.name,
            )
            created += _notify(
                users,
                kind=NotificationKind.ROUND_DUE,
                key=f"round_due:{county.pk}:{day.isoformat()}",
                subject=subject,
                url=url,
                day=day,
            )
    return created
