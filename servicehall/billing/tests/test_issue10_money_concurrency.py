"""Issue 10 under real concurrency (threads against PostgreSQL): one lock order for every money path
(PAY01, PAY03, PAY05, PAY06, CASH01), refunds in parts under the approval limit, a slow QR provider."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from servicehall.billing import services
from servicehall.billing.models import Payment, PaymentStatus, Refund, RefundStatus
from servicehall.billing.providers import QrCharge, simulated
from servicehall.core.errors import ApplicationError
from servicehall.credit import services as credit_services
from servicehall.credit.tests.helpers import eligible_customer, signed
from servicehall.customers.models import Customer, Service
from servicehall.invoicing import services as invoicing_services
from servicehall.invoicing.models import Invoice, InvoiceStatus
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.world import build_world, result_or_refusal

from .helpers import ensure_drawer, order_at_payment, pay, top_up


@pytest.mark.django_db(transaction=True)
def test_pay06_issue10_concurrent_refunds_in_parts_respect_the_approval_limit(postgres_only, threads_db, settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")
    world = build_world("ha")
    _customer, service = eligible_customer(world.hall)
    before = service.balance
    payment, _ = top_up(world, service, key="t600", method="card", amount="600.00")
    close_old_connections()
    workers = [
        lambda n=n: result_or_refusal(
            lambda: services.refund_request(
                actor=world.clerk, payment=payment, amount="100.00", reason="in parts", idempotency_key=f"part-{n}"
            )
        )
        for n in range(6)
    ]
    results, errors = run_at_once(workers)
    assert errors == []
    statuses = sorted(refund.status for refund, _created in results)
    # Whatever the order they were taken in: 100 and 200 are within the limit, 300 and more are not.
    assert statuses == ["paid", "paid", "requested", "requested", "requested", "requested"]
    assert Service.objects.get(pk=service.pk).balance == before + Decimal("400.00")


@pytest.mark.django_db(transaction=True)
def test_pay01_issue10_order_payments_and_top_ups_of_one_customer_at_once_all_succeed(postgres_only, threads_db):
    """The report's case: card and cash payments of a customer's orders and top-ups of their number, two
    clerks, all at once (before: DeadlockDetected on the customer, the drawer and the service, 500s)."""
    world = build_world("ha")
    customer, service = eligible_customer(world.hall)
    ensure_drawer(world, world.clerk2)
    orders = [order_at_payment(world, person=customer) for _ in range(8)]
    WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).update(service=service)
    orders = list(WorkOrder.objects.select_related("hall", "business_type").filter(pk__in=[o.pk for o in orders]))
    close_old_connections()
    workers = []
    for n, order in enumerate(orders):
        clerk = world.clerk if n % 2 else world.clerk2
        method = "cash" if n % 3 else "card"
        workers.append(lambda o=order, n=n, c=clerk, m=method: pay(world, o, key=f"p{n}", method=m, actor=c))
        workers.append(lambda n=n, c=clerk, m=method: top_up(world, service, key=f"t{n}", method=m, actor=c))
    results, errors = run_at_once(workers)
    assert errors == []
    assert [created for _payment, created in results] == [True] * len(workers)
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == len(workers)


# --- every kind of money request for one customer at once ------------------------------------------------


def _world_of_one_customer() -> dict[str, Any]:
    """A customer with a mobile number, orders at the payment step, a credit plan, paid and invoiced
    payments and a QR payment that expired (its late success arrives during the race)."""
    world = build_world("ha")
    customer, service = eligible_customer(world.hall)
    Service.objects.filter(pk=service.pk).update(balance=Decimal("0.00"))
    ensure_drawer(world, world.clerk2)
    orders = [order_at_payment(world, person=customer) for _ in range(6)]
    WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).update(service=service)
    orders = list(WorkOrder.objects.select_related("hall", "business_type").filter(pk__in=[o.pk for o in orders]))
    plan = signed(world, price="1300.00", down="100.00", months=3, customer_service=(customer, service))
    refunded, _ = pay(world, orders.pop(), key="to-refund", method="card")
    invoiced = invoicing_services.invoice_issue(
        hall=world.hall, actor=world.clerk, customer=customer, payment_ids=[refunded.pk], buyer_kind="personal"
    )
    voided_payment, _ = top_up(world, service, key="to-void", method="card")
    to_void = invoicing_services.invoice_issue(
        hall=world.hall, actor=world.clerk, customer=customer, payment_ids=[voided_payment.pk], buyer_kind="personal"
    )
    to_invoice, _ = top_up(world, service, key="to-invoice", method="card")
    late_order = orders.pop()
    late, _ = pay(world, late_order, key="late-qr", method="qr")
    Payment.objects.filter(pk=late.pk).update(expires_at=timezone.now())
    assert services.payment_qr_refresh(payment=Payment.objects.get(pk=late.pk)).status == PaymentStatus.EXPIRED
    return {
        "world": world,
        "customer": customer,
        "service": service,
        "orders": orders,
        "plan": plan,
        "refunded": refunded,
        "invoiced": invoiced,
        "to_void": to_void,
        "to_invoice": to_invoice,
        "late": late,
        "late_order": late_order,
    }


def _keyed_requests(scene: dict[str, Any]) -> dict[str, Any]:
    """Every keyed money request of the race, by key: each can be sent again and must answer the same."""
    world, service, orders = scene["world"], scene["service"], scene["orders"]
    requests: dict[str, Any] = {
        "order-cash": lambda: pay(world, orders[0], key="order-cash"),
        "order-card": lambda: pay(world, orders[1], key="order-card", method="card", actor=world.clerk2),
        "orders-together": lambda: pay(
            world, orders[2], key="orders-together", amount="60.00", tendered="100.00", with_orders=[orders[3]]
        ),
        "late-order-cash": lambda: pay(world, scene["late_order"], key="late-order-cash", actor=world.clerk2),
        "top-up-cash": lambda: top_up(world, service, key="top-up-cash"),
        "top-up-card": lambda: top_up(world, service, key="top-up-card", method="card", actor=world.clerk2),
        "top-up-cash-2": lambda: top_up(world, service, key="top-up-cash-2", actor=world.clerk2),
        "installment": lambda: credit_services.installment_pay(
            application=scene["plan"], actor=world.clerk, method="card", amount="400.00", idempotency_key="installment"
        ),
    }
    for n, (amount, clerk) in enumerate([("10.00", world.clerk), ("5.00", world.clerk2)]):
        key = f"refund-{n}"
        requests[key] = lambda key=key, amount=amount, clerk=clerk: services.refund_request(
            actor=clerk, payment=scene["refunded"], amount=amount, reason="race", idempotency_key=key
        )
    return requests


def _unkeyed_requests(scene: dict[str, Any]) -> list[Any]:
    world, customer = scene["world"], scene["customer"]
    return [
        lambda: invoicing_services.invoice_issue(
            hall=world.hall,
            actor=world.clerk2,
            customer=customer,
            payment_ids=[scene["to_invoice"].pk],
            buyer_kind="personal",
        ),
        lambda: invoicing_services.invoice_void(invoice=scene["to_void"], actor=world.clerk, reason="wrong title"),
        lambda: simulated.customer_pays(scene["late"].provider_ref),  # the late success, by notification
    ]


def _first(result: Any) -> Any:
    """What a request answered, comparable with its retry: the payment or refund id, or the refusal's code."""
    if isinstance(result, ApplicationError):
        return result.code
    made = result[0] if isinstance(result, tuple) else result
    return type(made).__name__, made.pk


