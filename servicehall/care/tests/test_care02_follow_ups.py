"""CARE02: follow-up calls. An order of a business followed up waits in the service staff's queue from its
due day; the number to call is masked until shown (logged); a reached customer closes it, one not reached is
tried again on another day, three times at most."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from servicehall.care import services
from servicehall.care.models import FollowUpCall, FollowUpOutcome
from servicehall.catalog.services import pack_load
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.customers.models import PersonalDataAccess
from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import business, customer, processed, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(world) -> FollowUpTask:
    """A new number opened for 张三 (13812345678), followed up 7 days later."""
    return _followed_up(world, business(world, follow_up_days=7))


def _followed_up(world, business_type) -> FollowUpTask:
    order = processed(world, business_type, person=customer(world))
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    assert reload(order).status == OrderStatus.FOLLOW_UP
    return FollowUpTask.objects.get(order=order)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queue_url(world) -> str:
    return reverse("care:follow_ups", kwargs={"hall": world.hall.code})


def test_care02_the_call_back_is_in_the_queue_from_its_day_with_the_phone_masked_and_the_phrases(world, follow_up):
    pack_load(hall=world.hall, code="telecom")
    manager = signed_in(world.manager)
    today = manager.get(queue_url(world)).content.decode()
    assert f'data-testid="follow-up-{follow_up.order.number}"' not in today  # due in 7 days
    with time_machine.travel(follow_up.due_at + dt.timedelta(minutes=1)):
        response = signed_in(world.manager).get(queue_url(world))  # a new day, a new sign-in
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
    assert f'data-testid="follow-up-{follow_up.order.number}"' in page
    assert "138****5678" in page and "13812345678" not in page
    assert "A few days ago you came to us for" in page  # the pack's follow-up phrase
    with time_machine.travel(follow_up.due_at + dt.timedelta(days=2)):
        late = signed_in(world.manager).get(queue_url(world)).content.decode()
    assert "1 call-back is overdue." in late


def test_care02_a_fault_found_on_the_call_is_reported_as_a_repair_in_one_click(world, follow_up):
    from servicehall.orders.models import WorkOrder
    from servicehall.orders.tests.telecom_helpers import held_service

    pack_load(hall=world.hall, code="telecom")
    service = held_service(follow_up.order.customer, kind="broadband", number="BB021000777")
    WorkOrder.objects.filter(pk=follow_up.order_id).update(service=service)
    record_url = reverse("care:follow_up_record", kwargs={"hall": world.hall.code, "task": follow_up.pk})
    with time_machine.travel(follow_up.due_at + dt.timedelta(minutes=1)):
        manager = signed_in(world.manager)
        page = manager.get(queue_url(world)).content.decode()
        assert 'data-testid="follow-up-repair"' in page and "Record and report a fault" in page
        response = manager.post(record_url, {"outcome": "problem", "note": "宽带晚上经常断线", "then": "repair"})
        repairs_url = reverse("orders:repairs", kwargs={"hall": world.hall.code})
        assert response.status_code == 302 and response["Location"] == f"{repairs_url}?service={service.pk}"
        form = manager.get(response["Location"]).content.decode()
    assert 'data-testid="repair-open"' in form and "Broadband down" in form
    assert FollowUpCall.objects.get(task=follow_up).outcome == FollowUpOutcome.PROBLEM


def test_care02_no_repair_button_for_an_order_without_a_repairable_service(world, follow_up):
    pack_load(hall=world.hall, code="telecom")
    with time_machine.travel(follow_up.due_at + dt.timedelta(minutes=1)):
        page = signed_in(world.manager).get(queue_url(world)).content.decode()
    assert f'data-testid="follow-up-{follow_up.order.number}"' in page
    assert 'data-testid="follow-up-repair"' not in page


def test_care02_show_the_number_to_call_is_logged(world, follow_up):
    manager = signed_in(world.manager)
    url = reverse("care:follow_up_phone", kwargs={"hall": world.hall.code, "task": follow_up.pk})
    shown = manager.post(url, headers={"HX-Request": "true"})
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.field) == (world.manager, "phone")
    assert follow_up.order.number in access.reason


def test_care02_a_reached_customer_closes_the_follow_up_and_the_order(world, follow_up):
    manager = signed_in(world.manager)
    record = reverse("care:follow_up_record", kwargs={"hall": world.hall.code, "task": follow_up.pk})
    refused = manager.post(record, {"outcome": ""}, follow=True)
    assert "Choose how the call went." in refused.content.decode()
    done = manager.post(record, {"outcome": FollowUpOutcome.SATISFIED, "note": "网速很好"}, follow=True)
    assert f"Order {follow_up.order.number}: Reached, satisfied." in done.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpTask.Status.DONE
    assert reload(follow_up.order).status == OrderStatus.CLOSED


def test_care02_not_reached_is_tried_on_three_different_days_then_closed_as_unreachable(world, follow_up):
    start = follow_up.due_at
    for day in range(3):
        with time_machine.travel(start + dt.timedelta(days=day, hours=1)):
            services.follow_up_record(task=follow_up, actor=world.manager, outcome=FollowUpOutcome.NOT_REACHED)
            if day == 0:
                with pytest.raises(Conflict) as same_day:
                    services.follow_up_record(task=follow_up, actor=world.manager, outcome=FollowUpOutcome.NOT_REACHED)
                assert same_day.value.code == "tried_today"
        follow_up.refresh_from_db()
        expected = FollowUpTask.Status.DONE if day == 2 else FollowUpTask.Status.OPEN
        assert follow_up.status == expected
        if day < 2:
            assert follow_up.due_at > start + dt.timedelta(days=day, hours=1)  # due again the next day
    assert FollowUpCall.objects.filter(task=follow_up).count() == 3
    assert reload(follow_up.order).status == OrderStatus.CLOSED
    assert "Not reachable after three calls." in follow_up.note
    with pytest.raises(Conflict):
        services.follow_up_record(task=follow_up, actor=world.manager, outcome=FollowUpOutcome.SATISFIED)


def test_care02_only_the_service_staff_of_the_hall_make_follow_up_calls(world, other_world, follow_up):
    assert signed_in(world.clerk).get(queue_url(world)).status_code == 403
    record = reverse("care:follow_up_record", kwargs={"hall": world.hall.code, "task": follow_up.pk})
    assert signed_in(other_world.manager).post(record, {"outcome": "satisfied"}).status_code == 404
    with pytest.raises(Forbidden):
        services.follow_up_record(task=follow_up, actor=world.clerk, outcome=FollowUpOutcome.SATISFIED)
    with pytest.raises(Unprocessable):
        services.follow_up_record(task=follow_up, actor=world.manager, outcome="maybe")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpTask.Status.OPEN
    assert timezone.now() < follow_up.due_at


def test_care02_the_demo_hall_has_a_follow_up_call_due_this_morning():
    """The demo's repair fixed and confirmed yesterday: its call-back waits on the service manager's queue."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    task = FollowUpTask.objects.get(order__hall__code="demo")
    assert task.status == FollowUpTask.Status.OPEN and task.due_at <= timezone.now()
    page = signed_in(get_user_model().objects.get(username="service1"))
    html = page.get(reverse("care:follow_ups", kwargs={"hall": "demo"})).content.decode()
    assert f'data-testid="follow-up-{task.order.number}"' in html


