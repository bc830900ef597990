"""Writes. One function per use case; each runs in one transaction and writes its audit row."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from livelihood import xlsx

from . import roster as roster_format
from .audit import AuditAction
from .domain import parse_roster_row, roster_duplicate_rows
from .models import (
    Attendance,
    AttendanceStatus,
    AuditEvent,
    Delegation,
    DelegationMember,
    Deputy,
    Role,
    RoleAssignment,
    RuleSet,
    Session,
    SessionStatus,
    Term,
    Township,
    Village,
)
from .permissions import (
    user_can_manage_county_congress,
    user_can_manage_session,
    user_can_manage_township,
)
from .selectors import deputies_in_office_for_term

User = get_user_model()


def _jsonable(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, list | tuple):
            out[key] = [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
        elif value is None or isinstance(value, str | int | float | bool):
            out[key] = value
        else:
            out[key] = str(value)
    return out


def snapshot(obj, fields: list[str] | None = None) -> dict:
    return _jsonable(model_to_dict(obj, fields=fields))


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj,
    township: Township | None = None,
    county=None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Write one audit row. Call inside the service's transaction. ``action`` is an
    ``AuditAction`` (congress/audit.py), the operation log's vocabulary."""
    if township is not None and county is None:
        county = township.county
    action = AuditAction(action)  # a string outside the vocabulary fails here, not in the log
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:200],
        township=township,
        county=county,
        before=before,
        after=after,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


DEPUTY_FIELDS = [
    "name",
    "gender",
    "is_township_deputy",
    "is_county_deputy",
    "home_village",
    "work_village",
    "profession",
    "employer",
    "expertise",
    "is_party_committee",
    "phone",
    "in_office",
]


def _check_villages(deputy: Deputy) -> None:
    for field in ("home_village", "work_village"):
        village = getattr(deputy, field)
        if village is not None and village.township_id != deputy.township_id:
            raise ValidationError({field: _("Choose a village of this township.")})


@transaction.atomic
def deputy_create(*, actor, township: Township, **fields) -> Deputy:
    _require(user_can_manage_township(actor, township))
    deputy = Deputy(township=township, **fields)
    _check_villages(deputy)
    deputy.full_clean()
    deputy.save()
    audit_record(
        actor=actor,
        action=AuditAction.DEPUTY_CREATE,
        obj=deputy,
        township=township,
        after=snapshot(deputy, DEPUTY_FIELDS),
    )
    return deputy


@transaction.atomic
def deputy_update(*, actor, deputy: Deputy, **fields) -> Deputy:
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    _require(user_can_manage_township(actor, deputy.township))
    before = snapshot(deputy, DEPUTY_FIELDS)
    for key, value in fields.items():
        setattr(deputy, key, value)
    _check_villages(deputy)
    deputy.full_clean()
    deputy.save()
    after = snapshot(deputy, DEPUTY_FIELDS)
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.DEPUTY_UPDATE,
            obj=deputy,
            township=deputy.township,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return deputy


# ---------------------------------------------------------------------------------------------
# Roster import


# Row-level errors of the .xlsx import: (row, column letter, header, message).
RosterError = xlsx.RowError


@dataclass
class RosterImportResult:
    created: int
    updated: int
    unchanged: int


