"""Gas business actions (BT10–BT14) through the work order's steps, with the gas pack loaded in hall ha.

Each test walks a real order (identity, documents, anti-fraud checklist,
review) to processing, runs the business action and checks what the
customer's household, its user card and the installation jobs became —
and that a refusal (bad input, arrears, unsafe connection) writes nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import BusinessType
from servicehall.catalog.services import pack_load
from servicehall.core.errors import ApplicationError, Conflict, Unprocessable
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import (
    BlacklistedCard,
    CardWrite,
    Customer,
    MeterReading,
    Service,
    ServiceOwnerChange,
)
from servicehall.customers.services import gas_cards as cards
from servicehall.orders import actions, services
from servicehall.orders.handlers import gas
from servicehall.orders.models import FeeLine, InstallationJob, WorkOrder
from servicehall.orders.services import installation_jobs as jobs
from servicehall.orders.states import OrderStatus
from testsupport.customers import GasServiceFactory

from .helpers import at_the_appointment, create, customer, id_document, to_acceptance

S = OrderStatus
D = Decimal


def load_gas(world) -> None:
    pack_load(hall=world.hall, code="gas")


def gas_business(world, code: str) -> BusinessType:
    return BusinessType.objects.get(hall=world.hall, code=code)


def household(person: Customer, **fields: Any) -> Service:
    """An active gas household of the person, with a user card, 35 m³ and ¥120 on it, no arrears."""
    return GasServiceFactory(customer=person, company=person.company, **fields)


def local(moment: dt.datetime, world) -> str:
    """A datetime as the clerk types it into the form: the hall's local time, no offset."""
    return moment.astimezone(world.hall.tz).strftime("%Y-%m-%dT%H:%M")


def window(world, *, days: int = 1, hours: int = 3) -> dict[str, str]:
    start = (timezone.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return {"window_start": local(start, world), "window_end": local(start + dt.timedelta(hours=hours), world)}


def safe_connection_answers(world) -> dict[str, str]:
    checklist = catalog_selectors.checklist_get(hall=world.hall, code="gas_connection")
    return {f"connection_{item['code']}": item["safe_answer"] for item in checklist.items}


def household_details(world, **overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "address_region": "上海市浦东新区",
        "address_detail": "张杨路500弄8号1203室",
        "meter_number": "MTR-20261201",
        "technician": "王师傅",
        "fee_collected_by_estate": False,
        "estate_name": "",
        **window(world),
        **safe_connection_answers(world),
    }
    details.update(overrides)
    return details


SAFE_FRAUD = {
    "remote_instruction": "no",
    "promised_benefit": "no",
    "code_requested": "no",
    "money_to_others": "no",
    "for_yourself": "yes",
}


def through_acceptance(world, order: WorkOrder, *, new_owner: Customer | None = None) -> WorkOrder:
    """Identity, documents, new owner and anti-fraud checklist as the business needs; then on past review."""
    clerk = world.clerk
    order = to_acceptance(order, clerk)
    if order.customer is not None:
        services.order_identity_check(
            order=order, actor=clerk, document=id_document(order.customer), party="owner", method="card_reader"
        )
    if new_owner is not None:
        services.order_set_counterparty(order=order, actor=clerk, counterparty=new_owner)
        services.order_identity_check(
            order=order, actor=clerk, document=id_document(new_owner), party="counterparty", method="visual"
        )
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=clerk)
    if order.business_type.risky:
        services.order_record_fraud_check(order=order, actor=clerk, answers=SAFE_FRAUD)
    if order.business_type.review_required:
        order = services.order_advance(order=order, to=S.REVIEW, actor=clerk)
        return services.order_review(order=order, actor=world.manager, approve=True)
    return services.order_advance(order=order, to=S.PROCESSING, actor=clerk)


def at_processing(world, code: str, *, person=None, service=None, details=None, new_owner=None) -> WorkOrder:
    person = person if person is not None else (service.customer if service is not None else customer(world))
    order = create(world, gas_business(world, code), person=person, service=service, details=details or {})
    return through_acceptance(world, order, new_owner=new_owner)


