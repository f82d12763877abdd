"""Issue 10 (item 32): the demo shows the money features to a new user, and loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from servicehall.billing.models import Payment, Receipt
from servicehall.credit import selectors as credit_selectors
from servicehall.credit.models import CreditApplication
from servicehall.customers.models import Service
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple:
    return (
        list(WorkOrder.objects.order_by("pk").values_list("pk", "status", "fee_total")),
        list(Payment.objects.order_by("pk").values_list("pk", "amount", "status")),
        Receipt.objects.count(),
        CreditApplication.objects.count(),
        list(Service.objects.order_by("pk").values_list("pk", "opened_at", "balance")),
    )


def test_issue10_the_demo_has_the_money_scenes_and_loading_it_twice_changes_nothing():
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first

    hall = Hall.objects.get(code="demo")
    # A customer with two orders at the payment step, to pay together.
    waiting = WorkOrder.objects.filter(hall=hall, status=OrderStatus.PAYMENT)
    by_customer: dict[int, int] = {}
    for order in waiting:
        by_customer[order.customer_id] = by_customer.get(order.customer_id, 0) + 1
    assert max(by_customer.values()) >= 2
    # A customer who can complete a credit purchase: eligible, with a mobile number without a plan.
    mobiles = Service.objects.filter(company=hall.company, kind=Service.Kind.MOBILE).select_related("customer")
    eligible = [
        service
        for service in mobiles
        if credit_selectors.live_application_for_service(service=service) is None
        and credit_selectors.eligibility_for(hall=hall, customer=service.customer, service=service).eligible
    ]
    assert eligible
    # A payment large enough that its refund needs the duty manager's approval.
    assert Payment.objects.filter(hall=hall, status="succeeded", amount__gt=settings.REFUND_APPROVAL_ABOVE).exists()