class RosterImportError(Exception):
    def __init__(self, errors: list[RosterError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _row_message(code: str) -> str:
    return {
        "required": _("This cell is required."),
        "too_long": _("Too long (at most 32 characters)."),
        "gender": _("Write 男 or 女."),
        "phone": _("Not a valid phone number."),
        "levels": _("Write 乡镇, 县 or 乡镇、县."),
        "village": _("No village of this name in the township."),
        "flag": _("Write 是 or 否."),
    }.get(code, code)


def _file_message(error: roster_format.RosterFileError) -> str:
    return xlsx.file_error_message(error, empty=_("The workbook has no deputies in it."))


def _row_valid(deputy: Deputy, number: int, errors: list[RosterError]) -> bool:
    """full_clean() as row/column errors of the import instead of an exception."""
    try:
        deputy.full_clean()
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            column = key if key in dict(roster_format.ROSTER_COLUMNS) else ""
            errors.append(
                RosterError(
                    number,
                    roster_format.column_letter(column) if column else "",
                    roster_format.column_header(column) if column else "",
                    " ".join(messages),
                )
            )
        return False
    return True


@transaction.atomic
def roster_import(*, actor, township: Township, data: bytes) -> RosterImportResult:
    """Create or update the township's deputies from an .xlsx roster.

    All or nothing: every bad row is reported (row, column, reason) and nothing is written
    if any row is bad. A row with the same name and phone as a deputy on the roster updates
    that deputy instead of adding a second one.
    """
    _require(user_can_manage_township(actor, township))
    try:
        rows = roster_format.read_rows(data)
    except roster_format.RosterFileError as exc:
        raise RosterImportError([RosterError(None, "", "", _file_message(exc))]) from exc

    villages = {v.name: v for v in Village.objects.filter(township=township)}
    errors: list[RosterError] = []
    parsed: list[tuple[int, dict]] = []
    for number, raw in rows:
        result = parse_roster_row(raw, village_names=set(villages))
        for key, code in result.errors:
            errors.append(
                RosterError(
                    number,
                    roster_format.column_letter(key),
                    roster_format.column_header(key),
                    _row_message(code),
                )
            )
        parsed.append((number, result.values))
    for number, first in roster_duplicate_rows([(n, v["name"], v["phone"]) for n, v in parsed]):
        errors.append(
            RosterError(
                number,
                roster_format.column_letter("name"),
                roster_format.column_header("name"),
                _("Same name and phone as row %(row)s.") % {"row": first},
            )
        )
    if errors:
        errors.sort(key=lambda e: (e.row or 0, e.column))
        raise RosterImportError(errors)

    existing = {
        (d.name, d.phone): d for d in Deputy.objects.select_for_update().filter(township=township)
    }
    created = updated = unchanged = 0
    for number, values in parsed:
        values = dict(values)
        values["home_village"] = villages.get(values.pop("home_village")) or None
        values["work_village"] = villages.get(values.pop("work_village")) or None
        deputy = existing.get((values["name"], values["phone"]))
        if deputy is None:
            deputy = Deputy(township=township, **values)
            if _row_valid(deputy, number, errors):
                deputy.save()
                created += 1
            continue
        before = snapshot(deputy, DEPUTY_FIELDS)
        for key, value in values.items():
            setattr(deputy, key, value)
        if snapshot(deputy, DEPUTY_FIELDS) == before:
            unchanged += 1
            continue
        if _row_valid(deputy, number, errors):
            deputy.save()
            updated += 1
    if errors:
        # A rule the row parser does not know (an over-long expertise tag, invisible
        # characters in a name): reported by row and column, and the transaction rolls back
        # every row already saved.
        raise RosterImportError(errors)
    result = RosterImportResult(created=created, updated=updated, unchanged=unchanged)
    audit_record(
        actor=actor,
        action=AuditAction.ROSTER_IMPORT,
        obj=township,
        township=township,
        after={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return result


# ---------------------------------------------------------------------------------------------
# Sessions and attendance


@transaction.atomic
def session_create(*, actor, term: Term, number: int, date, place: str = "") -> Session:
    if term.township_id:
        _require(user_can_manage_township(actor, term.township))
    else:
        _require(user_can_manage_county_congress(actor, term.county))
    session = Session(term=term, number=number, date=date, place=place)
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action=AuditAction.SESSION_CREATE,
        obj=session,
        township=term.township,
        county=term.county,
        after=snapshot(session, ["number", "date", "place"]),
    )
    return session


@transaction.atomic
def session_open_roll(*, actor, session: Session) -> int:
    """Put every deputy now in office on the session's roll (absent until checked in).

    Idempotent: deputies already on the roll keep their status. Returns rows added."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("term").get(pk=session.pk)
    )
    _require(user_can_manage_session(actor, session))
    if session.status == SessionStatus.CLOSED:
        raise ValidationError(_("The session is closed."))
    on_roll = set(session.attendance.values_list("deputy_id", flat=True))
    new = [
        Attendance(session=session, deputy_id=deputy_id)
        for deputy_id in deputies_in_office_for_term(session.term).values_list("id", flat=True)
        if deputy_id not in on_roll
    ]
    Attendance.objects.bulk_create(new)
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.IN_PROGRESS
        session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.SESSION_OPEN_ROLL,
        obj=session,
        township=session.term.township,
        county=session.term.county,
        after={"added": len(new)},
    )
    return len(new)


@transaction.atomic
def attendance_set(*, actor, session: Session, deputy_id: int, status: str) -> Attendance:
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance status."))
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session__term__township", "session__term__county", "deputy")
        .get(session=session, deputy_id=deputy_id)
    )
    _require(user_can_manage_session(actor, attendance.session))
    if attendance.session.status == SessionStatus.CLOSED:
        raise ValidationError(_("The session is closed."))
    before = attendance.status
    if before != status:
        attendance.status = status
        attendance.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ATTENDANCE_SET,
            obj=attendance,
            township=attendance.session.term.township,
            county=attendance.session.term.county,
            before={"status": before},
            after={"status": status},
        )
    return attendance


@transaction.atomic
def session_close(*, actor, session: Session) -> Session:
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("term").get(pk=session.pk)
    )
    _require(user_can_manage_session(actor, session))
    session.status = SessionStatus.CLOSED
    session.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.SESSION_CLOSE,
        obj=session,
        township=session.term.township,
        county=session.term.county,
    )
    return session


# ---------------------------------------------------------------------------------------------
# Accounts and rules


@transaction.atomic
def township_user_create(
    *,
    actor,
    township: Township,
    username: str,
    password: str,
    full_name: str = "",
    role: str | None = None,
    deputy: Deputy | None = None,
):
    """Staff create accounts for their township: a deputy's login, or a scoped role
    (teller, scrutineer, government liaison, staff)."""
    _require(user_can_manage_township(actor, township))
    if role is None and deputy is None:
        raise ValidationError(_("Choose a role or a deputy for the account."))
    if role is not None and role not in (Role.STAFF, Role.TELLER, Role.SCRUTINEER, Role.GOVERNMENT):
        raise ValidationError(_("Unknown role."))
    if deputy is not None:
        deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
        if deputy.township_id != township.pk:
            raise PermissionDenied
        if deputy.user_id:
            raise ValidationError(_("This deputy already has an account."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(username=username, first_name=full_name or (deputy.name if deputy else ""))
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, township=township)
    if deputy is not None:
        deputy.user = user
        deputy.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCOUNT_CREATE,
        obj=user,
        township=township,
        after={"username": username, "role": role or "", "deputy": deputy.pk if deputy else None},
    )
    return user


RULESET_EDITABLE = [
    f.name
    for f in RuleSet._meta.get_fields()
    if getattr(f, "editable", False) and f.name not in ("id", "township", "county", "updated_at")
]


@transaction.atomic
def ruleset_update(*, actor, ruleset: RuleSet, **fields) -> RuleSet:
    """Save a body's rules. The first save creates the rule set (reads show the defaults
    until then, unsaved)."""
    if ruleset.pk is None:
        if ruleset.township_id:
            _require(user_can_manage_township(actor, ruleset.township))
        else:
            _require(actor.is_superuser)
        ruleset, _created = RuleSet.objects.get_or_create(
            township_id=ruleset.township_id, county_id=ruleset.county_id
        )
    ruleset = (
        RuleSet.objects.select_for_update(of=("self",))
        .select_related("township")
        .get(pk=ruleset.pk)
    )
    if ruleset.township_id:
        _require(user_can_manage_township(actor, ruleset.township))
    else:
        _require(actor.is_superuser)
    before = snapshot(ruleset, RULESET_EDITABLE)
    for key, value in fields.items():
        if key not in RULESET_EDITABLE:
            raise ValidationError(_("Unknown rule."))
        setattr(ruleset, key, value)
    ruleset.full_clean()
    ruleset.save()
    after = snapshot(ruleset, RULESET_EDITABLE)
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.RULESET_UPDATE,
            obj=ruleset,
            township=ruleset.township,
            county=ruleset.county,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return ruleset


# ---------------------------------------------------------------------------------------------
# Delegations (代表团) of a county congress term


def _county_term(term: Term) -> Term:
    if term.level != "county" or term.township_id:
        raise ValidationError(_("Delegations belong to a county congress term."))
    return term


def _delegation_audit(actor, action, delegation, **kwargs):
    audit_record(
        actor=actor, action=action, obj=delegation, county=delegation.term.county, **kwargs
    )


def _check_head(delegation: Delegation, head) -> None:
    if head is None:
        return
    if not DelegationMember.objects.filter(delegation=delegation, deputy=head).exists():
        raise ValidationError(_("The head (团长) must be a deputy of the delegation."))


@transaction.atomic
def delegation_create(
    *, actor, term: Term, name: str, order: int = 0, township: Township | None = None
) -> Delegation:
    _county_term(term)
    _require(user_can_manage_county_congress(actor, term.county))
    if township is not None and township.county_id != term.county_id:
        raise ValidationError(_("The township is not in the county."))
    delegation = Delegation(term=term, name=name, order=order, township=township)
    delegation.full_clean()
    delegation.save()
    _delegation_audit(
        actor,
        AuditAction.DELEGATION_CREATE,
        delegation,
        after=snapshot(delegation, ["name", "order", "township"]),
    )
    return delegation


@transaction.atomic
def delegation_update(*, actor, delegation: Delegation, **fields) -> Delegation:
    """Rename, reorder or name the head (团长) of a delegation."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("term__county")
        .get(pk=delegation.pk)
    )
    _require(user_can_manage_county_congress(actor, delegation.term.county))
    names = [k for k in ("name", "order", "head") if k in fields]
    before = snapshot(delegation, names)
    for key in names:
        setattr(delegation, key, fields[key])
    _check_head(delegation, delegation.head)
    delegation.full_clean()
    delegation.save()
    after = snapshot(delegation, names)
    if after != before:
        _delegation_audit(
            actor, AuditAction.DELEGATION_UPDATE, delegation, before=before, after=after
        )
    return delegation


@transaction.atomic
def delegation_assign(*, actor, delegation: Delegation, deputy_ids) -> int:
    """Seat deputies in the delegation. A deputy seated in another delegation of the same term
    moves (a deputy sits in one delegation per term); one who heads the delegation they leave
    stops being its head. Only county deputies of the term's county are accepted. Returns how
    many deputies were seated or moved."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("term__county")
        .get(pk=delegation.pk)
    )
    term = delegation.term
    _require(user_can_manage_county_congress(actor, term.county))
    ids = set(deputy_ids)
    eligible = set(
        Deputy.objects.filter(
            pk__in=ids, township__county_id=term.county_id, is_county_deputy=True
        ).values_list("pk", flat=True)
    )
    if eligible != ids:
        raise ValidationError(_("Only county deputies of the county can sit in a delegation."))
    moving = DelegationMember.objects.filter(term=term, deputy_id__in=ids).exclude(
        delegation=delegation
    )
    moved = list(moving.values_list("deputy_id", "delegation_id"))
    Delegation.objects.filter(
        term=term, head_id__in=[deputy for deputy, _delegation in moved]
    ).exclude(pk=delegation.pk).update(head=None)
    moving.delete()
    already = set(
        DelegationMember.objects.filter(delegation=delegation).values_list("deputy_id", flat=True)
    )
    new = [
        DelegationMember(delegation=delegation, term=term, deputy_id=deputy_id)
        for deputy_id in sorted(ids - already)
    ]
    DelegationMember.objects.bulk_create(new)
    if new:
        _delegation_audit(
            actor,
            AuditAction.DELEGATION_ASSIGN,
            delegation,
            after={"added": len(new), "count": len(already) + len(new)},
        )
    return len(new)


@transaction.atomic
def delegation_remove(*, actor, delegation: Delegation, deputy_id: int) -> None:
    """Take a deputy out of the delegation (they stay a county deputy, in no delegation)."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .select_related("term__county")
        .get(pk=delegation.pk)
    )
    _require(user_can_manage_county_congress(actor, delegation.term.county))
    deleted, _rows = DelegationMember.objects.filter(
        delegation=delegation, deputy_id=deputy_id
    ).delete()
    if deleted:
        if delegation.head_id == deputy_id:
            delegation.head = None
            delegation.save(update_fields=["head"])
        _delegation_audit(
            actor, AuditAction.DELEGATION_ASSIGN, delegation, before={"deputy": deputy_id}
        )