def process(order: WorkOrder, world) -> WorkOrder:
    """Processing completes: the business action runs."""
    return services.order_advance(order=order, to=S.CONFIRMATION, actor=world.clerk)


def settle(order: WorkOrder, world) -> WorkOrder:
    """The customer confirms and pays (paid elsewhere until the money work)."""
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    if order.status == S.PAYMENT:
        order = services.order_record_payment_elsewhere(order=order, actor=world.clerk, reference="test")
    return reload(order)


def paid_recharge(world, service: Service, amount: str) -> WorkOrder:
    """A recharge processed, confirmed and paid: its card write is ready for the device."""
    return settle(
        process(at_processing(world, "gas_recharge", service=service, details={"amount": amount}), world), world
    )


def reload(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("business_type", "hall", "customer", "service").get(pk=order.pk)


def card_write_of(order: WorkOrder) -> CardWrite:
    return CardWrite.objects.select_related("service", "order", "hall").get(order=order)


def confirmed_purchase(service: Service, world, volume: str) -> CardWrite:
    """A purchase the device confirmed earlier this year (what moves the household up the tiers)."""
    now = timezone.now()
    return CardWrite.objects.create(
        service=service,
        hall=world.hall,
        kind=CardWrite.Kind.PURCHASE,
        card_number=service.card_number,
        volume=Decimal(volume),
        amount=Decimal("0.00"),
        status=CardWrite.Status.CONFIRMED,
        requested_at=now,
        confirmed_at=now,
    )


@pytest.fixture
def gas_world(world):
    load_gas(world)
    return world


def refused(order: WorkOrder, world) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        process(order, world)
    return caught.value


def test_bt10_bt14_every_gas_action_has_a_handler_with_a_details_form():
    for code, form in (
        ("gas_household_open", gas.GasHouseholdOpenForm),
        ("gas_recharge", gas.GasRechargeForm),
        ("gas_card_replace", gas.GasCardReplaceForm),
        ("gas_transfer", gas.GasTransferForm),
        ("gas_cancel", gas.GasCancelForm),
    ):
        handler = actions.handler_for(code)
        assert handler is not actions.RECORD_ONLY, code
        assert getattr(handler, "details_form", None) is form, code
        assert all(field.label for field in form().fields.values()), code


# --- BT10 new household ------------------------------------------------------------------------------


def test_bt10_new_household_is_pending_with_an_installation_job_the_fee_and_a_card_to_write(gas_world):
    world = gas_world
    person = customer(world)
    order = at_processing(world, "gas_new_household", person=person, details=household_details(world))
    order = reload(process(order, world))

    service = order.service
    assert service is not None and service.customer_id == person.pk
    assert (service.kind, service.status) == ("gas", "pending")
    assert (service.address_region, service.address_detail) == ("上海市浦东新区", "张杨路500弄8号1203室")
    assert service.meter_number == "MTR-20261201"
    assert service.card_number.startswith("GC") and len(service.card_number) == 12
    job = InstallationJob.objects.get(order=order)
    assert (job.kind, job.status, job.technician, job.service_id) == ("gas_install", "scheduled", "王师傅", service.pk)
    assert job.window_start.astimezone(world.hall.tz).strftime("%Y-%m-%dT%H:%M") == order.details["window_start"]
    assert [(f.code, f.amount) for f in order.fee_lines.all()] == [("standard_fee", D("300.00"))]
    assert order.fee_total == D("300.00") and order.work_pending
    assert order.action_result["connection_answers"]["not_in_bedroom"] == "no"
    assert "另办充值" in order.action_result["summary_zh"]
    assert "separate recharge" in order.action_result["summary_en"]
    write = card_write_of(order)
    assert (write.kind, write.status, write.card_number) == ("new_card", "pending", service.card_number)
    assert customer_selectors.card_write_waiting_for(write) == "order"


def test_bt10_the_new_card_is_written_only_after_payment_and_the_gas_connection(gas_world):
    world = gas_world
    order = process(at_processing(world, "gas_new_household", details=household_details(world)), world)
    order = settle(order, world)
    assert order.status == S.FOLLOW_UP and order.paid_at is not None
    write = card_write_of(order)
    assert customer_selectors.card_write_waiting_for(write) == "installation"
    with pytest.raises(Conflict, match="not connected yet"):
        cards.card_write_confirm(actor=world.clerk, write=write, device="writer-01")

    job = InstallationJob.objects.get(order=order)
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    order = reload(order)
    assert order.service.status == "active" and not order.work_pending
    write = cards.card_write_confirm(actor=world.clerk, write=card_write_of(order), device="writer-01")
    assert write.status == "confirmed" and write.device == "writer-01"
    assert Service.objects.get(pk=order.service_id).gas_volume == D("0.00")  # a new card carries no gas


def test_bt10_fee_collected_by_the_estate_leaves_nothing_to_pay_and_the_summary_says_so(gas_world):
    world = gas_world
    details = household_details(world, fee_collected_by_estate=True, estate_name="世纪花园")
    order = reload(process(at_processing(world, "gas_new_household", details=details), world))
    assert order.fee_total == D("0.00")
    assert sorted((f.code, f.amount) for f in order.fee_lines.all()) == [
        ("fee_collected_by_estate", D("-300.00")),
        ("standard_fee", D("300.00")),
    ]
    assert "世纪花园物业代收" in order.action_result["summary_zh"]
    assert "collected by the property management of 世纪花园" in order.action_result["summary_en"]
    assert settle(order, world).status == S.FOLLOW_UP  # no payment step


def test_bt10_an_estate_collection_needs_the_estate_named(gas_world):
    world = gas_world
    order = at_processing(world, "gas_new_household", details=household_details(world, fee_collected_by_estate=True))
    error = refused(order, world)
    assert error.status_code == 422 and "Name the estate" in str(error.message)


def _nothing_written(order: WorkOrder) -> None:
    order = reload(order)
    assert order.status == S.PROCESSING and order.action_result == {} and order.fee_total == 0
    assert not FeeLine.objects.filter(order=order).exists()
    assert not InstallationJob.objects.filter(order=order).exists()
    assert not CardWrite.objects.filter(order=order).exists()


def test_bt10_an_unsafe_connection_answer_is_refused_naming_the_item_and_nothing_is_written(gas_world):
    world = gas_world
    details = household_details(world, connection_not_in_bedroom="yes", connection_gas_alarm="no")
    order = at_processing(world, "gas_new_household", details=details)
    error = refused(order, world)
    assert error.status_code == 422
    assert "Is the meter, cooker or water heater in a bedroom" in str(error.message)
    assert "Not safe" in str(error.message)
    assert {"connection_not_in_bedroom", "connection_gas_alarm"} <= set(error.extra["fields"])
    _nothing_written(order)
    assert not Service.objects.filter(kind="gas").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"meter_number": ""}, "Enter the number of the meter"),
        ({"meter_number": "M 1"}, "4 to 32 letters"),
        ({"address_detail": ""}, "street address"),
        ({"technician": ""}, "Name the technician"),
        ({"connection_hose": ""}, "Answer this question"),
        ({"connection_hose": "maybe"}, "Select a valid choice"),
        ({"window_start": "tomorrow"}, "Enter a date and time"),
    ],
)
def test_bt10_bad_application_details_are_refused_with_a_clear_message_and_nothing_is_written(
    gas_world, overrides, message
):
    world = gas_world
    order = at_processing(world, "gas_new_household", details=household_details(world, **overrides))
    error = refused(order, world)
    assert error.status_code == 422 and message in str(error.message)
    _nothing_written(order)


