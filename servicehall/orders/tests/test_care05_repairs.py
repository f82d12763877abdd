"""CARE05 故障报修: a repair for a customer's service, dispatched as a job with an appointment window, the
technician's result (fixed / not fixed / customer absent), the customer's confirmation and its follow-up
call, the SLA in working hours with overdue repairs listed. Staff of another hall see nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.catalog.models import FaultKind
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.orders.models import FollowUpTask, InstallationJob, RepairTicket, WorkOrder
from servicehall.orders.selectors import repairs as repair_selectors
from servicehall.orders.services import repairs
from servicehall.orders.states import OrderStatus

from .helpers import at_the_appointment, customer
from .telecom_helpers import MORNING, held_service, load_telecom, window

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


def fault(world, code: str = "broadband_down") -> FaultKind:
    return FaultKind.objects.get(hall=world.hall, code=code)


def opened(world, service, **kwargs) -> RepairTicket:
    return repairs.repair_open(
        hall=world.hall,
        actor=world.clerk,
        service=service,
        fault_kind=kwargs.pop("fault_kind", fault(world)),
        description=kwargs.pop("description", "光猫红灯，无法上网"),
        **kwargs,
    )


def appointment(world, days: int = 1) -> dict[str, dt.datetime]:
    return {k: dt.datetime.fromisoformat(v) for k, v in window(world, days=days).items()}


def dispatched(world, repair: RepairTicket, technician: str = "李师傅") -> RepairTicket:
    return repairs.repair_dispatch(repair=repair, actor=world.clerk, technician=technician, **appointment(world))


def job_of(repair: RepairTicket) -> InstallationJob:
    return InstallationJob.objects.filter(order=repair.order, kind="repair").order_by("-id").first()


def report(world, repair: RepairTicket, result: str, note: str = "") -> RepairTicket:
    job = job_of(repair)
    with at_the_appointment(job):
        return repairs.repair_report(repair=repair, actor=world.clerk, result=result, note=note)


# --- the pack ----------------------------------------------------------------------------------------


def test_care05_fault_kinds_come_from_the_pack(world):
    kinds = {k.code: k for k in FaultKind.objects.filter(hall=world.hall)}
    assert {"broadband_down", "broadband_slow", "fixed_line_noise", "fixed_line_no_tone"} <= set(kinds)
    assert kinds["broadband_down"].name_zh == "宽带无法上网" and kinds["broadband_down"].service_kind == "broadband"


def test_care05_gas_pack_has_an_urgent_leak(world):
    from servicehall.catalog.services import pack_load

    pack_load(hall=world.hall, code="gas")
    leak = FaultKind.objects.get(hall=world.hall, code="gas_leak")
    assert leak.urgent and leak.repair_hours == 1 and leak.name_zh == "漏气报修"


# --- the whole way -----------------------------------------------------------------------------------


def test_care05_open_dispatch_fixed_confirmed_makes_a_follow_up_due(world, broadband):
    repair = opened(world, broadband)
    assert repair.status == R.REPORTED and repair.number.startswith("HA-BX20261201-")
    assert repair.order.status == OrderStatus.PROCESSING and repair.order.business_type.code == "fault_report"
    repair = dispatched(world, repair)
    job = job_of(repair)
    assert repair.status == R.DISPATCHED
    assert (job.kind, job.status, job.technician, job.service_id) == ("repair", J.SCHEDULED, "李师傅", broadband.pk)
    repair = report(world, repair, "fixed")
    assert repair.status == R.FIXED and repair.fixed_at is not None
    assert FollowUpTask.objects.filter(order=repair.order).count() == 0
    with time_machine.travel(job.window_end + dt.timedelta(hours=1), tick=False):
        now = dt.datetime.now(dt.UTC)
        repair = repairs.repair_confirm(repair=repair, actor=world.clerk, fixed=True)
    assert repair.status == R.CONFIRMED
    order = WorkOrder.objects.get(pk=repair.order_id)
    assert order.status == OrderStatus.FOLLOW_UP
    task = FollowUpTask.objects.get(order=order)
    assert task.status == FollowUpTask.Status.OPEN
    assert task.due_at == now + dt.timedelta(days=1)


def test_care05_not_fixed_is_dispatched_again_on_the_same_job(world, broadband):
    repair = dispatched(world, opened(world, broadband))
    with pytest.raises(Unprocessable):  # a failed visit says why
        report(world, repair, "not_fixed")
    repair = report(world, repair, "not_fixed", note="需更换光猫")
    assert repair.status == R.NOT_FIXED and job_of(repair).status == J.FAILED
    repair = dispatched(world, repair, technician="赵师傅")
    job = job_of(repair)
    assert repair.status == R.DISPATCHED and repair.dispatches == 2
    assert (job.status, job.technician, job.reschedules) == (J.SCHEDULED, "赵师傅", 1)
    assert InstallationJob.objects.filter(order=repair.order).count() == 1


def test_care05_customer_absent_waits_for_a_new_appointment(world, broadband):
    repair = report(world, dispatched(world, opened(world, broadband)), "customer_absent")
    assert repair.status == R.CUSTOMER_ABSENT and job_of(repair).status == J.ABSENT
    with pytest.raises(Conflict):
        repairs.repair_confirm(repair=repair, actor=world.clerk, fixed=True)
    repair = dispatched(world, repair)
    assert repair.status == R.DISPATCHED and job_of(repair).status == J.SCHEDULED


def test_care05_customer_says_still_broken_reopens_a_new_dispatch(world, broadband):
    repair = report(world, dispatched(world, opened(world, broadband)), "fixed")
    with pytest.raises(Unprocessable):
        repairs.repair_confirm(repair=repair, actor=world.clerk, fixed=False)
    repair = repairs.repair_confirm(repair=repair, actor=world.clerk, fixed=False, note="还是断网")
    assert repair.status == R.NOT_FIXED and repair.fixed_at is None
    repair = dispatched(world, repair)
    assert InstallationJob.objects.filter(order=repair.order, kind="repair").count() == 2
    assert WorkOrder.objects.get(pk=repair.order_id).status == OrderStatus.PROCESSING


def test_care05_the_jobs_screen_report_moves_the_repair(world, broadband):
    from servicehall.orders.services import installation_jobs

    repair = dispatched(world, opened(world, broadband))
    job = job_of(repair)
    with at_the_appointment(job):
        installation_jobs.job_report(job=job, actor=world.clerk, done=True)
    assert RepairTicket.objects.get(pk=repair.pk).status == R.FIXED


# --- the SLA -----------------------------------------------------------------------------------------


def test_care05_due_time_counts_working_hours_across_the_weekend(world, broadband):
    # Friday 4 December 2026, 16:00 in Shanghai; the hall is open 08:30–18:00; 8 working hours:
    # 2 on Friday, then Monday 08:30 + 6 h = 14:30.
    friday = dt.datetime(2026, 12, 4, 16, 0, tzinfo=world.hall.tz)
    repair = opened(world, broadband, now=friday)
    assert repair.due_at == dt.datetime(2026, 12, 7, 14, 30, tzinfo=world.hall.tz)


def test_care05_overdue_repairs_are_listed_for_the_duty_manager(world, broadband):
    late = opened(world, broadband, now=MORNING - dt.timedelta(days=7))
    fresh = opened(world, broadband)
    overdue = repair_selectors.repairs_overdue(hall=world.hall, now=MORNING)
    assert [r.pk for r in overdue] == [late.pk]
    assert repair_selectors.repair_view(late, MORNING)["overdue"] is True
    assert repair_selectors.repair_view(fresh, MORNING)["overdue"] is False


# --- bad input, scoping, double submit ------------------------------------------------------------


def test_care05_bad_input_is_refused_and_nothing_written(world, broadband):
    with pytest.raises(Unprocessable):
        opened(world, broadband, description="   ")
    with pytest.raises(Unprocessable):
        opened(world, broadband, fault_kind=fault(world, "fixed_line_noise"))
    with pytest.raises(Unprocessable):
        opened(world, broadband, fault_kind=None)
    assert not RepairTicket.objects.exists() and not WorkOrder.objects.exists()
    repair = opened(world, broadband)
    with pytest.raises(Unprocessable):
        repairs.repair_dispatch(repair=repair, actor=world.clerk, technician="", **appointment(world))
    with pytest.raises(Unprocessable):
        repairs.repair_dispatch(repair=repair, actor=world.clerk, technician="李师傅", **appointment(world, days=-1))
    assert not InstallationJob.objects.exists()
    assert RepairTicket.objects.get(pk=repair.pk).status == R.REPORTED


def test_care05_another_halls_service_is_not_found(world, other_world):
    stranger = customer(other_world)
    assert stranger.company_id != world.hall.company_id
    service = held_service(stranger, kind="broadband", number="BB021000999")
    with pytest.raises(NotFound):
        opened(world, service)


def test_care05_same_request_key_opens_once(world, broadband):
    first = opened(world, broadband, request_key="k-123")
    again = opened(world, broadband, request_key="k-123")
    assert first.pk == again.pk
    assert RepairTicket.objects.count() == 1 and WorkOrder.objects.count() == 1


# --- pages and API -----------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_care05_repairs_screen_marks_overdue_and_opens_from_the_service(world, broadband):
    client = _client(world.clerk)
    url = reverse("orders:repairs", kwargs={"hall": world.hall.code})
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        reverse("orders:repair_open", kwargs={"hall": world.hall.code}),
        {
            "service": broadband.pk,
            "fault_kind": fault(world).pk,
            "description": "光猫红灯",
            "request_key": "abc",
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("orders:repair_open", kwargs={"hall": world.hall.code}),
        {"service": broadband.pk, "fault_kind": fault(world).pk, "description": "光猫红灯", "request_key": "abc"},
    )
    assert RepairTicket.objects.count() == 1
    repair = RepairTicket.objects.get()
    RepairTicket.objects.filter(pk=repair.pk).update(due_at=MORNING - dt.timedelta(hours=1))
    text = client.get(url).content.decode()
    # The staff pages speak Chinese by default.
    assert repair.number in text and 'data-testid="overdue-' in text and "逾期" in text and "宽带无法上网" in text
    assert broadband.customer.phone not in text


def test_care05_bad_form_is_422_and_writes_nothing(world, broadband, english_site):
    client = _client(world.clerk)
    response = client.post(
        reverse("orders:repair_open", kwargs={"hall": world.hall.code}),
        {"service": broadband.pk, "fault_kind": fault(world).pk, "description": ""},
    )
    assert response.status_code == 422
    assert "Write down what the customer says is wrong." in response.content.decode()
    response = client.post(
        reverse("orders:repair_open", kwargs={"hall": world.hall.code}),
        {"service": "x", "fault_kind": "y", "description": "z"},
    )
    assert response.status_code in (404, 422)
    assert not RepairTicket.objects.exists()


def test_care05_another_halls_repair_is_404(world, other_world, broadband):
    repair = opened(world, broadband)
    client = _client(other_world.clerk)
    page = client.get(reverse("orders:repair", kwargs={"hall": world.hall.code, "repair_id": repair.pk}))
    assert page.status_code in (403, 404)
    page = client.get(reverse("orders:repair", kwargs={"hall": other_world.hall.code, "repair_id": repair.pk}))
    assert page.status_code == 404
    api = APIClient()
    api.force_authenticate(other_world.clerk)
    assert api.get(f"/api/v1/repairs/{repair.pk}").status_code == 404
    assert api.get(f"/api/v1/halls/{world.hall.code}/repairs").status_code in (403, 404)


def test_care05_api_lists_and_opens_repairs_masked(world, broadband):
    api = APIClient()
    api.force_authenticate(world.clerk)
    url = f"/api/v1/halls/{world.hall.code}/repairs"
    response = api.post(
        url,
        {
            "service": broadband.pk,
            "fault_kind": "broadband_down",
            "description": "断网",
            "request_key": "api-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reported"
    listed = api.get(url)
    assert listed.status_code == 200
    body = listed.content.decode()
    assert response.json()["number"] in body and broadband.customer.phone not in body
    bad = api.post(url, {"service": broadband.pk}, format="json")
    assert bad.status_code in (400, 422)
    assert RepairTicket.objects.count() == 1
    again = api.post(
        url,
        {"service": broadband.pk, "fault_kind": "broadband_down", "description": "断网", "request_key": "api-1"},
        format="json",
    )
    assert again.json()["id"] == response.json()["id"] and RepairTicket.objects.count() == 1
    one = api.get(f"/api/v1/repairs/{response.json()['id']}")
    assert one.status_code == 200 and one.json()["customer"]["phone"] == "138****5678"


def test_care05_customer_page_reports_a_fault_and_console_shows_overdue(world, broadband):
    client = _client(world.clerk)
    page = client.get(
        reverse("customers:detail", kwargs={"customer_id": broadband.customer_id}), {"hall": world.hall.code}
    )
    text = page.content.decode()
    assert page.status_code == 200
    link = f"{reverse('orders:repairs', kwargs={'hall': world.hall.code})}?service={broadband.pk}"
    assert link in text
    form = client.get(link).content.decode()
    assert 'data-testid="repair-open"' in form and "宽带无法上网" in form and "固话杂音" not in form
    late = opened(world, broadband, now=MORNING - dt.timedelta(days=7))
    console = _client(world.manager).get(reverse("queueing:manager", kwargs={"hall": world.hall.code}))
    assert f'data-testid="console-repair-{late.pk}"' in console.content.decode()


def test_care05_customer_absent_on_the_jobs_screen_and_api(world, broadband):
    repair = dispatched(world, opened(world, broadband))
    job = job_of(repair)
    client = _client(world.clerk)
    jobs_page = client.get(reverse("orders:jobs", kwargs={"hall": world.hall.code})).content.decode()
    assert f'data-testid="job-absent-{job.pk}"' in jobs_page
    response = client.post(
        reverse("orders:job_report", kwargs={"hall": world.hall.code, "job_id": job.pk}), {"result": "absent"}
    )
    assert response.status_code == 200
    assert RepairTicket.objects.get(pk=repair.pk).status == R.CUSTOMER_ABSENT
    repair = dispatched(world, RepairTicket.objects.get(pk=repair.pk))
    api = APIClient()
    api.force_authenticate(world.clerk)
    answer = api.post(f"/api/v1/jobs/{job.pk}/report", {"done": False, "absent": True}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "absent"
    assert RepairTicket.objects.get(pk=repair.pk).status == R.CUSTOMER_ABSENT
