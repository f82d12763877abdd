"""Believable promotions for a telecom demo hall (PAY04); `promotions_demo_load` is idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.catalog.models import BusinessType
from servicehall.org.models import Hall

from .models import BankCardOffer, DiscountKind, GroupPriceTier, InstallmentOffer, Promotion


def _types(hall: Hall, *codes: str) -> list[BusinessType]:
    return list(BusinessType.objects.filter(hall=hall, code__in=codes))


@transaction.atomic
def promotions_demo_load(*, hall: Hall) -> dict[str, Any]:
    """Offers running around today, an expired one, bank-card offers, group prices and an interest-free
    12-month installment offer (PAY05); safe to call again."""
    today = timezone.localdate(timezone=hall.tz)
    month_start = today.replace(day=1)
    promotions: list[dict[str, Any]] = [
        {
            "code": "broadband_new_50",
            "name_zh": "宽带新装立减50元",
            "name_en": "New broadband: 50 yuan off",
            "kind": DiscountKind.AMOUNT,
            "amount_off": Decimal("50.00"),
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=60),
            "priority": 10,
            "types": ("broadband_open",),
        },
        {
            "code": "fixed_line_20pct",
            "name_zh": "固话开户八折",
            "name_en": "Fixed line opening: 20% off",
            "kind": DiscountKind.PERCENT,
            "percent": Decimal("20.00"),
            "cap": Decimal("30.00"),
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=30),
            "priority": 5,
            "types": ("fixed_line_open",),
        },
        {
            "code": "new_number_gift",
            "name_zh": "新号开户送流量",
            "name_en": "New number: free data",
            "kind": DiscountKind.GIFT,
            "gift_zh": "赠送10GB国内流量（当月有效）",
            "gift_en": "10 GB of domestic data for this month",
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=90),
            "priority": 1,
            "types": ("mobile_open",),
        },
        {
            "code": "double_eleven",
            "name_zh": "双十一全场9折",
            "name_en": "Singles' Day: 10% off everything",
            "kind": DiscountKind.PERCENT,
            "percent": Decimal("10.00"),
            "cap": Decimal("20.00"),
            "starts_on": dt.date(today.year - 1, 11, 1),
            "ends_on": dt.date(today.year - 1, 11, 11),
            "priority": 0,
            "types": (),
        },
    ]
    made = {"promotions": 0, "bank_offers": 0, "group_tiers": 0, "installment_offers": 0}
    for spec in promotions:
        spec = dict(spec)
        types = _types(hall, *spec.pop("types"))
        code = spec.pop("code")
        promo, created = Promotion.objects.get_or_create(hall=hall, code=code, defaults=spec)
        if created:
            promo.business_types.set(types)
            made["promotions"] += 1
    _, created = BankCardOffer.objects.get_or_create(
        hall=hall,
        code="cmb_credit_100_10",
        defaults={
            "bank_zh": "招商银行",
            "bank_en": "China Merchants Bank",
            "name_zh": "招商银行信用卡满100减10",
            "name_en": "CMB credit card: 10 yuan off from 100",
            "bin_prefixes": ["622588", "439225", "410062"],
            "kind": DiscountKind.AMOUNT,
            "amount_off": Decimal("10.00"),
            "min_amount": Decimal("100.00"),
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=180),
        },
    )
    made["bank_offers"] += int(created)
    _, created = BankCardOffer.objects.get_or_create(
        hall=hall,
        code="icbc_debit_5pct",
        defaults={
            "bank_zh": "工商银行",
            "bank_en": "ICBC",
            "name_zh": "工商银行借记卡95折",
            "name_en": "ICBC debit card: 5% off",
            "bin_prefixes": ["622202", "621226"],
            "kind": DiscountKind.PERCENT,
            "percent": Decimal("5.00"),
            "cap": Decimal("15.00"),
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=180),
        },
    )
    made["bank_offers"] += int(created)
    for bt in _types(hall, "mobile_open", "package_change"):
        for min_quantity, unit_price in ((10, "45.00"), (50, "40.00"), (200, "35.00")):
            _, created = GroupPriceTier.objects.get_or_create(
                hall=hall,
                business_type=bt,
                min_quantity=min_quantity,
                defaults={"unit_price": Decimal(unit_price)},
            )
            made["group_tiers"] += int(created)
    _, created = InstallmentOffer.objects.get_or_create(
        hall=hall,
        code="interest_free_12",
        defaults={
            "name_zh": "12期免息",
            "name_en": "12 months interest-free",
            "months": 12,
            "monthly_fee_rate": Decimal("0.0000"),
            "starts_on": month_start,
            "ends_on": today + dt.timedelta(days=365),
        },
    )
    made["installment_offers"] += int(created)
    return made