def test_bt10_the_installation_window_must_be_in_the_future_and_end_after_it_starts(gas_world):
    world = gas_world
    past = timezone.now() - dt.timedelta(days=1)
    for bad, message in (
        ({"window_start": local(past, world), "window_end": local(past + dt.timedelta(hours=2), world)}, "future"),
        ({**window(world), "window_end": window(world)["window_start"]}, "end after it starts"),
    ):
        order = at_processing(world, "gas_new_household", details=household_details(world, **bad))
        error = refused(order, world)
        assert error.status_code == 422 and message in str(error.message)
        _nothing_written(order)


def test_bt10_a_meter_already_fitted_at_a_live_household_is_refused(gas_world):
    world = gas_world
    household(customer(world, "李四"), meter_number="MTR-20261201")
    order = at_processing(world, "gas_new_household", details=household_details(world))
    error = refused(order, world)
    assert error.status_code == 422 and "already fitted" in str(error.message)
    _nothing_written(order)


def test_bt10_revert_before_the_connection_cancels_the_household_the_job_and_the_card(gas_world):
    world = gas_world
    order = reload(process(at_processing(world, "gas_new_household", details=household_details(world)), world))
    services.order_revert(order=order, actor=world.clerk, reason="客户改期另办")
    order = reload(order)
    assert order.status == S.REVERTED and not order.work_pending
    assert Service.objects.get(pk=order.service_id).status == "cancelled"
    assert InstallationJob.objects.get(order=order).status == "cancelled"
    write = card_write_of(order)
    assert write.status == "failed"
    with pytest.raises(Conflict):
        cards.card_write_retry(actor=world.clerk, write=write)


