"""Telecom business actions (BT01–BT09, PRIV03's password reset) through the work order's steps.

The telecom pack is loaded into hall ha. Each test walks a real order to
processing, runs the business action and checks what became of the customer's
services; undo is 退受理 where the pack allows it; refusals are 4xx that leave
the order at processing with nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from servicehall.core.errors import ApplicationError, Conflict, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.customers.models import (
    Customer,
    NumberPoolEntry,
    Service,
    ServiceOwnerChange,
    ValueAddedService,
)
from servicehall.customers.services import service_package_changes_apply
from servicehall.orders import selectors, services
from servicehall.orders.models import CustomerDataChange, FeeLine, InstallationJob, OrderMove, WorkOrder
from servicehall.orders.services import installation_jobs as jobs

from .helpers import at_the_appointment, create, customer, satisfy_acceptance
from .telecom_helpers import (
    MORNING,
    POOL,
    SIM,
    SIM2,
    S,
    at_processing,
    fill_pool,
    held_service,
    installation_details,
    load_telecom,
    pool_status,
    process,
    refresh,
    reload,
    revert,
    settle,
    telecom_business,
    through_acceptance,
    window,
)

D = Decimal


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


def refused_at_processing(order: WorkOrder, world, error=ApplicationError) -> ApplicationError:
    """Processing is refused: the order stays at processing with no fee lines and no move."""
    with pytest.raises(error) as refused:
        process(order, world)
    fresh = reload(order)
    assert fresh.status == S.PROCESSING
    assert not FeeLine.objects.filter(order=order).exists()
    assert not OrderMove.objects.filter(order=order, to_status=S.CONFIRMATION).exists()
    assert fresh.action_result == {}
    return refused.value


# --- BT01 open a mobile number ---------------------------------------------------------------------------


def mobile_details(**overrides):
    details = {"package": "mobile_39", "number": POOL[1], "sim_number": SIM}
    details.update(overrides)
    return details


def test_bt01_opening_gives_the_customer_an_active_number_from_the_pool_with_package_and_sim(world):
    fill_pool(world)
    person = customer(world)
    order = create(world, telecom_business(world, "mobile_open"), person=person)
    services.order_set_details(order=order, actor=world.clerk, data=mobile_details())
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.RESERVED
    order = through_acceptance(world, order)
    order = process(order, world)
    service = Service.objects.get(customer=person, kind="mobile")
    assert (service.number, service.status, service.package_code, service.sim_number) == (
        POOL[1],
        Service.Status.ACTIVE,
        "mobile_39",
        SIM,
    )
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.TAKEN
    assert order.service_id == service.pk
    assert "138****0002" in order.action_result["summary_zh"]
    assert "Enjoy 39" in order.action_result["summary_en"]
    stored = json.dumps(order.action_result, ensure_ascii=False)
    assert POOL[1] not in stored and SIM not in stored


def test_bt01_an_api_order_with_details_but_no_held_number_takes_it_at_processing(world):
    fill_pool(world)
    order = at_processing(world, "mobile_open", details={"package": "mobile_19", "number": "", "sim_number": SIM})
    order = process(order, world)
    assert order.service.number == POOL[0]
    assert pool_status(world, POOL[0]) == NumberPoolEntry.Status.TAKEN


def test_bt01_revert_cancels_the_number_and_puts_it_back_in_the_pool(world):
    fill_pool(world)
    order = process(at_processing(world, "mobile_open", details=mobile_details()), world)
    order = revert(order, world)
    assert order.status == S.REVERTED
    assert refresh(order.service).status == Service.Status.CANCELLED
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.FREE


def test_bt01_no_free_number_is_refused_with_nothing_written(world):
    order = at_processing(world, "mobile_open", details=mobile_details(number=""))
    error = refused_at_processing(order, world, Conflict)
    assert error.code == "pool_empty"
    assert not Service.objects.filter(kind="mobile").exists()


def test_bt01_a_bad_sim_number_is_refused_naming_the_field(world):
    fill_pool(world)
    for bad in ("1234", "12860012345678901234", "8986001234567890123456", "8986ABCD345678901234"):
        order = at_processing(world, "mobile_open", details=mobile_details(sim_number=bad))
        error = refused_at_processing(order, world, Unprocessable)
        assert error.extra["field"] == "sim_number"
        assert "ICCID" in str(error.message)
    assert not Service.objects.filter(kind="mobile").exists()
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.FREE


def test_bt01_a_number_held_by_another_order_cannot_be_chosen(world):
    fill_pool(world)
    first = create(world, telecom_business(world, "mobile_open"), person=customer(world))
    services.order_set_details(order=first, actor=world.clerk, data=mobile_details())
    second = create(world, telecom_business(world, "mobile_open"), person=customer(world, "李四"), clerk=world.clerk2)
    with pytest.raises(Unprocessable) as refused:
        services.order_set_details(order=second, actor=world.clerk2, data=mobile_details(sim_number=SIM2))
    assert refused.value.extra["field"] == "number"
    with pytest.raises(Conflict):
        services.order_hold_number(order=second, actor=world.clerk2, number=POOL[1])
    assert reload(second).details == {}
    late = at_processing(world, "mobile_open", details=mobile_details(sim_number=SIM2), clerk=world.clerk2)
    assert refused_at_processing(late, world, Unprocessable).extra["field"] == "number"


def test_bt01_choosing_another_number_or_withdrawing_frees_the_held_one(world):
    fill_pool(world)
    order = create(world, telecom_business(world, "mobile_open"), person=customer(world))
    services.order_set_details(order=order, actor=world.clerk, data=mobile_details())
    services.order_hold_number(order=order, actor=world.clerk, number=POOL[2])
    assert [pool_status(world, n) for n in POOL] == ["free", "free", "reserved"]
    assert reload(order).reserved_number.number == POOL[2]
    services.order_withdraw(order=order, actor=world.clerk, reason="changed mind")
    assert [pool_status(world, n) for n in POOL] == ["free", "free", "free"]


def test_bt01_a_rejected_order_frees_its_held_number(world):
    fill_pool(world)
    business = telecom_business(world, "mobile_open")
    business.review_required = True
    business.save()
    order = create(world, business, person=customer(world))
    services.order_set_details(order=order, actor=world.clerk, data=mobile_details())
    order = services.order_advance(order=order, to=S.CONSULTATION, actor=world.clerk)
    order = services.order_advance(order=order, to=S.ACCEPTANCE, actor=world.clerk)
    satisfy_acceptance(order, world.clerk)
    order = services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)
    services.order_review(order=order, actor=world.manager, approve=False, reason="blacklisted")
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.FREE


# --- BT02 / BT03 broadband and fixed line with an installation job -----------------------------------------


def test_bt02_broadband_opening_books_a_job_and_the_service_is_active_once_it_is_done(world):
    person = customer(world)
    order = process(at_processing(world, "broadband_open", person=person, details=installation_details(world)), world)
    service = Service.objects.get(customer=person, kind="broadband")
    assert service.status == Service.Status.PENDING
    assert (service.package_code, service.address_region) == ("broadband_1000m", "上海市浦东新区")
    job = InstallationJob.objects.get(order=order)
    assert (job.kind, job.status, job.technician, job.service_id) == (
        "broadband_install",
        "scheduled",
        "王师傅",
        service.pk,
    )
    local_start = job.window_start.astimezone(world.hall.tz)
    assert (local_start.date(), local_start.hour, (job.window_end - job.window_start).seconds) == (
        dt.date(2026, 12, 2),
        9,
        3 * 3600,
    )
    assert order.work_pending is True
    assert order.fee_total == D("100.00")
    assert "张杨路" not in json.dumps(order.action_result, ensure_ascii=False)
    assert "2026-12-02 09:00" in order.action_result["summary_en"]
    order = settle(order, world)
    assert order.pk in [o.pk for o in selectors.orders_unfinished(hall=world.hall)]
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk2, done=True, note="fibre connected")
    assert refresh(service).status == Service.Status.ACTIVE
    assert reload(order).work_pending is False
    assert order.pk not in [o.pk for o in selectors.orders_unfinished(hall=world.hall)]


def test_bt02_a_failed_job_keeps_the_order_unfinished_until_rescheduled_and_done(world):
    order = process(at_processing(world, "broadband_open", details=installation_details(world)), world)
    order = settle(order, world)
    job = InstallationJob.objects.get(order=order)
    jobs.job_report(job=job, actor=world.clerk, done=False, note="nobody home")
    assert reload(order).work_pending is True
    assert order.pk in [o.pk for o in selectors.orders_unfinished(hall=world.hall)]
    assert refresh(order.service).status == Service.Status.PENDING
    later = window(world, days=3)
    job = jobs.job_reschedule(
        job=job,
        actor=world.clerk,
        window_start=dt.datetime.fromisoformat(later["window_start"]),
        window_end=dt.datetime.fromisoformat(later["window_end"]),
    )
    assert (job.status, job.reschedules, job.window_start.astimezone(world.hall.tz).day) == ("scheduled", 1, 4)
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    assert refresh(order.service).status == Service.Status.ACTIVE
    assert reload(order).work_pending is False


def test_bt02_an_appointment_in_the_past_is_refused_with_nothing_written(world):
    yesterday = window(world, days=-1)
    order = at_processing(world, "broadband_open", details=installation_details(world, **yesterday))
    error = refused_at_processing(order, world, Unprocessable)
    assert error.extra["field"] == "window_start"
    assert "future" in str(error.message)
    assert not Service.objects.filter(kind="broadband").exists()
    assert not InstallationJob.objects.exists()
    backwards = installation_details(world, window_end=window(world)["window_start"])
    backwards["window_start"] = window(world, start_hour=12)["window_start"]
    order = at_processing(world, "broadband_open", details=backwards)
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "window_end"


def test_bt02_missing_inputs_are_refused_naming_the_field(world):
    details = installation_details(world)
    del details["address_detail"]
    order = at_processing(world, "broadband_open", details=details)
    error = refused_at_processing(order, world, Unprocessable)
    assert error.extra["field"] == "address_detail"
    assert str(error.message).startswith("Street address:")


def test_bt02_revert_calls_off_the_job_and_cancels_the_service(world):
    order = process(at_processing(world, "broadband_open", details=installation_details(world)), world)
    order = revert(order, world)
    job = InstallationJob.objects.get(order=order)
    assert job.status == InstallationJob.Status.CANCELLED
    assert refresh(order.service).status == Service.Status.CANCELLED
    assert order.work_pending is False
    with pytest.raises(Conflict):
        jobs.job_report(job=job, actor=world.clerk, done=True)


def test_bt03_fixed_line_opening_takes_the_assigned_number_and_books_its_installation(world):
    details = installation_details(world, package="fixed_basic", number="021 6888 1234")
    order = process(at_processing(world, "fixed_line_open", details=details), world)
    service = order.service
    assert (service.kind, service.number, service.status) == ("fixed_line", "02168881234", "pending")
    assert InstallationJob.objects.get(order=order).kind == "fixed_line_install"
    assert "021****1234" in order.action_result["summary_en"]
    assert order.fee_total == D("50.00")


def test_bt03_a_bad_or_mobile_fixed_line_number_is_refused(world):
    for bad in ("12345", "13912345678"):
        details = installation_details(world, package="fixed_basic", number=bad)
        order = at_processing(world, "fixed_line_open", details=details)
        assert refused_at_processing(order, world, Unprocessable).extra["field"] == "number"
    details = installation_details(world, package="broadband_300m", number="02168881234")
    order = at_processing(world, "fixed_line_open", details=details)
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "package"


# --- BT04 value-added services ---------------------------------------------------------------------------


def test_bt04_subscribing_twice_is_refused_and_revert_ends_the_subscription(world):
    person = customer(world)
    number = held_service(person)
    order = process(at_processing(world, "value_added", service=number, details={"extra": "data_10g"}), world)
    extra = ValueAddedService.objects.get(service=number, code="data_10g")
    assert extra.active is True
    assert "139****1111" in order.action_result["summary_zh"]
    again = at_processing(world, "value_added", service=number, details={"extra": "data_10g"})
    assert refused_at_processing(again, world, Conflict).code == "already_subscribed"
    assert ValueAddedService.objects.filter(service=number).count() == 1
    revert(order, world)
    extra.refresh_from_db()
    assert extra.active is False and extra.ended_at is not None


def test_bt04_an_offer_for_another_kind_of_service_is_refused(world):
    number = held_service(customer(world))
    order = at_processing(world, "value_added", service=number, details={"extra": "iptv"})
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "extra"
    assert not ValueAddedService.objects.exists()


def test_bt04_cancelling_ends_an_active_service_only_and_revert_restores_it(world):
    number = held_service(customer(world))
    order = at_processing(world, "value_added_cancel", service=number, details={"extra": "caller_id"})
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "extra"
    active = ValueAddedService.objects.create(service=number, code="caller_id", started_at=MORNING)
    order = process(order, world)
    active.refresh_from_db()
    assert active.active is False
    assert "Caller ID" in order.action_result["summary_en"]
    revert(order, world)
    active.refresh_from_db()
    assert active.active is True and active.ended_at is None


# --- BT05 customer data change -----------------------------------------------------------------------------


def test_bt05_data_change_keeps_old_and_new_values_masked_on_the_order_in_full_on_its_change_rows(world):
    person = customer(world, phone="13812345678")
    person.address_region, person.address_detail = "上海市黄浦区", "南京东路1号"
    person.save()
    details = {"phone": "139 8765 4321", "address_region": "上海市浦东新区", "address_detail": "世纪大道100号"}
    order = process(at_processing(world, "data_change", person=person, details=details), world)
    person.refresh_from_db()
    assert (person.phone, person.address_region, person.address_detail) == (
        "13987654321",
        "上海市浦东新区",
        "世纪大道100号",
    )
    fields = order.action_result["fields"]
    assert fields["phone"] == {"old": "138****5678", "new": "139****4321"}
    assert fields["address_detail"] == {"old": "****", "new": "****"}
    stored = json.dumps(order.action_result, ensure_ascii=False)
    assert "13812345678" not in stored and "南京东路" not in stored and "世纪大道" not in stored
    rows = {r.field: (r.old_value, r.new_value) for r in CustomerDataChange.objects.filter(order=order)}
    assert rows["phone"] == ("13812345678", "13987654321")
    assert rows["address_detail"] == ("南京东路1号", "世纪大道100号")
    audit = json.dumps(list(AuditEntry.objects.values_list("data", flat=True)), ensure_ascii=False)
    assert "13987654321" not in audit and "世纪大道" not in audit
    revert(order, world)
    person.refresh_from_db()
    assert (person.phone, person.address_detail) == ("13812345678", "南京东路1号")
    assert CustomerDataChange.objects.filter(order=order, reverted=True).count() == 3


def test_bt05_no_new_value_or_a_bad_phone_is_refused(world):
    order = at_processing(world, "data_change", details={"phone": ""})
    assert refused_at_processing(order, world, Unprocessable).code == "bad_details"
    order = at_processing(world, "data_change", details={"phone": "12345"})
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "phone"


# --- BT06 transfer of ownership -------------------------------------------------------------------------


def test_bt06_the_new_owner_takes_the_number_with_its_balance_and_the_old_owner_stays_in_history(world):
    owner, new_owner = customer(world), customer(world, "李四", phone="13900000000")
    number = held_service(owner, balance=D("20.00"))
    order = process(at_processing(world, "transfer", service=number, new_owner=new_owner), world)
    number = refresh(number)
    assert (number.customer_id, number.balance) == (new_owner.pk, D("20.00"))
    change = ServiceOwnerChange.objects.get(service=number)
    assert (change.from_customer_id, change.to_customer_id, change.order_id) == (owner.pk, new_owner.pk, order.pk)
    assert "¥20.00" in order.action_result["summary_en"]
    revert(order, world)
    assert refresh(number).customer_id == owner.pk
    assert ServiceOwnerChange.objects.filter(service=number).count() == 2


def test_bt06_arrears_must_be_paid_before_a_transfer(world):
    owner, new_owner = customer(world), customer(world, "李四", phone="13900000000")
    number = held_service(owner, arrears=D("35.50"))
    order = at_processing(world, "transfer", service=number, new_owner=new_owner)
    error = refused_at_processing(order, world, Unprocessable)
    assert (error.code, str(error.message)) == ("arrears", "The arrears of ¥35.50 must be paid first.")
    assert refresh(number).customer_id == owner.pk
    assert not ServiceOwnerChange.objects.exists()


# --- BT07 SIM replacement ---------------------------------------------------------------------------------


def test_bt07_the_new_sim_works_the_old_is_recorded_invalid_the_fee_comes_from_the_business(world):
    number = held_service(customer(world), sim_number=SIM2)
    order = process(at_processing(world, "sim_replace", service=number, details={"sim_number": SIM}), world)
    assert refresh(number).sim_number == SIM
    assert order.action_result["invalidated_sim"] == SIM2
    assert order.action_result["old_sim"] == "8986***********0123"
    assert SIM not in order.action_result["summary_zh"] and SIM2 not in order.action_result["summary_zh"]
    assert order.fee_total == D("10.00")
    with pytest.raises(Unprocessable) as refused:
        services.order_revert(order=order, actor=world.clerk, reason="oops")
    assert refused.value.code == "not_revertible"


def test_bt07_a_bad_or_unchanged_sim_number_is_refused(world):
    number = held_service(customer(world), sim_number=SIM2)
    for bad in ("1234", SIM2):
        order = at_processing(world, "sim_replace", service=number, details={"sim_number": bad})
        assert refused_at_processing(order, world, Unprocessable).extra["field"] == "sim_number"
    assert refresh(number).sim_number == SIM2


# --- BT08 cancellation --------------------------------------------------------------------------------------


def test_bt08_cancellation_needs_paid_arrears_records_the_refund_and_keeps_the_number_out_of_the_pool(world):
    fill_pool(world)
    opened = process(at_processing(world, "mobile_open", details=mobile_details()), world)
    settle(opened, world)
    number = refresh(opened.service)
    Service.objects.filter(pk=number.pk).update(balance=D("12.30"), arrears=D("5.00"))
    ValueAddedService.objects.create(service=number, code="ring_back", started_at=MORNING)
    order = at_processing(world, "cancellation", service=number, person=number.customer)
    error = refused_at_processing(order, world, Unprocessable)
    assert str(error.message) == "The arrears of ¥5.00 must be paid first."
    assert refresh(number).status == Service.Status.ACTIVE
    Service.objects.filter(pk=number.pk).update(arrears=D("0.00"))
    order = process(order, world)
    assert refresh(number).status == Service.Status.CANCELLED
    assert order.action_result["refund_due"] == "12.30"
    assert "¥12.30" in order.action_result["summary_en"] and "refund" in order.action_result["summary_en"]
    assert not ValueAddedService.objects.filter(service=number, active=True).exists()
    assert pool_status(world, POOL[1]) == NumberPoolEntry.Status.TAKEN
    with pytest.raises(Unprocessable):
        services.order_revert(order=order, actor=world.clerk, reason="oops")


# --- BT09 package change --------------------------------------------------------------------------------------


def test_bt09_the_change_waits_for_the_first_of_next_month_and_revert_calls_it_off(world):
    number = held_service(customer(world), package_code="mobile_19")
    order = process(at_processing(world, "package_change", service=number, details={"package": "mobile_59"}), world)
    number = refresh(number)
    assert (number.package_code, number.next_package_code, number.next_package_from) == (
        "mobile_19",
        "mobile_59",
        dt.date(2027, 1, 1),
    )
    assert "2027-01-01" in order.action_result["summary_en"]
    revert(order, world)
    number = refresh(number)
    assert (number.next_package_code, number.next_package_from) == ("", None)


def test_bt09_the_command_switches_on_the_first_in_shanghai_once(world):
    number = held_service(customer(world), package_code="mobile_19")
    order = process(at_processing(world, "package_change", service=number, details={"package": "mobile_59"}), world)
    settle(order, world)
    # 23:59 on 31 December in Shanghai is not yet the first.
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC), tick=False):
        assert service_package_changes_apply() == 0
    assert refresh(number).package_code == "mobile_19"
    # 00:05 on 1 January in Shanghai (still 31 December in UTC).
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 5, tzinfo=dt.UTC), tick=False):
        call_command("apply_package_changes", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert service_package_changes_apply() == 0
    number = refresh(number)
    assert (number.package_code, number.next_package_code, number.next_package_from) == ("mobile_59", "", None)
    with pytest.raises(Conflict) as refused:
        services.order_revert(order=order, actor=world.clerk, reason="too late")
    assert refused.value.code == "package_in_effect"


def test_bt09_the_same_package_or_one_of_another_kind_is_refused(world):
    number = held_service(customer(world), package_code="mobile_19")
    order = at_processing(world, "package_change", service=number, details={"package": "mobile_19"})
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "package"
    order = at_processing(world, "package_change", service=number, details={"package": "broadband_300m"})
    assert refused_at_processing(order, world, Unprocessable).extra["field"] == "package"
    assert refresh(number).next_package_code == ""


# --- service password reset (PRIV03 risky business) -----------------------------------------------------------


def test_priv03_password_reset_is_recorded_without_any_password(world):
    number = held_service(customer(world))
    order = process(at_processing(world, "password_reset", service=number), world)
    assert order.action_result["service_id"] == number.pk
    assert set(order.action_result) == {"service_id", "password_reset_at", "summary_zh", "summary_en"}
    assert AuditEntry.objects.filter(action="service.password_reset", object_id=str(number.pk)).exists()
    assert reload(order).fraud_checked_at is not None


def test_priv03_password_reset_needs_a_service_of_the_owner(world):
    owner = customer(world)
    order = at_processing(world, "password_reset", person=owner)
    assert refused_at_processing(order, world, Unprocessable).code == "service_missing"
    stranger_number = held_service(customer(world, "王五", phone="13900000009"), number="13900002222")
    order = at_processing(world, "password_reset", service=stranger_number)
    Service.objects.filter(pk=stranger_number.pk).update(
        customer=Customer.objects.create(company=owner.company, name="x")
    )
    assert refused_at_processing(order, world, Conflict).code == "owner_changed"


def test_bt02_an_appointment_that_passed_during_review_is_rebooked_at_processing(world):
    business = telecom_business(world, "broadband_open")
    business.review_required = True
    business.save()
    order = create(world, business, person=customer(world), details=installation_details(world))
    with pytest.raises(Conflict):  # not while the duty manager is deciding
        order = services.order_advance(order=order, to=S.CONSULTATION, actor=world.clerk)
        order = services.order_advance(order=order, to=S.ACCEPTANCE, actor=world.clerk)
        satisfy_acceptance(order, world.clerk)
        order = services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)
        services.order_set_details(order=order, actor=world.clerk, data=installation_details(world))
    with time_machine.travel(MORNING + dt.timedelta(days=2), tick=False):
        order = services.order_review(order=order, actor=world.manager, approve=True)
        assert refused_at_processing(order, world, Unprocessable).extra["field"] == "window_start"
        services.order_set_details(order=order, actor=world.clerk, data=installation_details(world))
        order = process(order, world)
    assert InstallationJob.objects.get(order=order).window_start.astimezone(world.hall.tz).day == 4
