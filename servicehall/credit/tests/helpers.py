"""Builders for the credit tests: an eligible customer of a hall, and plans at each step."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.test import override_settings
from django.utils import timezone

from servicehall.credit import services
from servicehall.credit.models import CreditApplication
from servicehall.customers.models import CreditLevel, IdDocument
from testsupport.customers import CustomerFactory, IdDocumentFactory, MobileServiceFactory, make_resident_id


def eligible_customer(
    hall: Any,
    *,
    level: int = CreditLevel.FOUR,
    born: dt.date = dt.date(1990, 5, 17),
    opened_days_ago: int = 400,
    arrears: str = "0.00",
    with_id: bool = True,
) -> tuple[Any, Any]:
    """A person of the hall's company with a resident ID, a mobile number open for a year, 4 stars."""
    customer = CustomerFactory(company=hall.company, credit_level=level)
    if with_id:
        IdDocumentFactory(customer=customer, kind=IdDocument.Kind.RESIDENT_ID, number=make_resident_id(birth_date=born))
    service = MobileServiceFactory(
        customer=customer,
        opened_at=timezone.now() - dt.timedelta(days=opened_days_ago),
        arrears=Decimal(arrears),
    )
    return customer, service


def submit(
    world: Any,
    *,
    price: str = "3999.00",
    down: str = "999.00",
    months: int = 12,
    rate: str | None = "0",
    **kw: Any,
) -> CreditApplication:
    """File a plan. `rate` is the hall's standard monthly fee rate while filing (no installment offer in these
    tests: the plan gets it); None keeps the configured standard rate and the hall's offers."""
    customer, service = kw.pop("customer_service", None) or eligible_customer(world.hall)
    standard = override_settings(CREDIT_MONTHLY_FEE_RATE=Decimal(rate)) if rate is not None else nullcontext()
    with standard:
        return services.application_submit(
            hall=world.hall,
            actor=kw.pop("actor", world.clerk),
            customer=customer,
            service=service,
            handset_name="Huawei Mate 70",
            handset_price=price,
            down_payment=down,
            months=months,
        )


def approved(world: Any, **kw: Any) -> CreditApplication:
    application = submit(world, **kw)
    return services.application_review(application=application, actor=world.manager, approve=True, note="ok")


def signed(world: Any, **kw: Any) -> CreditApplication:
    application = approved(world, **kw)
    return services.application_sign(application=application, actor=world.clerk)