def test_bt10_revert_after_the_gas_was_connected_is_refused(gas_world):
    world = gas_world
    order = settle(process(at_processing(world, "gas_new_household", details=household_details(world)), world), world)
    job = InstallationJob.objects.get(order=order)
    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True)
    with pytest.raises(Conflict, match="connected already"):
        services.order_revert(order=order, actor=world.clerk, reason="test")
    order = reload(order)
    assert order.status == S.FOLLOW_UP and order.service.status == "active"


def test_bt10_without_the_property_proof_seen_the_order_stays_in_acceptance(gas_world):
    world = gas_world
    person = customer(world)
    order = to_acceptance(
        create(world, gas_business(world, "gas_new_household"), person=person, details=household_details(world)),
        world.clerk,
    )
    services.order_identity_check(
        order=order, actor=world.clerk, document=id_document(person), party="owner", method="card_reader"
    )
    for code in ("resident_id", "application_form"):
        services.order_document_seen(order=order, code=code, actor=world.clerk)
    with pytest.raises(Unprocessable, match="Property deed"):
        services.order_advance(order=order, to=S.PROCESSING, actor=world.clerk)


# --- BT11 card recharge --------------------------------------------------------------------------------


def test_bt11_recharge_prices_gas_by_the_tiers_and_credits_it_only_when_the_card_is_written(gas_world):
    world = gas_world
    service = household(customer(world))
    confirmed_purchase(service, world, "290.00")  # 10 m³ left in the first tier
    order = at_processing(world, "gas_recharge", service=service, details={"amount": "100.00"})
    order = reload(process(order, world))

    expected = catalog_selectors.gas_volume_for_amount(hall=world.hall, amount=D("100.00"), used_this_year=D("290"))
    assert expected == D("33.71")  # 10 m³ at 2.60, the rest at 3.12
    assert [(f.code, f.amount) for f in order.fee_lines.all()] == [("gas_purchase", D("100.00"))]
    assert order.action_result["summary_zh"].startswith("充值¥100.00，购气33.71 m³")
    assert "Recharged ¥100.00, 33.71 m³" in order.action_result["summary_en"]
    write = card_write_of(order)
    assert (write.kind, write.volume, write.amount, write.card_number) == (
        "purchase",
        D("33.71"),
        D("100.00"),
        service.card_number,
    )
    assert Service.objects.get(pk=service.pk).gas_volume == D("35.00")  # nothing before the device confirms

    with pytest.raises(Conflict, match="not confirmed and paid"):
        cards.card_write_confirm(actor=world.clerk, write=write)
    order = settle(order, world)
    assert order.status == S.CLOSED
    cards.card_write_confirm(actor=world.clerk, write=write, device="writer-01")
    assert Service.objects.get(pk=service.pk).gas_volume == D("68.71")
    assert customer_selectors.gas_volume_bought_this_year(service=service, hall=world.hall) == D("323.71")


