"""Permission rows for a county congress's QR intake links (issue 17): the county's QR
codes page and sheet, a county link's poster and its public form.

County A's own congress gets a county-level liaison station (sitting in township A1) with its
QR link. Of the twelve roles the county's reviewer reads the page, the sheet and the poster;
every township role — its staff included — gets 404, as on the county's other pages. The
public form behind a county link is open to everyone. The county's own roles (its staff,
its teller) are checked in tests/projects/test_county_intake.py."""

from tests.permission_table import LOGIN, PUBLIC, Row, expect


def county_station_link(w):
    cached = getattr(w, "_county_station_link", None)
    if cached is not None:
        return cached
    from projects.models import IntakeLink, LiaisonStation

    station = LiaisonStation.objects.create(township=w.township, name="青山县人大代表联络总站")
    link = IntakeLink.objects.create(token="CNTYLINK1", county=w.county, station=station)
    w._county_station_link = link
    return link


def _county(w):
    return {"pk": w.county.pk}


def _county_token(w):
    return {"token": county_station_link(w).token}


# The county's reviewer reads; township roles never reach the county's pages.
COUNTY_INTAKE_READ = expect(404, anonymous=LOGIN, reviewer=200, superuser=200)

ROWS = [
    Row("projects:county_intake_codes", _county, COUNTY_INTAKE_READ),
    Row("projects:county_intake_sheet", _county, COUNTY_INTAKE_READ),
    Row("projects:intake_poster", _county_token, COUNTY_INTAKE_READ),
    Row("projects:intake", _county_token, PUBLIC),
]
