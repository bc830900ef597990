"""projects.services.suggestions: what it writes, what it audits, what it refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import AuditEvent
from projects import services
from projects.models import (
    ProjectStatus,
    SuggestionStatus,
)

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_public_submission_goes_to_the_deputy_of_the_qr_code(world):
    link = f.deputy_link(world)
    s = services.suggestion_submit_public(
        link=link, title="村里道路安装路灯", content="晚上太黑", proposer_phone="13900000000"
    )
    assert s.deputy == world.deputy and s.channel == "deputy_qr"
    assert s.status == SuggestionStatus.RECEIVED
    assert len(s.receipt_code) == 11
    assert "道路" in s.tokens
    event = AuditEvent.objects.get(action="suggestion.submit", object_id=str(s.pk))
    assert "13900000000" not in str(event.after)


def test_public_submission_through_a_station(world):
    station = services.station_create(
        actor=world.users["staff"], township=world.township, name="东河村代表联络站"
    )
    s = services.suggestion_submit_public(
        link=station.intake_link, title="修水渠", content="灌溉用水不够"
    )
    assert s.station == station and s.channel == "station" and s.deputy is None


def test_an_inactive_link_refuses(world):
    link = f.deputy_link(world)
    link.is_active = False
    link.save()
    with pytest.raises(ValidationError):
        services.suggestion_submit_public(link=link, title="x", content="y")


def test_receipt_codes_are_unique(world):
    codes = {f.suggestion(world, title=f"建议{i}").receipt_code for i in range(20)}
    assert len(codes) == 20


def test_a_deputy_enters_suggestions_as_the_receiving_deputy(world):
    s = services.suggestion_create(
        actor=world.users["deputy"],
        township=world.township,
        channel="door_to_door",
        deputy=world.deputy_other,  # ignored: a deputy enters as themselves
        title="修桥",
        content="石桥年久失修",
    )
    assert s.deputy == world.deputy and s.entered_by == world.users["deputy"]


@pytest.mark.parametrize("role", ["teller", "reviewer", "staff_other", "government"])
def test_others_cannot_enter_suggestions(world, role):
    with pytest.raises(PermissionDenied):
        services.suggestion_create(
            actor=world.users[role],
            township=world.township,
            channel="letter",
            title="x",
            content="y",
        )


def test_a_village_of_another_township_is_refused(world):
    other = world.township_other.villages.first()
    with pytest.raises(ValidationError):
        f.suggestion(world, village=other)


def test_merging_two_suggestions_makes_one_project(world):
    a = f.suggestion(world, title="修建村道路灯", village=world.village)
    b = f.suggestion(world, title="村里道路安装路灯")
    project = services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk, b.pk],
        reply="已纳入项目储备库",
    )
    assert project.title == "修建村道路灯"
    assert list(project.villages.all()) == [world.village]
    assert set(project.suggestions.all()) == {a, b}
    a.refresh_from_db()
    assert a.status == SuggestionStatus.MERGED and a.reply == "已纳入项目储备库"
    assert AuditEvent.objects.filter(action="suggestion.merge").count() == 2
    assert project.status_changes.get().to_status == ProjectStatus.RESERVE


def test_merging_into_an_existing_project(world):
    project = f.project(world)
    a = f.suggestion(world, village=world.village)
    services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        project=project,
    )
    assert project.suggestions.get() == a
    assert world.village in project.villages.all()


def test_a_merged_suggestion_is_not_merged_or_rejected_again(world):
    a = f.suggestion(world)
    services.suggestions_merge(
        actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
    )
    with pytest.raises(ValidationError):
        services.suggestions_merge(
            actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
        )
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"],
            township=world.township,
            suggestion_ids=[a.pk],
            reason="楼堂馆所建设",
        )


def test_merge_refuses_suggestions_of_another_township(world):
    a = f.suggestion(world)
    with pytest.raises(PermissionDenied):
        services.suggestions_merge(
            actor=world.users["staff_other"], township=world.township, suggestion_ids=[a.pk]
        )
    with pytest.raises(ValidationError):
        services.suggestions_merge(
            actor=world.users["staff_other"],
            township=world.township_other,
            suggestion_ids=[a.pk],
        )


def test_reject_with_a_listed_reason_and_a_reply(world):
    a = f.suggestion(world)
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="楼堂馆所建设",
        reply="办公楼建设不属于民生实事项目范围。",
    )
    a.refresh_from_db()
    assert a.status == SuggestionStatus.REJECTED
    assert a.rejection_reason == "楼堂馆所建设"
    assert AuditEvent.objects.filter(action="suggestion.reject", object_id=str(a.pk)).exists()


def test_reject_refuses_a_reason_not_on_the_list_and_no_reason_at_all(world):
    a = f.suggestion(world)
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"],
            township=world.township,
            suggestion_ids=[a.pk],
            reason="看着不顺眼",
        )
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk], reason=""
        )
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="",
        reply="已由县交通局统一实施。",
    )


def test_a_rejected_suggestion_may_be_reconsidered_and_merged(world):
    a = f.suggestion(world)
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="停建缓建项目",
    )
    services.suggestions_merge(
        actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
    )
    a.refresh_from_db()
    assert a.status == SuggestionStatus.MERGED and a.rejection_reason == ""


# --- plans, rounds, candidate lists ----------------------------------------------------------
