"""Rules of a hall for the promotions tests, written straight to the models (master data)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from servicehall.customers.models import Customer
from servicehall.promotions import services
from servicehall.promotions.models import BankCardOffer, GroupPriceTier, PointsAccount, Promotion


def today(hall) -> dt.date:
    return timezone.localdate(timezone=hall.tz)


def promotion(hall, code: str = "promo", *, types=(), **fields: Any) -> Promotion:
    day = today(hall)
    values: dict[str, Any] = {
        "name_zh": f"优惠{code}",
        "name_en": f"Offer {code}",
        "kind": "amount",
        "amount_off": Decimal("5.00"),
        "starts_on": day - dt.timedelta(days=1),
        "ends_on": day + dt.timedelta(days=1),
    }
    values.update(fields)
    promo = Promotion.objects.create(hall=hall, code=code, **values)
    promo.business_types.set(types)
    return promo


def bank_offer(hall, code: str = "cmb", **fields: Any) -> BankCardOffer:
    day = today(hall)
    values: dict[str, Any] = {
        "bank_zh": "招商银行",
        "bank_en": "China Merchants Bank",
        "name_zh": "招商银行信用卡满100减10",
        "name_en": "CMB: 10 off from 100",
        "bin_prefixes": ["622588"],
        "kind": "amount",
        "amount_off": Decimal("10.00"),
        "starts_on": day - dt.timedelta(days=1),
        "ends_on": day + dt.timedelta(days=1),
    }
    values.update(fields)
    return BankCardOffer.objects.create(hall=hall, code=code, **values)


def tier(hall, business_type, min_quantity: int, unit_price: str) -> GroupPriceTier:
    return GroupPriceTier.objects.create(
        hall=hall, business_type=business_type, min_quantity=min_quantity, unit_price=Decimal(unit_price)
    )


def make_enterprise(order) -> None:
    Customer.objects.filter(pk=order.customer_id).update(kind=Customer.Kind.ENTERPRISE)
    order.customer.refresh_from_db()


def give_points(order, points: int, actor=None) -> PointsAccount:
    entry = services.points_adjust(customer=order.customer, points=points, actor=actor, note="test")
    return entry.account
