"""The demo's county congress: 青山县第十七届人民代表大会, its delegations and logins."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from congress import selectors
from congress.models import County, Delegation, DelegationMember, Session

pytestmark = pytest.mark.django_db


def test_county_congress_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    county = County.objects.get(name="青山县")
    # The 4th session votes the projects (13→10); the 5th rates them the year after.
    sessions = Session.objects.filter(term__county=county, term__level="county", term__number=17)
    assert sorted(sessions.values_list("number", flat=True)) == [4, 5]
    session = sessions.get(number=4)
    delegations = Delegation.objects.filter(term=session.term)
    assert delegations.count() == 8
    assert not delegations.filter(head__isnull=True).exists()
    members = DelegationMember.objects.filter(term=session.term).count()
    assert 220 <= members <= 260
    roll = selectors.session_headcount_by_delegation(session)
    assert len(roll.lines) == 8  # every county deputy sits in a delegation
    assert roll.total.due == members and roll.total.present > roll.total.due * 2 / 3
    # The residents' front door still answers with the county's published plenary in the data.
    assert Client().get("/").status_code == 200
    User = get_user_model()
    staff = Client()
    staff.force_login(User.objects.get(username="staff_qingshan"))
    page = staff.get(reverse("congress:session_detail", args=[session.pk]))
    assert page.status_code == 200 and "县直机关代表团" in page.content.decode()
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer_qingzhou"))
    for name in ("青山县", "白水县"):
        pk = County.objects.get(name=name).pk
        assert reviewer.get(reverse("congress:county_congress", args=[pk])).status_code == 200
    assert (
        reviewer.post(reverse("congress:session_open_roll", args=[session.pk])).status_code == 403
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DelegationMember.objects.filter(term=session.term).count() == members