def test_bt11_a_failed_write_credits_nothing_and_a_retried_one_credits_once(gas_world):
    world = gas_world
    service = household(customer(world))
    order = settle(
        process(at_processing(world, "gas_recharge", service=service, details={"amount": "52"}), world), world
    )
    write = card_write_of(order)
    assert write.volume == D("20.00")

    cards.card_write_fail(actor=world.clerk, write=write, device="writer-01", reason="card removed")
    assert Service.objects.get(pk=service.pk).gas_volume == D("35.00")
    with pytest.raises(Conflict, match="cannot become"):
        cards.card_write_confirm(actor=world.clerk, write=write)
    assert customer_selectors.gas_volume_bought_this_year(service=service, hall=world.hall) == D("0.00")

    cards.card_write_retry(actor=world.clerk, write=write)
    cards.card_write_confirm(actor=world.clerk, write=write)
    with pytest.raises(Conflict, match="credited once"):
        cards.card_write_confirm(actor=world.clerk, write=write)
    with pytest.raises(Conflict):
        cards.card_write_fail(actor=world.clerk, write=write)
    assert Service.objects.get(pk=service.pk).gas_volume == D("55.00")
    assert [(c.from_status, c.to_status) for c in write.changes.order_by("id")] == [
        ("", "pending"),
        ("pending", "failed"),
        ("failed", "pending"),
        ("pending", "confirmed"),
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("abc", "as a number"),
        ("10000.01", "At most ¥10000.00"),
        ("1.005", "two decimals"),
        ("", "Enter the amount"),
        ("0.01", "too small to buy any gas"),
    ],
)
def test_bt11_a_bad_amount_is_refused_with_a_clear_message_and_nothing_is_written(gas_world, amount, message):
    world = gas_world
    service = household(customer(world))
    order = at_processing(world, "gas_recharge", service=service, details={"amount": amount})
    error = refused(order, world)
    assert error.status_code == 422 and message in str(error.message)
    _nothing_written(order)


def test_bt11_a_second_purchase_waits_until_the_card_writer_answered_the_first(gas_world):
    world = gas_world
    service = household(customer(world))
    process(at_processing(world, "gas_recharge", service=service, details={"amount": "50"}), world)
    second = at_processing(world, "gas_recharge", service=service, details={"amount": "50"})
    error = refused(second, world)
    assert error.status_code == 409 and "still waiting for the card writer" in str(error.message)
    _nothing_written(second)


def test_bt11_a_suspended_household_buys_no_gas(gas_world):
    world = gas_world
    service = household(customer(world), status="suspended")
    order = at_processing(world, "gas_recharge", service=service, details={"amount": "50"})
    error = refused(order, world)
    assert error.status_code == 409 and "Suspended" in str(error.message)
    _nothing_written(order)


def test_bt11_a_recharge_is_not_reverted_a_failed_write_is_the_way_back(gas_world):
    world = gas_world
    service = household(customer(world))
    order = settle(
        process(at_processing(world, "gas_recharge", service=service, details={"amount": "50"}), world), world
    )
    with pytest.raises(Unprocessable, match="cannot be reverted"):
        services.order_revert(order=order, actor=world.clerk, reason="test")
    assert reload(order).status == S.CLOSED and card_write_of(order).status == "pending"


def test_bt11_a_purchase_of_the_previous_year_does_not_count_towards_this_years_tiers(gas_world):
    world = gas_world
    service = household(customer(world))
    old = confirmed_purchase(service, world, "500.00")
    last_year = timezone.now().astimezone(world.hall.tz).replace(month=6, day=1) - dt.timedelta(days=365)
    CardWrite.objects.filter(pk=old.pk).update(confirmed_at=last_year)
    assert customer_selectors.gas_volume_bought_this_year(service=service, hall=world.hall) == D("0.00")
    order = reload(process(at_processing(world, "gas_recharge", service=service, details={"amount": "26"}), world))
    assert card_write_of(order).volume == D("10.00")  # first tier, 2.60 per m³