@pytest.mark.django_db(transaction=True)
def test_pay01_issue10_every_kind_of_money_request_for_one_customer_at_once_never_deadlocks(
    postgres_only, threads_db, settings
):
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")
    scene = _world_of_one_customer()
    keyed = _keyed_requests(scene)
    close_old_connections()
    names = list(keyed)
    workers = [lambda name=name: (name, result_or_refusal(keyed[name])) for name in names]
    workers += [
        lambda n=n, work=work: (f"unkeyed-{n}", result_or_refusal(work))
        for n, work in enumerate(_unkeyed_requests(scene))
    ]
    results, errors = run_at_once(workers)
    assert errors == []  # no deadlock, no server error
    answers = dict(results)
    assert len(answers) == len(workers)
    refusals = {name: answer.code for name, answer in answers.items() if isinstance(answer, ApplicationError)}
    # The only refusal the race may cause: the late QR success or the cash took the order first.
    assert set(refusals) <= {"late-order-cash"} and set(refusals.values()) <= {"not_at_payment"}
    for name in names:  # every retry with its key answers the first result
        assert _first(result_or_refusal(keyed[name])) == _first(answers[name]), name
    _check_the_books(scene)


def _check_the_books(scene: dict[str, Any]) -> None:
    assert all(o.status != "payment" for o in WorkOrder.objects.filter(pk__in=[o.pk for o in scene["orders"][:4]]))
    assert Invoice.objects.get(pk=scene["invoiced"].pk).status == InvoiceStatus.VOIDED  # refunded: voided
    assert Invoice.objects.get(pk=scene["to_void"].pk).status == InvoiceStatus.VOIDED
    assert Invoice.objects.filter(lines__payment=scene["to_invoice"], status=InvoiceStatus.ISSUED).count() == 1
    late = Payment.objects.get(pk=scene["late"].pk)
    assert late.status == PaymentStatus.SUCCEEDED
    assert late.purpose_applied or Refund.objects.filter(payment=late).exists()
    top_ups = Payment.objects.filter(service=scene["service"], purpose="top_up", status=PaymentStatus.SUCCEEDED)
    assert Service.objects.get(pk=scene["service"].pk).balance == sum((p.amount for p in top_ups), Decimal("0.00"))


