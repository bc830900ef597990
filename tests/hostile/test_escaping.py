"""Free text typed by users is rendered back escaped everywhere; CSRF is enforced."""

import pytest
from django.test import Client
from django.urls import reverse

from congress import services as congress_services
from voting import services

from ..voting.ceremony import open_with_ceremony
from ..voting.conftest import check_in, make_candidate_list

PROBES = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "<b>粗体</b>"]


@pytest.mark.parametrize("probe", PROBES)
def test_deputy_fields_are_escaped_on_every_page(world, probe):
    congress_services.deputy_update(
        actor=world.users["staff"],
        deputy=world.deputy,
        name=probe[:32],
        profession=probe[:64],
        expertise=[probe[:32]],
    )
    staff = world.client("staff")
    for url in (
        reverse("congress:deputy_list", args=[world.township.pk]),
        reverse("congress:deputy_detail", args=[world.deputy.pk]),
        reverse("congress:audit_log", args=[world.township.pk]),
    ):
        page = staff.get(url).content.decode()
        assert probe[:20] not in page, url
        assert "&lt;" in page


@pytest.mark.parametrize("probe", PROBES)
def test_candidate_titles_are_escaped_on_the_ballot(world, probe):
    check_in(world, 5, total=5)  # the world has five township deputies: all present
    clist = make_candidate_list(world.township, titles=[probe, "乙", "丙", "丁"])
    vote = services.vote_create(
        actor=world.users["staff"], session=world.session, candidate_list=clist
    )
    codes = services.vote_generate_codes(actor=world.users["staff"], vote=vote, spares=0)
    open_with_ceremony(world.users["staff"], vote)
    page = Client().post(reverse("voting:ballot"), {"code": codes[0]}).content.decode()
    assert probe not in page and "&lt;" in page


def test_csrf_is_enforced_on_staff_forms_and_the_ballot(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["staff"])
    response = client.post(reverse("congress:session_open_roll", args=[world.session.pk]))
    assert response.status_code == 403
    assert not world.session.attendance.exists()
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("voting:ballot"), {"code": "X"}).status_code == 403


def test_oversized_request_bodies_are_refused_cleanly(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client().post(reverse("voting:ballot"), {"code": "A" * 5000})
    assert response.status_code == 400