@pytest.mark.django_db(transaction=True)
def test_bt11_two_confirmations_at_once_credit_the_gas_once(postgres_only):
    from testsupport.world import build_world

    world = build_world("ha")
    load_gas(world)
    service = household(customer(world))
    order = settle(
        process(at_processing(world, "gas_recharge", service=service, details={"amount": "52"}), world), world
    )
    write = card_write_of(order)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def confirm(device: str) -> None:
        try:
            barrier.wait(timeout=5)
            cards.card_write_confirm(actor=world.clerk, write=write, device=device)
            outcomes.append("confirmed")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=confirm, args=(f"writer-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["confirmed", "conflict"]
    assert Service.objects.get(pk=service.pk).gas_volume == D("55.00")
    assert write.changes.filter(to_status="confirmed").count() == 1
    close_old_connections()


# --- BT12 card replacement ----------------------------------------------------------------------------


def test_bt12_replacement_blacklists_the_old_card_and_writes_a_new_one_with_the_remaining_gas(gas_world):
    world = gas_world
    service = household(customer(world))
    old_card = service.card_number
    order = at_processing(world, "gas_card_replace", service=service, details={"reason": "lost"})
    assert order.reviews.filter(approved=True).exists()  # the pack sends card replacement to review
    order = reload(process(order, world))

    service.refresh_from_db()
    assert service.card_number != old_card and service.card_number.startswith("GC")
    blacklisted = BlacklistedCard.objects.get(card_number=old_card)
    assert (blacklisted.service_id, blacklisted.reason, blacklisted.order_id) == (service.pk, "replaced", order.pk)
    write = card_write_of(order)
    assert (write.kind, write.card_number, write.volume) == ("replacement_card", service.card_number, D("35.00"))
    assert [(f.code, f.amount) for f in order.fee_lines.all()] == [("standard_fee", D("20.00"))]
    assert old_card in order.action_result["summary_zh"] and service.card_number in order.action_result["summary_zh"]

    settle(order, world)
    cards.card_write_confirm(actor=world.clerk, write=write)
    assert Service.objects.get(pk=service.pk).gas_volume == D("35.00")  # carried over, not credited again


def test_bt12_the_blacklisted_card_is_never_written_again(gas_world):
    world = gas_world
    service = household(customer(world))
    old_card = service.card_number
    process(at_processing(world, "gas_card_replace", service=service, details={"reason": "damaged"}), world)
    with pytest.raises(Conflict, match="blacklisted") as caught:
        cards.card_write_request(
            actor=world.clerk, hall=world.hall, service=service, kind="replacement_card", card_number=old_card
        )
    assert caught.value.code == "card_blacklisted"
    with pytest.raises(Conflict, match="blacklisted"):
        cards.gas_card_assign(actor=world.clerk, hall=world.hall, service=service, card_number=old_card)


def test_bt12_a_write_to_a_card_blacklisted_meanwhile_cannot_be_confirmed(gas_world):
    world = gas_world
    service = household(customer(world))
    order = settle(
        process(at_processing(world, "gas_recharge", service=service, details={"amount": "26"}), world), world
    )
    cards.card_blacklist(actor=world.clerk, hall=world.hall, service=service, reason="replaced")
    with pytest.raises(Conflict, match="blacklisted"):
        cards.card_write_confirm(actor=world.clerk, write=card_write_of(order))
    assert Service.objects.get(pk=service.pk).gas_volume == D("35.00")


def test_bt12_no_replacement_while_a_write_waits_for_the_card_writer(gas_world):
    world = gas_world
    service = household(customer(world))
    old_card = service.card_number
    process(at_processing(world, "gas_recharge", service=service, details={"amount": "26"}), world)
    order = at_processing(world, "gas_card_replace", service=service, details={"reason": "lost"})
    error = refused(order, world)
    assert error.status_code == 409 and "still waiting" in str(error.message)
    _nothing_written(order)
    assert not BlacklistedCard.objects.exists() and Service.objects.get(pk=service.pk).card_number == old_card


def test_bt12_replacement_needs_the_owners_identity_proof(gas_world):
    world = gas_world
    service = household(customer(world))
    order = to_acceptance(
        create(world, gas_business(world, "gas_card_replace"), service=service, details={"reason": "lost"}),
        world.clerk,
    )
    services.order_document_seen(order=order, code="resident_id", actor=world.clerk)
    with pytest.raises(Unprocessable, match="Check the owner's ID document"):
        services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)


