"""The reports demo produces a finished township report and county roll-up, once."""

import pytest

from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db


def test_reports_demo_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from congress.demo import load_demo as congress_demo
    from projects.demo import load_demo as projects_demo
    from reports.demo import load_demo
    from voting.demo import load_demo as voting_demo

    congress_demo()
    projects_demo()
    voting_demo()
    notes = load_demo()
    assert len(notes) == 2 and all("/reports/" in n for n in notes)
    assert Report.objects.filter(status=ReportStatus.DONE).count() == 2
    load_demo()
    assert Report.objects.count() == 2
