"""Permission rows for a county congress's .xlsx import of offline suggestions (issue 17):
the import page (its POST is the import itself) and the template download.

Like the county's other suggestion pages (tests/permissions/county.py,
``projects:county_suggestion_list``): every township role — its staff included — gets 404,
anonymous the login page, and the county's reviewer, who reaches the county's pages but may
not triage its suggestions, 403. The county's own staff are checked in
tests/projects/test_county_import.py."""

from tests.permission_table import LOGIN, Row, expect


def _county(w):
    return {"pk": w.county.pk}


COUNTY_IMPORT = expect(404, anonymous=LOGIN, reviewer=403, superuser=200)

ROWS = [
    Row("projects:county_suggestion_import", _county, COUNTY_IMPORT),
    # The import itself (POST): the same refusals. An empty POST past the checks shows the
    # page again (200), as a GET does.
    Row("projects:county_suggestion_import", _county, COUNTY_IMPORT, method="post"),
    Row("projects:county_suggestion_template", _county, COUNTY_IMPORT),
]
