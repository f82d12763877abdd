"""Customers with paid orders, built through the orders and billing apps' own services."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from servicehall.billing.models import Payment
from servicehall.billing.tests.helpers import ensure_drawer, pay
from servicehall.customers.models import Customer
from servicehall.invoicing import services
from servicehall.invoicing.models import Invoice
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.helpers import business, customer, processed

_keys = itertools.count(1)


def person(world, name: str = "张三") -> Customer:
    return customer(world, name)


def paid(world, who: Customer, fee: str = "30.00") -> Payment:
    """A succeeded cash payment of an order of `who` in the world's hall."""
    ensure_drawer(world)
    code = f"fee{fee.replace('.', '_')}"
    bt = world.hall.business_types.filter(code=code).first() or business(world, code, standard_fee=Decimal(fee))
    order = processed(world, bt, person=who)
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = WorkOrder.objects.select_related("hall", "business_type").get(pk=order.pk)
    payment, _ = pay(world, order, key=f"inv-{next(_keys)}", amount=fee, tendered=fee)
    return payment


def issue(world, who: Customer, payments: list[Payment], actor=None, **buyer: Any) -> Invoice:
    buyer.setdefault("buyer_kind", "personal")
    return services.invoice_issue(
        hall=world.hall,
        actor=actor or world.clerk,
        customer=who,
        payment_ids=[p.pk for p in payments],
        **buyer,
    )