@transaction.atomic
def delegations_by_township(*, actor, term: Term) -> tuple[int, int]:
    """The common case in one step: one delegation per township of the county (named
    「<township>代表团」, in township order), each seating the township's county deputies in
    office who sit in no delegation of the term yet. Delegations that exist are kept; nobody
    already seated moves. Returns (delegations created, deputies seated)."""
    _county_term(term)
    _require(user_can_manage_county_congress(actor, term.county))
    townships = list(Township.objects.filter(county_id=term.county_id).order_by("code"))
    existing = {d.township_id: d for d in Delegation.objects.filter(term=term)}
    names = set(Delegation.objects.filter(term=term).values_list("name", flat=True))
    next_order = max([d.order for d in existing.values()], default=0)
    created = []
    for township in townships:
        if township.pk in existing:
            continue
        name = f"{township.name}代表团"  # a name is data: the county's own word
        if name in names:
            continue
        next_order += 1
        created.append(Delegation(term=term, name=name, order=next_order, township=township))
    Delegation.objects.bulk_create(created)
    by_township = {d.township_id: d for d in Delegation.objects.filter(term=term) if d.township_id}
    seated = set(DelegationMember.objects.filter(term=term).values_list("deputy_id", flat=True))
    members = [
        DelegationMember(delegation=by_township[township_id], term=term, deputy_id=deputy_id)
        for deputy_id, township_id in deputies_in_office_for_term(term).values_list(
            "id", "township_id"
        )
        if deputy_id not in seated and township_id in by_township
    ]
    DelegationMember.objects.bulk_create(members)
    audit_record(
        actor=actor,
        action=AuditAction.DELEGATIONS_BY_TOWNSHIP,
        obj=term,
        county=term.county,
        after={"created": len(created), "added": len(members)},
    )
    return len(created), len(members)
