"""Orders waiting at the payment step, built through the orders app's own services."""

from __future__ import annotations

from decimal import Decimal

from servicehall.billing import services
from servicehall.billing.models import Payment
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.helpers import business, processed


def order_at_payment(world, fee: str = "30.00", code: str = "fee") -> WorkOrder:
    bt = world.hall.business_types.filter(code=code).first() or business(world, code, standard_fee=Decimal(fee))
    order = processed(world, bt)
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return WorkOrder.objects.select_related("hall", "business_type").get(pk=order.pk)


def pay(
    world, order: WorkOrder, *, key: str = "k1", method: str = "cash", amount="30.00", tendered="50.00", actor=None
):
    tendered = tendered if method == "cash" else None
    return services.payment_take(
        hall=order.hall,
        actor=actor or world.clerk,
        order=order,
        method=method,
        amount=amount,
        tendered=tendered,
        idempotency_key=key,
        request_hash=services.payment_request_hash(order_id=order.pk, method=method, amount=amount, tendered=tendered),
    )


def nothing_written(hall) -> bool:
    return not Payment.objects.filter(hall=hall).exists() and not hall.receipts.exists()
