"""The duty record (履职档案): each deputy's points as of a date, counted from the records
the stages already keep — one definition (``duty_counts``) read by the deputy's page, the
PDF, the township overview and the county panel. Attendance only: no ballot table is read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Q, Sum, When

from congress.models import Attendance, AttendanceStatus, Deputy, Township
from projects.models import Suggestion
from supervision.models import GroupMember, Inspection, LedgerItem

from .. import domain
from ..models import Booking, BookingStatus, DutyItem, ManualCredit, Reception, StationRules


def _year_bounds(year: int, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), min(as_of, datetime.date(year, 12, 31))


def _grouped(qs, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in qs.values(key).annotate(n=Count("pk", distinct=True))}


def duty_counts(
    deputy_ids: list[int], *, year: int, as_of: datetime.date
) -> dict[int, dict[str, int]]:
    """For each deputy, how many of each automatic item fell in ``year`` up to ``as_of``
    (one grouped query per item, three for the hand-overs: a constant number of queries for
    a township of 60 or a county of 769)."""
    start, end = _year_bounds(year, as_of)
    ids = list(deputy_ids)
    per_item: dict[str, dict[int, int]] = {}
    per_item["station_duty"] = _grouped(
        Reception.objects.filter(
            kind="reception", date__range=(start, end), deputies__in=ids
        ).values("deputies"),
        "deputies",
    )
    per_item["appointment"] = _grouped(
        Booking.objects.filter(
            status=BookingStatus.RECEIVED,
            reception__date__range=(start, end),
            reception__deputies__in=ids,
        ),
        "reception__deputies",
    )
    per_item["suggestion"] = _grouped(
        Suggestion.objects.filter(deputy__in=ids, created_at__date__range=(start, end)),
        "deputy",
    )
    per_item["suggestion_candidate"] = _grouped(
        Suggestion.objects.filter(
            deputy__in=ids,
            project__candidacies__candidate_list__locked_at__date__range=(start, end),
        ),
        "deputy",
    )
    per_item["inspection"] = _grouped(
        Inspection.objects.filter(attendees__in=ids, date__range=(start, end)), "attendees"
    )
    per_item["group_task"] = _grouped(
        GroupMember.objects.filter(
            deputy__in=ids,
            group__status="confirmed",
            group__confirmed_at__date__range=(start, end),
        ),
        "deputy",
    )
    per_item.update(_handover_counts(ids, start=start, end=end))
    per_item["session_attendance"] = _grouped(
        Attendance.objects.filter(
            deputy__in=ids,
            status=AttendanceStatus.PRESENT,
            session__date__range=(start, end),
        ),
        "deputy",
    )
    return {
        deputy_id: {code: per_item[code].get(deputy_id, 0) for code in domain.AUTO_ITEMS}
        for deputy_id in ids
    }


def _handover_counts(
    ids: list[int], *, start: datetime.date, end: datetime.date
) -> dict[str, dict[int, int]]:
    """Hand-overs a deputy raised — found at an inspection they attended, a residents' matter
    they received, or entered by them — and how many of those were closed, in the range.

    One query per source (three, whatever the number of deputies): each returns (deputy,
    item, raised in range, closed in range) pairs; an item reached by two sources counts once."""
    in_range = Q(created_at__date__range=(start, end)) | Q(closed_at__date__range=(start, end))
    flags = {
        "raised": Case(
            When(created_at__date__range=(start, end), then=True),
            default=False,
            output_field=BooleanField(),
        ),
        "closed": Case(
            When(closed_at__date__range=(start, end), then=True),
            default=False,
            output_field=BooleanField(),
        ),
    }
    raised: dict[int, set[int]] = {}
    closed: dict[int, set[int]] = {}
    for key in ("inspection__attendees", "suggestion__deputy", "created_by__deputy"):
        rows = (
            LedgerItem.objects.filter(in_range, **{f"{key}__in": ids})
            .annotate(**flags)
            .values_list(key, "pk", "raised", "closed")
            .distinct()
        )
        for deputy_id, item_id, was_raised, was_closed in rows:
            if was_raised:
                raised.setdefault(deputy_id, set()).add(item_id)
            if was_closed:
                closed.setdefault(deputy_id, set()).add(item_id)
    return {
        "handover_raised": {d: len(items) for d, items in raised.items()},
        "handover_closed": {d: len(items) for d, items in closed.items()},
    }


def points_for(township: Township) -> dict[str, int]:
    overrides = dict(
        DutyItem.objects.filter(township=township, is_manual=False).values_list("code", "points")
    )
    return domain.item_points(overrides)


def manual_items(township: Township):
    return DutyItem.objects.filter(township=township, is_manual=True).order_by("code")


def rules_for(township: Township) -> StationRules:
    """The township's station rules, or the defaults (unsaved: a selector never writes)."""
    return StationRules.objects.filter(township=township).first() or StationRules(township=township)


@dataclass
class DutyRecord:
    deputy: Deputy
    year: int
    as_of: datetime.date
    lines: list[domain.PointLine]
    manual: list = field(default_factory=list)
    manual_points: int = 0
    minimum: int = 0
    status: str = domain.OK

    @property
    def total(self) -> int:
        return domain.total_points(self.lines, self.manual_points)

    @property
    def duty_days(self) -> int:
        return next(line.count for line in self.lines if line.code == "station_duty")


def duty_records(
    township: Township, deputies, *, year: int, as_of: datetime.date, with_manual_rows=False
) -> list[DutyRecord]:
    deputies = list(deputies)
    ids = [d.pk for d in deputies]
    counts = duty_counts(ids, year=year, as_of=as_of)
    points = points_for(township)
    minimum = rules_for(township).min_duty_days
    start, end = _year_bounds(year, as_of)
    credits = ManualCredit.objects.filter(deputy__in=ids, date__range=(start, end))
    manual_sum = dict(credits.values("deputy").annotate(p=Sum("points")).values_list("deputy", "p"))
    rows: dict[int, list] = {}
    if with_manual_rows:
        for credit in credits.select_related("item").order_by("date", "pk"):
            rows.setdefault(credit.deputy_id, []).append(credit)
    out = []
    for deputy in deputies:
        lines = domain.point_lines(counts[deputy.pk], points)
        record = DutyRecord(
            deputy=deputy,
            year=year,
            as_of=as_of,
            lines=lines,
            manual=rows.get(deputy.pk, []),
            manual_points=manual_sum.get(deputy.pk, 0) or 0,
            minimum=minimum,
        )
        record.status = domain.frequency_status(
            attended=record.duty_days, minimum=minimum, year=year, as_of=as_of
        )
        out.append(record)
    return out


def duty_record(deputy: Deputy, *, year: int, as_of: datetime.date) -> DutyRecord:
    return duty_records(deputy.township, [deputy], year=year, as_of=as_of, with_manual_rows=True)[0]


def township_overview(township: Township, *, year: int, as_of: datetime.date):
    """Every deputy in office, best total first (the appraisal, 评比)."""
    deputies = Deputy.objects.filter(township=township, in_office=True).order_by(
        "name_sort_key", "pk"
    )
    records = duty_records(township, deputies, year=year, as_of=as_of)
    return sorted(records, key=lambda r: (-r.total, r.deputy.name_sort_key, r.deputy.pk))
