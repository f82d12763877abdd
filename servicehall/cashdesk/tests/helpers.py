"""Orders at the payment step and cash payments for the cashdesk tests (through billing's own services)."""

from __future__ import annotations

from decimal import Decimal

from servicehall.billing.tests.helpers import pay
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.helpers import business, processed

__all__ = ["order_without_drawer", "paid_cash", "pay"]


def order_without_drawer(world, fee: str = "30.00", code: str = "fee") -> WorkOrder:
    """An order at the payment step; unlike billing's helper it opens no drawer."""
    bt = world.hall.business_types.filter(code=code).first() or business(world, code, standard_fee=Decimal(fee))
    order = processed(world, bt)
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return WorkOrder.objects.select_related("hall", "business_type").get(pk=order.pk)


_keys = iter(range(1, 10**9))


def paid_cash(world, fee: str, tendered: str, *, method: str = "cash", clerk=None):
    """Take an order's fee of `fee` yuan, in cash with `tendered` handed over (or by card)."""
    order = order_without_drawer(world, fee=fee, code=f"fee{fee.replace('.', '_')}")
    payment, created = pay(
        world, order, key=f"cash-{next(_keys)}", method=method, amount=fee, tendered=tendered, actor=clerk
    )
    assert created
    return payment
