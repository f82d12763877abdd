"""Demo money data (issue 10): what a new user needs to see the money features in the demo hall.

* Two orders of one customer (李四, 13901001002) at the payment step: a new broadband line and a new fixed
  line, to pay together with one receipt (PAY01).
* A bank card top-up of ¥300 on 13901001011's mobile number: more than `REFUND_APPROVAL_ABOVE`
  (default ¥200), so a refund of it waits for the duty manager's approval (PAY06).

Running it twice changes nothing: the orders are made only while the customer has none, and the top-up
is one idempotent payment (its key is fixed). Call it after the customers, promotions and staff are loaded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicehall.catalog.models import BusinessType
from servicehall.customers.models import Customer, IdDocument, Service
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall, Membership
from servicehall.org.roles import Role

from . import services

TWO_ORDERS_PHONE = "13901001002"
BIG_TOP_UP_NUMBER = "13901001011"
BIG_TOP_UP = Decimal("300.00")
BIG_TOP_UP_KEY = "demo-top-up-above-refund-approval"


def _staff(hall: Hall, role: str) -> Any:
    membership = (
        Membership.objects.filter(hall=hall, role=role).select_related("user").order_by("user__username").first()
    )
    return membership.user if membership else None


def _appointment(hall: Hall) -> tuple[str, str]:
    """Tomorrow 10:00–12:00, hall time (in the future and within the booking horizon whenever it runs)."""
    day = timezone.localdate(timezone=hall.tz) + dt.timedelta(days=1)
    return f"{day.isoformat()}T10:00", f"{day.isoformat()}T12:00"


def _free_fixed_line(hall: Hall) -> str:
    for suffix in range(1234, 1300):
        number = f"0216888{suffix:04d}"
        if not Service.objects.filter(company_id=hall.company_id, kind=Service.Kind.FIXED_LINE, number=number).exists():
            return number
    raise RuntimeError("no free demo fixed-line number")


def _order_details(hall: Hall, code: str, customer: Customer) -> dict[str, str]:
    start, end = _appointment(hall)
    details = {
        "package": "broadband_300m" if code == "broadband_open" else "fixed_basic",
        "address_region": customer.address_region or "上海市徐汇区",
        "address_detail": customer.address_detail or "漕溪北路88号",
        "window_start": start,
        "window_end": end,
        "technician": "李师傅",
    }
    if code == "fixed_line_open":
        details["number"] = _free_fixed_line(hall)
    return details


def _order_at_payment(hall: Hall, clerk: Any, customer: Customer, code: str) -> WorkOrder | None:
    business = BusinessType.objects.filter(hall=hall, code=code).first()
    document = IdDocument.objects.filter(customer=customer).order_by("pk").first()
    if business is None or document is None:
        return None
    order = order_services.order_create(hall=hall, actor=clerk, business_type=business, customer=customer)
    order = order_services.order_advance(order=order, to=OrderStatus.CONSULTATION, actor=clerk)
    order = order_services.order_advance(order=order, to=OrderStatus.ACCEPTANCE, actor=clerk)
    order_services.order_identity_check(
        order=order, actor=clerk, document=document, party="owner", method="card_reader"
    )
    for seen in order.documents.all():
        order_services.order_document_seen(order=order, code=seen.code, actor=clerk)
    order = order_services.order_set_details(order=order, actor=clerk, data=_order_details(hall, code, customer))
    order = order_services.order_advance(order=order, to=OrderStatus.PROCESSING, actor=clerk)
    order = order_services.order_advance(order=order, to=OrderStatus.CONFIRMATION, actor=clerk)
    order_services.order_confirm(order=order, actor=clerk, method="clerk_tick")
    return order


def _two_orders_at_payment(hall: Hall, clerk: Any) -> int:
    customer = Customer.objects.filter(company=hall.company, phone=TWO_ORDERS_PHONE).first()
    if customer is None or WorkOrder.objects.filter(hall=hall, customer=customer).exists():
        return 0
    made = [_order_at_payment(hall, clerk, customer, code) for code in ("broadband_open", "fixed_line_open")]
    return sum(1 for order in made if order is not None)


def _big_top_up(hall: Hall, manager: Any) -> bool:
    service = Service.objects.filter(
        company_id=hall.company_id, kind=Service.Kind.MOBILE, number=BIG_TOP_UP_NUMBER
    ).first()
    if service is None:
        return False
    amount = f"{BIG_TOP_UP:.2f}"
    _payment, created = services.payment_collect(
        hall=hall,
        actor=manager,
        method="card",
        amount=amount,
        idempotency_key=BIG_TOP_UP_KEY,
        request_hash=services.payment_request_hash(
            method="card", amount=amount, purpose="top_up", service_id=service.pk
        ),
        purpose="top_up",
        service=service,
    )
    return created


@transaction.atomic
def money_demo_load(*, hall: Hall) -> dict[str, int]:
    """The demo's money scenes in `hall` (a telecom hall); returns what was new."""
    clerk, manager = _staff(hall, Role.CLERK), _staff(hall, Role.DUTY_MANAGER)
    if clerk is None or manager is None or "telecom" not in (hall.packs or []):
        return {"orders": 0, "payments": 0}
    return {"orders": _two_orders_at_payment(hall, clerk), "payments": int(_big_top_up(hall, manager))}