def test_bt12_a_replacement_cannot_be_reverted(gas_world):
    world = gas_world
    service = household(customer(world))
    order = process(at_processing(world, "gas_card_replace", service=service, details={"reason": "lost"}), world)
    with pytest.raises(Unprocessable, match="cannot be reverted"):
        services.order_revert(order=order, actor=world.clerk, reason="test")
    assert BlacklistedCard.objects.filter(service=service).count() == 1


def test_bt12_the_reason_for_a_new_card_is_required(gas_world):
    world = gas_world
    service = household(customer(world))
    order = at_processing(world, "gas_card_replace", service=service, details={"reason": "stolen?"})
    error = refused(order, world)
    assert error.status_code == 422 and "Select a valid choice" in str(error.message)
    _nothing_written(order)


# --- BT13 transfer of ownership ---------------------------------------------------------------------------


def test_bt13_transfer_hands_the_household_to_the_new_owner_with_the_meter_reading_kept(gas_world):
    world = gas_world
    owner, new_owner = customer(world, "张三"), customer(world, "李四", phone="13900002222")
    service = household(owner)
    order = at_processing(
        world, "gas_transfer", service=service, details={"meter_reading": "1234.50"}, new_owner=new_owner
    )
    order = reload(process(order, world))
    service.refresh_from_db()
    assert service.customer_id == new_owner.pk
    assert service.card_number and service.gas_volume == D("35.00") and service.balance == D("120.00")
    reading = MeterReading.objects.get(service=service)
    assert (reading.reading, reading.order_id) == (D("1234.50"), order.pk)
    change = ServiceOwnerChange.objects.get(service=service)
    assert (change.from_customer_id, change.to_customer_id, change.order_id) == (owner.pk, new_owner.pk, order.pk)
    assert order.action_result["meter_reading"] == "1234.50"
    assert "1234.50 m³" in order.action_result["summary_zh"]
    assert "李四" not in str(order.action_result)  # no personal data in the action data


def test_bt13_arrears_must_be_paid_before_a_transfer(gas_world):
    world = gas_world
    service = household(customer(world), arrears=D("35.60"))
    order = at_processing(
        world, "gas_transfer", service=service, details={"meter_reading": "100"}, new_owner=customer(world, "李四")
    )
    error = refused(order, world)
    assert error.status_code == 422 and "¥35.60" in str(error.message)
    _nothing_written(order)
    assert not MeterReading.objects.exists() and not ServiceOwnerChange.objects.exists()
    assert Service.objects.get(pk=service.pk).customer_id == order.customer_id


@pytest.mark.parametrize(
    ("reading", "message"),
    [("99.99", "below the last recorded reading of 100.00"), ("-1", "cannot be negative"), ("x", "as a number")],
)
def test_bt13_a_meter_reading_below_the_last_one_or_not_a_number_is_refused(gas_world, reading, message):
    world = gas_world
    service = household(customer(world))
    MeterReading.objects.create(service=service, reading=D("100.00"), at=timezone.now())
    order = at_processing(
        world, "gas_transfer", service=service, details={"meter_reading": reading}, new_owner=customer(world, "李四")
    )
    error = refused(order, world)
    assert error.status_code == 422 and message in str(error.message)
    _nothing_written(order)
    assert MeterReading.objects.count() == 1


def test_bt13_revert_gives_the_household_back_and_keeps_both_changes(gas_world):
    world = gas_world
    owner, new_owner = customer(world, "张三"), customer(world, "李四", phone="13900002222")
    service = household(owner)
    order = process(
        at_processing(world, "gas_transfer", service=service, details={"meter_reading": "10"}, new_owner=new_owner),
        world,
    )
    services.order_revert(order=order, actor=world.clerk, reason="产权证明有误")
    service.refresh_from_db()
    assert service.customer_id == owner.pk
    assert list(ServiceOwnerChange.objects.filter(service=service).values_list("from_customer", "to_customer")) == [
        (owner.pk, new_owner.pk),
        (new_owner.pk, owner.pk),
    ]
    assert MeterReading.objects.filter(service=service).count() == 1


