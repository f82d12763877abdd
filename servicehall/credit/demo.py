"""Demo credit data for a hall: credit levels (`Customer.credit_level`, 1–5 stars) for a few demo customers and
one running plan. Running it twice changes nothing. Call it after `customers.demo.customers_demo_load` and the
hall's staff are loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.customers.models import CreditLevel, Customer, Service
from servicehall.customers.services import customer_set_credit_level
from servicehall.org.models import Hall, Membership
from servicehall.org.roles import Role

from . import selectors, services
from .models import CreditApplication

# Demo customers by phone: the others keep the default 3 stars (enough with the default CREDIT_MIN_LEVEL);
# one has 5 stars, two are below the minimum so that the screens show refusals.
DEMO_LEVELS = {
    "13901001001": CreditLevel.FIVE,
    "13901001004": CreditLevel.TWO,
    "13901001005": CreditLevel.ONE,
}
PLAN_PHONE = "13901001001"
# A customer who can complete a credit purchase in the demo (issue 10): default level, a mobile number
# without a plan, held longer than the tenure rule asks.
ELIGIBLE_PHONE = "13901001003"
PLAN = {"handset_name": "华为 Mate 70", "handset_price": "5499.00", "down_payment": "1499.00", "months": 12}


def _staff(hall: Hall, role: str) -> Any:
    membership = (
        Membership.objects.filter(hall=hall, role=role).select_related("user").order_by("user__username").first()
    )
    return membership.user if membership else None


@transaction.atomic
def credit_demo_load(*, hall: Hall) -> int:
    """The demo credit levels (for the customers of `DEMO_LEVELS` whose level differs) and one active plan.

    Returns how many levels were changed. The plan's mobile number is made older than the tenure rule
    (demo data only) so that the customer is eligible.
    """
    set_count = 0
    customers = Customer.objects.filter(company=hall.company, kind=Customer.Kind.INDIVIDUAL, phone__in=DEMO_LEVELS)
    for customer in customers.order_by("pk"):
        level = DEMO_LEVELS[customer.phone]
        if customer.credit_level != level:
            customer_set_credit_level(customer=customer, level=level, actor=None, hall=hall)
            set_count += 1
    _demo_plan(hall)
    _eligible_customer(hall)
    return set_count


def _old_enough(service: Service) -> None:
    """Demo data only: date the number's opening before the tenure rule (plus a margin)."""
    opened_before = timezone.now() - dt.timedelta(days=31 * (selectors.min_tenure_months() + 6))
    if service.opened_at is None or service.opened_at > opened_before:
        Service.objects.filter(pk=service.pk).update(opened_at=opened_before)
        service.refresh_from_db()


def _eligible_customer(hall: Hall) -> None:
    service = Service.objects.filter(
        customer__company=hall.company, kind=Service.Kind.MOBILE, number=ELIGIBLE_PHONE
    ).first()
    if service is not None:
        _old_enough(service)


def _demo_plan(hall: Hall) -> None:
    customer = Customer.objects.filter(company=hall.company, phone=PLAN_PHONE).first()
    service = (
        Service.objects.filter(customer=customer, kind=Service.Kind.MOBILE, number=PLAN_PHONE).first()
        if customer
        else None
    )
    clerk, manager = _staff(hall, Role.CLERK), _staff(hall, Role.DUTY_MANAGER)
    if service is None or clerk is None or manager is None:
        return
    if CreditApplication.objects.filter(hall=hall, customer=customer).exists():
        return
    _old_enough(service)
    assert customer is not None
    application = services.application_submit(hall=hall, actor=clerk, customer=customer, service=service, **PLAN)
    services.application_review(application=application, actor=manager, approve=True, note="demo")
    services.application_sign(application=application, actor=clerk)
    services.application_activate(application=application, actor=clerk)
