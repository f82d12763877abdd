"""Orders waiting at the payment step, built through the orders app's own services."""

from __future__ import annotations

from decimal import Decimal

from servicehall.billing import services
from servicehall.billing.models import Payment
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.helpers import business, processed
from testsupport.cashdesk import open_drawer


def ensure_drawer(world, clerk=None) -> None:
    """Cash goes into the clerk's open drawer (CASH01): open it once per clerk."""
    clerk = clerk or world.clerk
    if cashdesk_selectors.drawer_open_for(hall=world.hall, clerk=clerk) is None:
        open_drawer(world, clerk=clerk)


def order_at_payment(world, fee: str = "30.00", code: str = "fee", person=None) -> WorkOrder:
    ensure_drawer(world)
    bt = world.hall.business_types.filter(code=code).first() or business(world, code, standard_fee=Decimal(fee))
    order = processed(world, bt, person=person)
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return WorkOrder.objects.select_related("hall", "business_type").get(pk=order.pk)


def pay(
    world,
    order: WorkOrder,
    *,
    key: str = "k1",
    method: str = "cash",
    amount="30.00",
    tendered="50.00",
    actor=None,
    with_orders=(),
):
    """Take the order's fees (and those of `with_orders`, paid together) as the clerk's form would."""
    tendered = tendered if method == "cash" else None
    order_ids = [order.pk, *(o.pk for o in with_orders)] if with_orders else order.pk
    return services.payment_take(
        hall=order.hall,
        actor=actor or world.clerk,
        order=order,
        with_orders=with_orders,
        method=method,
        amount=amount,
        tendered=tendered,
        idempotency_key=key,
        request_hash=services.payment_request_hash(order_id=order_ids, method=method, amount=amount, tendered=tendered),
    )


def nothing_written(hall) -> bool:
    return not Payment.objects.filter(hall=hall).exists() and not hall.receipts.exists()


def mobile_service(world, balance: str = "10.00", **fields):
    """A mobile number held by a customer of the world's company."""
    from testsupport.customers import CustomerFactory, ServiceFactory

    person = CustomerFactory(company=world.hall.company)
    return ServiceFactory(customer=person, balance=Decimal(balance), **fields)


def top_up(world, service, *, key: str = "t1", method: str = "cash", amount="50.00", tendered="50.00", actor=None):
    tendered = tendered if method == "cash" else None
    ensure_drawer(world, actor or world.clerk) if method == "cash" else None
    return services.payment_collect(
        hall=world.hall,
        actor=actor or world.clerk,
        method=method,
        amount=amount,
        tendered=tendered,
        idempotency_key=key,
        request_hash=services.payment_request_hash(
            method=method, amount=amount, tendered=tendered, purpose="top_up", service_id=service.pk
        ),
        purpose="top_up",
        service=service,
    )


def sim_token(payment) -> str:
    return payment.provider_ref
