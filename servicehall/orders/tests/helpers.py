"""Builders for the orders tests: business types, customers with ID documents, orders walked to a step.

Customers and their documents are written straight to the customers models (with
valid fictitious ID numbers), so these tests do not depend on the customers services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import time_machine

from servicehall.catalog.models import BusinessType, Checklist
from servicehall.customers.models import Customer, IdDocument, Service
from servicehall.orders import services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from testsupport.customers import make_resident_id

S = OrderStatus

ID_DOC = {"code": "resident_id", "name_zh": "本人有效身份证件原件", "name_en": "Own valid ID document (original)"}
NEW_OWNER_DOC = {
    "code": "new_owner_id",
    "name_zh": "新机主有效身份证件原件",
    "name_en": "New owner's valid ID document",
}
PROXY_DOC = {"code": "proxy_id", "name_zh": "代办人有效身份证件原件", "name_en": "Proxy's valid ID document"}
ANTI_FRAUD_ITEMS = [
    {
        "code": "phone_instructions",
        "text_zh": "是否有人正在电话里指导您办理？",
        "text_en": "Is someone on the phone telling you to do this?",
        "safe_answer": "no",
        "unsafe_answer": "yes",
    },
    {
        "code": "own_will",
        "text_zh": "是否是您本人自愿办理？",
        "text_en": "Are you doing this of your own free will?",
        "safe_answer": "yes",
        "unsafe_answer": "no",
    },
]
SAFE_ANSWERS = {"phone_instructions": "no", "own_will": "yes"}
UNSAFE_ANSWERS = {"phone_instructions": "yes", "own_will": "yes"}


def business(world, code: str = "mobile_open", **fields: Any) -> BusinessType:
    """A business type of the world's hall in category B; fields override the handling flags."""
    values: dict[str, Any] = {
        "pack": "telecom",
        "category": world.b,
        "name_zh": f"业务{code}",
        "name_en": f"Business {code}",
        "required_documents": [ID_DOC],
        "identity_required": True,
        "standard_fee": Decimal("0.00"),
    }
    values.update(fields)
    return BusinessType.objects.create(hall=world.hall, code=code, **values)


def anti_fraud_checklist(world) -> Checklist:
    return Checklist.objects.create(
        hall=world.hall,
        pack="telecom",
        code="anti_fraud",
        title_zh="防诈骗提示",
        title_en="Anti-fraud check",
        warning_zh="警惕电信诈骗",
        warning_en="Beware of telecom fraud",
        items=ANTI_FRAUD_ITEMS,
    )


def resident_id_number() -> str:
    """A distinct, valid (GB 11643) but fictitious resident ID number per call."""
    return make_resident_id()


def customer(world, name: str = "张三", *, phone: str = "13812345678", valid_until: dt.date | None = None) -> Customer:
    person = Customer.objects.create(company=world.hall.company, name=name, phone=phone)
    IdDocument.objects.create(
        customer=person,
        company=world.hall.company,
        kind=IdDocument.Kind.RESIDENT_ID,
        number=resident_id_number(),
        holder_name=name,
        valid_until=valid_until,
    )
    return person


def id_document(person: Customer) -> IdDocument:
    return person.documents.order_by("id").first()


def mobile(person: Customer, number: str = "13900001111", **fields: Any) -> Service:
    return Service.objects.create(company=person.company, customer=person, kind="mobile", number=number, **fields)


def create(world, business_type: BusinessType, *, clerk=None, person=None, **kwargs: Any) -> WorkOrder:
    return services.order_create(
        hall=world.hall, actor=clerk or world.clerk, business_type=business_type, customer=person, **kwargs
    )


def to_acceptance(order: WorkOrder, clerk) -> WorkOrder:
    order = services.order_advance(order=order, to=S.CONSULTATION, actor=clerk)
    return services.order_advance(order=order, to=S.ACCEPTANCE, actor=clerk)


def satisfy_acceptance(order: WorkOrder, clerk) -> WorkOrder:
    """Check the owner's ID and tick every document (the simple, owner-present case)."""
    if order.customer is not None:
        services.order_identity_check(
            order=order, actor=clerk, document=id_document(order.customer), party="owner", method="card_reader"
        )
    for document in order.documents.all():
        services.order_document_seen(order=order, code=document.code, actor=clerk)
    return order


def through_acceptance(order: WorkOrder, clerk) -> WorkOrder:
    """From reception to the step after acceptance (review or processing)."""
    order = to_acceptance(order, clerk)
    satisfy_acceptance(order, clerk)
    nxt = S.REVIEW if order.business_type.review_required else S.PROCESSING
    return services.order_advance(order=order, to=nxt, actor=clerk)


def processed(world, business_type: BusinessType, person=None, **kwargs: Any) -> WorkOrder:
    """An order of a business without review, processed and waiting for the customer's confirmation."""
    order = create(world, business_type, person=person if person is not None else customer(world), **kwargs)
    order = through_acceptance(order, world.clerk)
    return services.order_advance(order=order, to=S.CONFIRMATION, actor=world.clerk)


def reload(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_related("business_type", "hall").get(pk=order.pk)


def orders_in_every_step(world) -> list[WorkOrder]:
    """One order at each step of the table (follow-up included), all for one customer."""
    plain = business(world, "mobile_open")
    reviewed = business(world, "cancel", review_required=True, standard_fee=Decimal("5.00"))
    person = customer(world)
    reception = create(world, plain, person=person)
    acceptance = to_acceptance(create(world, plain, person=person), world.clerk)
    review = through_acceptance(create(world, reviewed, person=person), world.clerk)
    rejected = through_acceptance(create(world, reviewed, person=person), world.clerk)
    services.order_review(order=rejected, actor=world.manager, approve=False, reason="no")
    processing = through_acceptance(create(world, plain, person=person), world.clerk)
    confirmation = processed(world, plain, person=person)
    payment = processed(world, business(world, "fee", standard_fee=Decimal("1.00")), person=person)
    services.order_confirm(order=payment, actor=world.clerk, method="clerk_tick")
    closed = processed(world, plain, person=person)
    services.order_confirm(order=closed, actor=world.clerk, method="clerk_tick")
    withdrawn = create(world, plain, person=person)
    services.order_withdraw(order=withdrawn, actor=world.clerk)
    reverted = processed(world, plain, person=person)
    services.order_revert(order=reverted, actor=world.clerk, reason="test")
    follow_up = processed(world, business(world, "callback", follow_up_days=3), person=person)
    services.order_confirm(order=follow_up, actor=world.clerk, method="clerk_tick")
    orders = [reception, acceptance, review, rejected, processing, confirmation, payment, follow_up, closed]
    return [reload(o) for o in [*orders, withdrawn, reverted]]


@contextmanager
def at_the_appointment(job: Any) -> Iterator[None]:
    """Time stands a few minutes into the job's appointment: the technician reports on the day, not early."""
    with time_machine.travel(job.window_start + dt.timedelta(minutes=5), tick=False):
        yield
