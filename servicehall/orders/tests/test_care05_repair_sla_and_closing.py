"""CARE05 故障报修, the repair's clock and its end without a fix: a warning before a repair is due, the duty
manager at the due time (an urgent fault at once), the service manager later, all on the console; a manager
closes a repair that will not be done, with the reason; the same fault written down again is the same repair.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from servicehall.catalog.services import pack_load
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.orders.models import InstallationJob, RepairTicket, WorkOrder
from servicehall.orders.selectors import repairs as repair_selectors
from servicehall.orders.services import repairs
from servicehall.orders.states import OrderStatus, RepairLevel
from servicehall.org.roles import Role
from testsupport.world import make_member

from .helpers import customer
from .telecom_helpers import MORNING, held_service, load_telecom
from .test_care05_repairs import dispatched, fault, job_of, opened, report

R = RepairTicket.Status
J = InstallationJob.Status


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


@pytest.fixture
def broadband(world):
    return held_service(customer(world), kind="broadband", number="BB021000123")


def _at(world, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=world.hall.tz)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the clock ---------------------------------------------------------------------------------------


@override_settings(CARE_REPAIR_WARN_HOURS=1, CARE_REPAIR_SECOND_ESCALATION_HOURS=4)
def test_care05_repair_is_warned_then_escalated_to_the_duty_then_the_service_manager(world, broadband):
    # Tuesday 1 December 10:00, broadband down: 8 working hours, due at 18:00 (open 08:30–18:00).
    repair = opened(world, broadband, now=_at(world, 1, 10))
    assert repair.due_at == _at(world, 1, 18) and repair.level == RepairLevel.NONE
    assert repairs.repairs_check(now=_at(world, 1, 16)) == 0  # 2 working hours left: nothing yet
    assert repairs.repairs_check(now=_at(world, 1, 17)) == 1  # 1 working hour left: the warning
    assert repairs.repairs_check(now=_at(world, 1, 17, 30)) == 0  # warned once for this due time
    repair.refresh_from_db()
    assert repair.warned_for == repair.due_at and repair.level == RepairLevel.NONE
    chase = repair_selectors.repairs_to_chase(hall=world.hall, now=_at(world, 1, 17, 30))
    assert [r.pk for r in chase] == [repair.pk]
    assert repair_selectors.repair_view(repair, _at(world, 1, 17, 30))["time_nearly_up"] is True
    assert repairs.repairs_check(now=_at(world, 1, 18)) == 1  # due: the duty manager
    repair.refresh_from_db()
    assert repair.level == RepairLevel.DUTY_MANAGER and repair.escalated_at == _at(world, 1, 18)
    # 4 working hours after the due time: Wednesday 08:30 + 4 h = 12:30, the service manager.
    assert repairs.repairs_check(now=_at(world, 2, 12, 29)) == 0
    assert repairs.repairs_check(now=_at(world, 2, 12, 30)) == 1
    repair.refresh_from_db()
    assert repair.level == RepairLevel.SERVICE_MANAGER
    assert repairs.repairs_check(now=_at(world, 3, 13)) == 0  # nobody above the service manager
    actions = list(AuditEntry.objects.filter(object_id=str(repair.pk)).values_list("action", flat=True))
    assert actions.count("repair.warned") == 1 and actions.count("repair.escalated") == 2


def test_care05_a_fixed_repair_is_not_chased(world, broadband):
    repair = dispatched(world, opened(world, broadband))
    report(world, repair, "fixed")
    assert repairs.repairs_check(now=MORNING + dt.timedelta(days=10)) == 0
    assert repair_selectors.repairs_to_chase(hall=world.hall, now=MORNING + dt.timedelta(days=10)) == []


def test_care05_an_urgent_fault_goes_to_the_duty_manager_at_once(world):
    pack_load(hall=world.hall, code="gas")
    gas = held_service(customer(world), kind="gas", number="GA0001234567")
    leak = fault(world, "gas_leak")
    repair = opened(world, gas, fault_kind=leak, description="厨房有煤气味")
    assert repair.level == RepairLevel.DUTY_MANAGER and repair.escalated_at is not None
    console = _client(world.manager).get(reverse("queueing:manager", kwargs={"hall": world.hall.code}))
    text = console.content.decode()
    assert f'data-testid="console-repair-{repair.pk}"' in text and "已升级至值班经理" in text
    # Its hour passes while the duty manager has it: written once, with the chime.
    assert repairs.repairs_check(now=repair.due_at) == 1
    assert repairs.repairs_check(now=repair.due_at + dt.timedelta(minutes=5)) == 0
    assert AuditEntry.objects.filter(action="repair.time_up", object_id=str(repair.pk)).count() == 1


def test_care05_console_shows_repairs_near_their_time(world, broadband):
    repair = opened(world, broadband, now=_at(world, 1, 10))
    with time_machine.travel(_at(world, 1, 17), tick=False):
        repairs.repairs_check()
        text = _client(world.manager).get(reverse("queueing:manager", kwargs={"hall": world.hall.code})).content
    text = text.decode()
    assert f'data-testid="console-repair-{repair.pk}"' in text and "即将超时" in text


# --- closing without a fix ---------------------------------------------------------------------------


def test_care05_manager_closes_a_repair_without_a_fix(world, broadband):
    repair = dispatched(world, opened(world, broadband))
    assert job_of(repair).status == J.SCHEDULED
    with pytest.raises(Forbidden):
        repairs.repair_close(repair=repair, actor=world.clerk, reason="not_ours", note="客户自购路由器故障")
    with pytest.raises(Unprocessable):
        repairs.repair_close(repair=repair, actor=world.manager, reason="not_ours", note="  ")
    with pytest.raises(Unprocessable):
        repairs.repair_close(repair=repair, actor=world.manager, reason="because", note="客户自购路由器故障")
    assert RepairTicket.objects.get(pk=repair.pk).status == R.DISPATCHED
    closed = repairs.repair_close(repair=repair, actor=world.manager, reason="not_ours", note="客户自购路由器故障")
    assert closed.status == R.CLOSED and closed.close_reason == "not_ours" and closed.closed_at is not None
    assert job_of(repair) is None or job_of(repair).status == J.CANCELLED
    assert InstallationJob.objects.get(order=repair.order).status == J.CANCELLED
    order = WorkOrder.objects.get(pk=repair.order_id)
    assert order.status == OrderStatus.WITHDRAWN and order.closed_at is not None
    with pytest.raises(Conflict):  # closed is the end
        repairs.repair_close(repair=repair, actor=world.manager, reason="withdrawn", note="再次关闭")
    assert repairs.repairs_check(now=MORNING + dt.timedelta(days=10)) == 0


def test_care05_service_manager_may_close_a_repair(world, broadband):
    service_manager = make_member(world.hall, Role.SERVICE_MANAGER, "smanager_close")
    repair = opened(world, broadband)
    closed = repairs.repair_close(repair=repair, actor=service_manager, reason="withdrawn", note="客户来电撤销报修")
    assert closed.status == R.CLOSED
    assert WorkOrder.objects.get(pk=repair.order_id).status == OrderStatus.WITHDRAWN


def test_care05_a_fixed_repair_is_not_closed_without_a_fix(world, broadband):
    repair = report(world, dispatched(world, opened(world, broadband)), "fixed")
    with pytest.raises(Conflict):
        repairs.repair_close(repair=repair, actor=world.manager, reason="withdrawn", note="客户撤销")


def test_care05_close_on_the_repair_page_in_chinese(world, broadband):
    repair = opened(world, broadband)
    url = reverse("orders:repair", kwargs={"hall": world.hall.code, "repair_id": repair.pk})
    assert 'data-testid="repair-close"' not in _client(world.clerk).get(url).content.decode()
    manager = _client(world.manager)
    page = manager.get(url).content.decode()
    assert 'data-testid="repair-close"' in page and "客户自有设备故障" in page
    close_url = reverse("orders:repair_close", kwargs={"hall": world.hall.code, "repair_id": repair.pk})
    bad = manager.post(close_url, {"reason": "not_ours", "note": ""})
    assert bad.status_code == 422 and "请写下与客户商定的处理" in bad.content.decode()
    assert _client(world.clerk).post(close_url, {"reason": "not_ours", "note": "x"}).status_code == 403
    done = manager.post(close_url, {"reason": "not_ours", "note": "客户自购路由器故障"})
    text = done.content.decode()
    assert done.status_code == 200 and 'data-testid="repair-closed"' in text and "客户自有设备故障" in text
    assert RepairTicket.objects.get(pk=repair.pk).status == R.CLOSED


# --- the same fault again -----------------------------------------------------------------------------


def test_care05_the_same_fault_sent_again_with_a_new_key_is_the_same_repair(world, broadband):
    client = _client(world.clerk)
    url = reverse("orders:repair_open", kwargs={"hall": world.hall.code})
    form = {"service": broadband.pk, "fault_kind": fault(world).pk, "description": "光猫红灯"}
    first = client.post(url, {**form, "request_key": "first-key"})
    again = client.post(url, {**form, "request_key": "key-after-the-back-button"})
    assert RepairTicket.objects.count() == 1 and WorkOrder.objects.count() == 1
    assert first.status_code == again.status_code == 302 and again["Location"].endswith("?repeated=1")
    page = client.get(again["Location"]).content.decode()
    assert "这一故障已经登记" in page
    # Another fault of the same service, or the same words later on, is a new repair.
    with time_machine.travel(MORNING + dt.timedelta(minutes=11), tick=False):
        client.post(url, {**form, "request_key": "later"})
    assert RepairTicket.objects.count() == 2


def test_care05_fault_kind_admin_names_the_service_not_its_code(world):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root_faults", password="x-long-password-1")
    client = Client()
    client.force_login(admin_user)
    kind = fault(world)
    page = client.get(reverse("admin:catalog_faultkind_change", args=[kind.pk])).content.decode()
    assert '<div class="readonly">宽带</div>' in page and ">broadband<" not in page
    listing = client.get(reverse("admin:catalog_faultkind_changelist")).content.decode()
    assert '<td class="field-service">宽带</td>' in listing


def test_care05_a_repairs_order_moves_only_from_the_repair(world, broadband):
    from servicehall.orders.services import order_advance, order_withdraw

    repair = dispatched(world, opened(world, broadband))
    order = WorkOrder.objects.get(pk=repair.order_id)
    with pytest.raises(Conflict) as by_hand:
        order_advance(order=order, to=OrderStatus.CONFIRMATION, actor=world.clerk)
    assert by_hand.value.code == "repair_order" and repair.number in str(by_hand.value.message)
    with pytest.raises(Conflict):
        order_withdraw(order=order, actor=world.clerk, reason="客户不修了")
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.PROCESSING
    fixed = report(world, repair, "fixed")
    assert repairs.repair_confirm(repair=fixed, actor=world.clerk, fixed=True).status == R.CONFIRMED
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.FOLLOW_UP


def test_care05_the_order_page_of_a_repair_sends_the_clerk_to_the_repair(world, broadband):
    repair = opened(world, broadband)
    page = _client(world.clerk).get(reverse("orders:detail", kwargs={"order_id": repair.order_id})).content.decode()
    assert 'data-testid="repair-drives"' in page and repair.number in page
    withdraw_url = reverse("orders:withdraw", kwargs={"order_id": repair.order_id})
    assert 'data-testid="advance"' not in page and withdraw_url not in page and "前往报修单" in page
    repair_url = reverse("orders:repair", kwargs={"hall": world.hall.code, "repair_id": repair.pk})
    assert f'href="{repair_url}"' in page
