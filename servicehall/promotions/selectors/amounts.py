"""What the customer pays for an order: its fees less the promotions applied to it, and those applications."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from servicehall.lib import money

from ..models import PromotionApplication
from ._common import ZERO


def order_amount_due(*, order: Any) -> Decimal:
    """What the customer pays for the order: its fees less the promotions applied to it, never below 0.00."""
    return order_amounts_due(orders=[order])[order.pk]


def order_amounts_due(*, orders: Iterable[Any]) -> dict[int, Decimal]:
    """`order_amount_due` of many orders (by order id) in one query: the pay box lists a customer's orders."""
    orders = list(orders)
    if not orders:
        return {}
    discounts: dict[int, Decimal] = dict(
        PromotionApplication.objects.filter(order_id__in=[o.pk for o in orders], superseded_at__isnull=True)
        .order_by()
        .values("order_id")
        .annotate(total=Sum("discount"))
        .values_list("order_id", "total")
    )
    return {
        o.pk: max(ZERO, money.quantize_cny(Decimal(o.fee_total) - (discounts.get(o.pk) or Decimal("0"))))
        for o in orders
    }


def applications_for_order(*, order: Any) -> list[PromotionApplication]:
    """The rules applied to the order now (not the superseded ones), in the order they were applied."""
    return list(
        PromotionApplication.objects.filter(order_id=order.pk, superseded_at__isnull=True)
        .select_related("applied_by")
        .order_by("applied_at", "id")
    )
