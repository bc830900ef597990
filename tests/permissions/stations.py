"""Permission rows for the stations app (liaison stations, 代表有约, duty records).

A resident books; a deputy sees only their own record; staff their township; reviewers read
only. Objects are created lazily on the world: a station of the township with a profile (the
world's deputy and member deputy assigned), a published duty day next month and a reception."""

import datetime

from tests.permission_table import LOGIN, PUBLIC, Row, expect


def _objects(w):
    cached = getattr(w, "_stations_objects", None)
    if cached is not None:
        return cached
    from django.utils import timezone

    from projects.models import LiaisonStation
    from stations.models import DutyDay, Reception, StationProfile

    station = LiaisonStation.objects.create(township=w.township, name="东河村联络站")
    profile = StationProfile.objects.create(station=station, level="village")
    profile.deputies.set([w.deputy, w.member_deputy])
    day = DutyDay.objects.create(
        station=station,
        date=timezone.localdate() + datetime.timedelta(days=30),
        start=datetime.time(9),
        end=datetime.time(11),
        published=True,
    )
    day.deputies.set([w.deputy])
    reception = Reception.objects.create(
        station=station, date=timezone.localdate(), residents=3, duty_day=None
    )
    reception.deputies.set([w.deputy])
    w._stations_objects = (station, day, reception)
    return w._stations_objects


def _station(w):
    return {"pk": _objects(w)[0].pk}


def _day(w):
    return {"pk": _objects(w)[1].pk}


def _reception(w):
    return {"pk": _objects(w)[2].pk}


def _t(w):
    return {"pk": w.township.pk}


def _credit(w):
    """A manual credit to the world's deputy with a PDF as evidence."""
    cached = getattr(w, "_stations_credit", None)
    if cached is None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from stations import services

        item = services.duty_item_set(
            actor=w.users["staff"],
            township=w.township,
            code="volunteer",
            points=2,
            label="志愿服务",
        )
        cached = services.manual_credit_record(
            actor=w.users["staff"],
            deputy=w.deputy,
            item=item,
            date=timezone.localdate(),
            evidence="参加防汛值守",
            evidence_file=SimpleUploadedFile(
                "proof.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
            ),
        )
        w._stations_credit = cached
    return {"pk": cached.pk}


# The township's stations and records: staff, the county's reviewers (read-only).
STATIONS_VIEW = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    reviewer=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
STATIONS_MANAGE = expect(
    403, anonymous=LOGIN, staff=200, superuser=200, staff_other=404, reviewer_other=404
)
# A station's (or duty day's, reception's) staff pages: out of scope is 404.
STATION_VIEW = expect(404, anonymous=LOGIN, staff=200, reviewer=200, superuser=200)
STATION_MANAGE = expect(404, anonymous=LOGIN, staff=200, reviewer=403, superuser=200)
STATION_MANAGE_POST = expect(404, anonymous=LOGIN, staff=302, reviewer=403, superuser=302)
# A deputy's duty record: the deputy themself, staff of the township, the county's reviewers.
RECORD_VIEW = expect(
    404, anonymous=LOGIN, deputy=200, group_member=404, staff=200, reviewer=200, superuser=200
)

ROWS = [
    Row("stations:station_public", _station, PUBLIC),
    Row("stations:booking_create", _day, PUBLIC),
    # Nothing booked in this session: back to the lookup.
    Row("stations:booking_done", expected=expect(302)),
    Row("stations:booking_lookup", expected=PUBLIC),
    Row("stations:my", expected=expect(403, anonymous=LOGIN, deputy=200)),
    Row("stations:deputy_record", lambda w: {"pk": w.deputy.pk}, RECORD_VIEW),
    Row(
        "stations:deputy_record_pdf",
        lambda w: {"pk": w.deputy.pk, "year": datetime.date.today().year},  # noqa: DTZ011
        RECORD_VIEW,
    ),
    Row("stations:township_stations", _t, STATIONS_VIEW),
    Row("stations:station_edit", _station, STATION_MANAGE),
    # The printable QR poster: staff print it.
    Row("stations:station_poster", _station, STATION_MANAGE),
    Row("stations:calendar", _station, STATION_VIEW),
    Row(
        "stations:calendar",
        _station,
        STATION_MANAGE_POST,
        method="post",
        data=lambda w: {"publish": "1"},
    ),
    Row("stations:duty_day", _day, STATION_VIEW),
    Row("stations:reception_create", _station, STATION_MANAGE),
    Row("stations:reception_detail", _reception, STATION_VIEW),
    Row("stations:township_records", _t, STATIONS_VIEW),
    Row("stations:credit_create", _t, STATIONS_MANAGE),
    Row("stations:credit_evidence", _credit, RECORD_VIEW),
    Row("stations:duty_items", _t, STATIONS_MANAGE),
    Row(
        "stations:county_activity",
        lambda w: {"pk": w.county.pk},
        expect(403, anonymous=LOGIN, reviewer=200, superuser=200, reviewer_other=404),
    ),
]

# /api/v1/ (stations.api, registered by livelihood/api.py): the same permissions as the pages.
# Public endpoints answer everyone alike; a body that is not valid is 400 for everyone (the
# booking limit counts only valid requests), an unknown code 404.
API_RECORD = expect(
    404, anonymous=401, deputy=200, group_member=404, staff=200, reviewer=200, superuser=200
)
API_ROWS = [
    Row("api:station-list", expected=PUBLIC),
    Row("api:station-detail", _station, PUBLIC),
    Row("api:station-calendar-list", expected=PUBLIC),
    Row(
        "api:station-booking-list",
        expected=expect(400),
        method="post",
        data=lambda w: {"duty_day": _objects(w)[1].pk},
        content_type="application/json",
    ),
    Row(
        "api:station-booking-lookup",
        expected=expect(404),
        method="post",
        data=lambda w: {"code": "AAAA-AAAA"},
        content_type="application/json",
    ),
    Row(
        "api:station-booking-cancel",
        expected=expect(404),
        method="post",
        data=lambda w: {"code": "AAAA-AAAA"},
        content_type="application/json",
    ),
    Row("api:duty-record-detail", lambda w: {"pk": w.deputy.pk}, API_RECORD),
    Row("api:duty-record-me", expected=expect(403, anonymous=401, deputy=200)),
]


ROWS = ROWS + API_ROWS