# --- a slow QR provider holds no row -----------------------------------------------------------------------


class SlowProvider(simulated.SimulatedProvider):
    """Answers only when the test lets it: the payment must be committed, and no row locked, meanwhile."""

    entered = threading.Event()
    release = threading.Event()

    def charge_create(self, *, amount: Decimal, description: str) -> QrCharge:
        SlowProvider.entered.set()
        SlowProvider.release.wait(timeout=60)
        return super().charge_create(amount=amount, description=description)


def _locks_free(order: WorkOrder) -> bool:
    """Whether this connection can lock the order and its customer at once (NOWAIT: no waiting)."""
    with transaction.atomic():
        WorkOrder.objects.select_for_update(nowait=True).get(pk=order.pk)
        Customer.objects.select_for_update(nowait=True).get(pk=order.customer_id)
        return True


@pytest.mark.django_db(transaction=True)
def test_pay01_issue10_a_slow_qr_provider_holds_no_row_and_the_payment_is_recorded_first(
    postgres_only, threads_db, settings
):
    settings.QR_PROVIDER = f"{__name__}.SlowProvider"
    SlowProvider.entered.clear()
    SlowProvider.release.clear()
    world = build_world("ha")
    order = order_at_payment(world)
    close_old_connections()
    answer: list[Any] = []

    def take() -> None:
        try:
            answer.append(pay(world, order, key="slow", method="qr"))
        finally:
            connection.close()

    thread = threading.Thread(target=take)
    thread.start()
    try:
        assert SlowProvider.entered.wait(timeout=60)
        # While the provider thinks: the pending payment is already recorded, and nothing is locked.
        assert Payment.objects.get(idempotency_key="slow").status == PaymentStatus.PENDING
        assert _locks_free(order)
    finally:
        SlowProvider.release.set()
        thread.join(timeout=60)
    payment, created = answer[0]
    payment = Payment.objects.get(pk=payment.pk)
    assert created and payment.status == PaymentStatus.PENDING and payment.qr_content


class SlowRefund:
    """A provider's refund that answers only when the test lets it: the refund must be committed as SENDING
    meanwhile, and its payment, the payment's customer and the refund unlocked."""

    entered = threading.Event()
    release = threading.Event()
    pays_back = simulated.SimulatedProvider.refund

    @staticmethod
    def refund(provider: Any, *, provider_ref: str, amount: Decimal, refund_ref: str) -> str:
        SlowRefund.entered.set()
        SlowRefund.release.wait(timeout=60)
        return SlowRefund.pays_back(provider, provider_ref=provider_ref, amount=amount, refund_ref=refund_ref)


def _refund_rows_free(payment: Payment) -> bool:
    with transaction.atomic():
        Payment.objects.select_for_update(nowait=True).get(pk=payment.pk)
        Refund.objects.select_for_update(nowait=True).filter(payment=payment).first()
        Customer.objects.select_for_update(nowait=True).filter(pk=payment.order.customer_id).first()
        return True


@pytest.mark.django_db(transaction=True)
def test_pay06_issue10_a_slow_qr_provider_holds_no_row_while_it_pays_a_refund_back(
    postgres_only, threads_db, monkeypatch
):
    SlowRefund.entered.clear()
    SlowRefund.release.clear()
    world = build_world("ha")
    payment, _ = pay(world, order_at_payment(world), key="qr-paid", method="qr")
    simulated.customer_pays(payment.provider_ref)
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.status == PaymentStatus.SUCCEEDED
    monkeypatch.setattr(simulated.SimulatedProvider, "refund", SlowRefund.refund)
    close_old_connections()
    answer: list[Any] = []

    def refund() -> None:
        try:
            answer.append(
                services.refund_request(actor=world.clerk, payment=payment, amount="10.00", reason="Changed mind")
            )
        finally:
            connection.close()

    thread = threading.Thread(target=refund)
    thread.start()
    try:
        assert SlowRefund.entered.wait(timeout=60)
        # While the provider thinks: the refund is recorded as sent, and no money row is locked.
        assert Refund.objects.get(payment=payment).status == RefundStatus.SENDING
        assert _refund_rows_free(payment)
    finally:
        SlowRefund.release.set()
        thread.join(timeout=60)
    done, created = answer[0]
    assert created and Refund.objects.get(pk=done.pk).status == RefundStatus.PAID
    assert done.status == RefundStatus.PAID and done.provider_ref == f"SIMREF-{done.pk}"