def test_care02_the_service_manager_who_makes_the_calls_sees_the_number_to_call(world, follow_up):
    from servicehall.org.roles import Role
    from testsupport.world import make_member

    caller = make_member(world.hall, Role.SERVICE_MANAGER)
    with time_machine.travel(follow_up.due_at + dt.timedelta(minutes=1)):
        page = signed_in(caller).get(queue_url(world)).content.decode()
        assert 'data-testid="follow-up-reveal"' in page and "13812345678" not in page
        url = reverse("care:follow_up_phone", kwargs={"hall": world.hall.code, "task": follow_up.pk})
        shown = signed_in(caller).post(url, headers={"HX-Request": "true"})
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    assert PersonalDataAccess.objects.get().actor == caller


def _order_history_notes(world, task: FollowUpTask, language: str) -> list[str]:
    client = signed_in(world.clerk)
    client.cookies["django_language"] = language
    page = client.get(reverse("orders:detail", kwargs={"order_id": task.order_id})).content.decode()
    return re.findall(r'<span class="history-note">([^<]*)</span>', page)


@pytest.mark.parametrize(
    ("written_in", "read_in", "reads"), [("en", "zh-hans", "已联系，客户满意"), ("zh-hans", "en", "Reached, satisfied")]
)
def test_care02_the_outcome_noted_on_the_closed_order_reads_in_the_readers_language(
    world, follow_up, written_in, read_in, reads
):
    """A call recorded without a note closes the order with the outcome as its note, in the language the
    program spoke; the order's history reads it in the reader's. A note the caller typed stays as typed."""
    typed = _followed_up(world, follow_up.order.business_type)
    with translation.override(written_in):
        services.follow_up_record(task=follow_up, actor=world.manager, outcome=FollowUpOutcome.SATISFIED)
        services.follow_up_record(task=typed, actor=world.manager, outcome=FollowUpOutcome.SATISFIED, note="网速很好")
    assert reads in _order_history_notes(world, follow_up, read_in)
    assert "网速很好" in _order_history_notes(world, typed, read_in)