def test_bt13_priv03_transfer_needs_both_parties_and_the_anti_fraud_checklist(gas_world):
    world = gas_world
    service = household(customer(world))
    order = to_acceptance(
        create(world, gas_business(world, "gas_transfer"), service=service, details={"meter_reading": "10"}),
        world.clerk,
    )
    services.order_identity_check(
        order=order, actor=world.clerk, document=id_document(order.customer), party="owner", method="card_reader"
    )
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=world.clerk)
    with pytest.raises(Unprocessable) as caught:
        services.order_advance(order=order, to=S.REVIEW, actor=world.clerk)
    assert "Choose the new owner" in str(caught.value.message)
    assert "anti-fraud checklist" in str(caught.value.message)


# --- BT14 cancellation ------------------------------------------------------------------------------------


def test_bt14_cancellation_books_the_meter_removal_and_records_the_refund_due(gas_world):
    world = gas_world
    service = household(customer(world), balance=D("86.40"))
    old_card = service.card_number
    details = {"meter_reading": "2048.00", "technician": "王师傅", **window(world)}
    order = reload(process(at_processing(world, "gas_cancellation", service=service, details=details), world))

    assert order.work_pending
    assert order.action_result["refund_due"] == "86.40"
    assert order.action_result["meter_reading"] == "2048.00"
    assert "¥86.40" in order.action_result["summary_zh"]
    job = InstallationJob.objects.get(order=order)
    assert (job.kind, job.status, job.service_id) == ("meter_removal", "scheduled", service.pk)
    service.refresh_from_db()
    assert service.status == "active"  # until the meter is removed
    assert BlacklistedCard.objects.get(card_number=old_card).reason == "cancelled"
    assert MeterReading.objects.get(service=service).reading == D("2048.00")
    with pytest.raises(Conflict, match="blacklisted"):
        cards.card_write_request(
            actor=world.clerk, hall=world.hall, service=service, kind="purchase", volume="1", amount="2.60"
        )

    with at_the_appointment(job):
        jobs.job_report(job=job, actor=world.clerk, done=True, note="表已拆除")
    service.refresh_from_db()
    assert service.status == "cancelled" and service.cancelled_at is not None
    assert not reload(order).work_pending


def test_bt14_arrears_must_be_paid_before_a_cancellation(gas_world):
    world = gas_world
    service = household(customer(world), arrears=D("12.00"))
    details = {"meter_reading": "10", "technician": "王师傅", **window(world)}
    order = at_processing(world, "gas_cancellation", service=service, details=details)
    error = refused(order, world)
    assert error.status_code == 422 and "arrears must be paid" in str(error.message)
    _nothing_written(order)
    assert not BlacklistedCard.objects.exists() and not MeterReading.objects.exists()


def test_bt14_the_meter_removal_appointment_is_required(gas_world):
    world = gas_world
    service = household(customer(world))
    bt = gas_business(world, "gas_cancellation")
    order = create(world, bt, person=service.customer, service=service, details={"meter_reading": "10"})
    with pytest.raises(Unprocessable) as error:  # the duty manager reviews a cancellation with its appointment
        through_acceptance(world, order)
    assert error.value.code == "details_missing" and "Appointment from" in str(error.value.message)
    assert reload(order).status == S.ACCEPTANCE
    assert not InstallationJob.objects.filter(order=order).exists()


def test_bt14_a_cancellation_cannot_be_reverted(gas_world):
    world = gas_world
    service = household(customer(world))
    details = {"meter_reading": "10", "technician": "王师傅", **window(world)}
    order = process(at_processing(world, "gas_cancellation", service=service, details=details), world)
    with pytest.raises(Unprocessable, match="cannot be reverted"):
        services.order_revert(order=order, actor=world.clerk, reason="test")
    assert InstallationJob.objects.get(order=order).status == "scheduled"
