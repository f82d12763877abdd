"""Builders for the telecom business tests: the telecom pack loaded in hall ha, orders walked to processing.

Orders go through the real steps (identity, documents, new owner, anti-fraud
checklist, the duty manager's review) so that the business action runs as it
does at the counter.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from servicehall.catalog.models import BusinessType
from servicehall.catalog.services import pack_load
from servicehall.customers.models import Customer, NumberPoolEntry, Service
from servicehall.customers.services import number_pool_add
from servicehall.orders import services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus

from .helpers import create, customer, id_document, to_acceptance

S = OrderStatus
D = Decimal
# 10:00 in Shanghai on Tuesday 1 December 2026.
MORNING = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
SAFE_FRAUD = {
    "remote_instruction": "no",
    "promised_benefit": "no",
    "code_requested": "no",
    "authority_claim": "no",
    "for_yourself": "yes",
    "card_to_others": "no",
}
POOL = ["13800000001", "13800000002", "13800000003"]
SIM = "89860012345678901234"
SIM2 = "8986001234567890123"


def load_telecom(world) -> None:
    pack_load(hall=world.hall, code="telecom")


def telecom_business(world, code: str) -> BusinessType:
    return BusinessType.objects.get(hall=world.hall, code=code)


def fill_pool(world, numbers: list[str] | None = None) -> None:
    number_pool_add(actor=world.manager, hall=world.hall, numbers=numbers or POOL)


def pool_status(world, number: str) -> str:
    return NumberPoolEntry.objects.get(hall=world.hall, number=number).status


def local(moment: dt.datetime, world) -> str:
    """A datetime as the clerk types it: the hall's wall time, no offset."""
    return moment.astimezone(world.hall.tz).strftime("%Y-%m-%dT%H:%M")


def window(world, *, days: int = 1, hours: int = 3, start_hour: int = 9) -> dict[str, str]:
    """An appointment `days` ahead in the hall's time zone, from `start_hour` for `hours`."""
    day = (timezone.now().astimezone(world.hall.tz) + dt.timedelta(days=days)).date()
    start = dt.datetime.combine(day, dt.time(start_hour), tzinfo=world.hall.tz)
    return {"window_start": local(start, world), "window_end": local(start + dt.timedelta(hours=hours), world)}


def installation_details(world, **overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "package": "broadband_1000m",
        "address_region": "上海市浦东新区",
        "address_detail": "张杨路500弄8号1203室",
        "technician": "王师傅",
        **window(world),
    }
    details.update(overrides)
    return details


def held_service(person: Customer, kind: str = "mobile", number: str = "13900001111", **fields: Any) -> Service:
    values: dict[str, Any] = {"package_code": "mobile_19", "sim_number": SIM2, "balance": D("20.00")}
    if kind != "mobile":
        values = {"package_code": "broadband_300m"}
    values.update(fields)
    return Service.objects.create(company=person.company, customer=person, kind=kind, number=number, **values)


def through_acceptance(world, order: WorkOrder, *, new_owner: Customer | None = None, clerk=None) -> WorkOrder:
    """Identity, documents, the new owner and the anti-fraud checklist as the business needs; past review."""
    clerk = clerk or world.clerk
    order = to_acceptance(order, clerk)
    if order.customer is not None:
        services.order_identity_check(
            order=order, actor=clerk, document=id_document(order.customer), party="owner", method="card_reader"
        )
    if new_owner is not None:
        services.order_set_counterparty(order=order, actor=clerk, counterparty=new_owner)
        services.order_identity_check(
            order=order, actor=clerk, document=id_document(new_owner), party="counterparty", method="visual"
        )
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=clerk)
    if order.business_type.risky:
        services.order_record_fraud_check(order=order, actor=clerk, answers=SAFE_FRAUD)
    if order.business_type.review_required:
        order = services.order_advance(order=order, to=S.REVIEW, actor=clerk)
        return services.order_review(order=order, actor=world.manager, approve=True)
    return services.order_advance(order=order, to=S.PROCESSING, actor=clerk)


def at_processing(
    world, code: str, *, person=None, service=None, details=None, new_owner=None, clerk=None
) -> WorkOrder:
    person = person if person is not None else (service.customer if service is not None else customer(world))
    order = create(
        world, telecom_business(world, code), person=person, service=service, details=details or {}, clerk=clerk
    )
    return through_acceptance(world, order, new_owner=new_owner, clerk=clerk)


def process(order: WorkOrder, world, clerk=None) -> WorkOrder:
    """Processing completes: the business action runs."""
    services.order_advance(order=order, to=S.CONFIRMATION, actor=clerk or world.clerk)
    return reload(order)


def settle(order: WorkOrder, world) -> WorkOrder:
    services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    order = reload(order)
    if order.status == S.PAYMENT:
        order = services.order_record_payment_elsewhere(order=order, actor=world.clerk, reference="test")
    return reload(order)


def revert(order: WorkOrder, world, reason: str = "customer changed their mind") -> WorkOrder:
    services.order_revert(order=order, actor=world.clerk, reason=reason)
    return reload(order)


def reload(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("business_type", "hall", "customer", "service", "counterparty").get(
        pk=order.pk
    )


def refresh(service: Service) -> Service:
    return Service.objects.get(pk=service.pk)
