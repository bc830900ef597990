"""A 微建议 handed over without an elected project (issue 20): a ledger item of a township
with no project, created by the township's staff, followed through the ledger like any
other; and the public ``notify`` other stages use for their reminders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import LiaisonStation
from stations import services as station_services
from supervision import services
from supervision.models import LedgerItem, Notification
from tests.factories import SuggestionFactory

pytestmark = pytest.mark.django_db


def _deadline(days=15):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def suggestion(world):
    return SuggestionFactory(
        township=world.township, title="村口垃圾清运不及时", content="每周只清运一次"
    )


def test_staff_hand_over_a_micro_suggestion_without_a_project(world, suggestion, client):
    staff = world.users["staff"]
    item = services.item_create(
        actor=staff,
        project=None,
        township=world.township,
        title=suggestion.title,
        detail=suggestion.content,
        suggestion=suggestion,
        department="镇环卫所",
        deadline=_deadline(),
    )
    assert (item.project, item.township, item.status) == (None, world.township, "handed_over")
    # The township's government liaison is told and answers; staff close it (销号).
    government = world.users["government"]
    assert Notification.objects.filter(user=government, kind="item_handed_over").exists()
    services.item_answer(actor=government, item=item, answer="已改为每周清运三次")
    assert Notification.objects.filter(user=staff, kind="item_answered").exists()
    services.item_close(actor=staff, item=item, note="复查属实")
    item.refresh_from_db()
    assert item.status == "closed"
    # Its page, the township's ledger and the API say it has no project.
    client.force_login(staff)
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="no-project"' in page.content.decode()
    ledger = client.get(reverse("supervision:ledger", args=[world.township.pk]), {"status": ""})
    assert suggestion.title in ledger.content.decode()
    api = client.get(f"/api/v1/ledger-items/{item.pk}/")
    assert api.status_code == 200
    assert api.json()["project"] is None and api.json()["township"] == world.township.pk


def test_refusals(world, suggestion):
    # A township is required when there is no project.
    with pytest.raises(ValidationError):
        services.item_create(actor=world.users["staff"], project=None, title="无主")
    # Only the township's staff hand one over; a deputy or another township's staff cannot.
    for user in (world.users["deputy"], world.users["staff_other"], world.users["reviewer"]):
        with pytest.raises(PermissionDenied):
            services.item_create(
                actor=user, project=None, township=world.township, title="垃圾清运"
            )
    # The suggestion must be the township's own.
    with pytest.raises(ValidationError):
        services.item_create(
            actor=world.users["staff_other"],
            project=None,
            township=world.township_other,
            title="垃圾清运",
            suggestion=suggestion,
        )
    assert not LedgerItem.objects.exists()


def test_an_overdue_micro_suggestion_reminds_staff_and_government(world):
    item = services.item_create(
        actor=world.users["staff"],
        project=None,
        township=world.township,
        title="路灯不亮",
        department="镇建设办",
        deadline=_deadline(1),
    )
    services.reminders_send(today=_deadline(3))
    users = set(
        Notification.objects.filter(kind="item_overdue", key=f"item_overdue:{item.pk}").values_list(
            "user__username", flat=True
        )
    )
    assert users == {"staff_a", "gov_a"}
    item.refresh_from_db()
    assert item.escalated_at is not None


def test_a_reception_matter_becomes_a_micro_suggestion_without_a_project(world):
    station = LiaisonStation.objects.create(township=world.township, name="东河村联络站")
    reception = station_services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=timezone.localdate(),
        deputies=[world.deputy],
        matters=[
            station_services.Matter(
                title="护栏缺失",
                content="东河桥护栏缺失",
                route="micro",
                department="镇交通办",
                deadline=_deadline(),
            )
        ],
    )
    item = reception.matters.get().ledger_item
    assert (item.project, item.township, item.status) == (None, world.township, "handed_over")
    assert item.suggestion.title == "护栏缺失"


def test_notify_is_once_per_user_key_and_day(world):
    user = world.users["deputy"]
    kwargs = dict(kind="duty_day", key="duty_day:1", subject="接待日", url="/stations/my/")
    assert services.notify(users=[user], **kwargs) == 1
    assert services.notify(users=[user], **kwargs) == 0
    assert services.notify(users=[user], day=_deadline(1), **kwargs) == 1
    note = Notification.objects.filter(user=user).first()
    with translation.override("en"):
        assert note.get_kind_display() == "Reception day reminder"
    with pytest.raises(ValueError):
        services.notify(users=[user], kind="nonsense", key="x", subject="x")
