"""PRIV02 erasure on request reaches every row that holds the customer's personal data, in every app.

张三 has one of each: a closed work order with typed-in details, notes, a signature, a data change and a
follow-up call; a payment with a refund and history notes; a personal invoice; a paid-off credit plan with the
reviewer's note; complaints (his own and one given with his phone) with an investigation note; an opinion book
entry, a booking and a ticket with his phone; a text message to him; a hotel stay booked with his phone and
registered with his ID card; a business visit with his ID card. After the erasure no text or JSON column of any
table holds his name, phone, ID number or street address, and every amount, count and number is unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from servicehall.appointments.models import AppointmentType, Booking
from servicehall.billing.models import (
    Payment,
    PaymentMethod,
    PaymentMove,
    PaymentPurpose,
    PaymentStatus,
    Receipt,
    Refund,
)
from servicehall.care.models import Complaint, FollowUpCall, FollowUpOutcome, OpinionEntry
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.core.retention import ANONYMISED_NAME, ERASED_TEXT
from servicehall.core.tests import priv02_rows as rows
from servicehall.credit.models import CreditApplication, CreditStatusChange
from servicehall.credit.states import CreditStatus
from servicehall.customers import services
from servicehall.customers.models import Service
from servicehall.hotel.models import GuestRegistration, Reservation
from servicehall.invoicing.models import BuyerKind, Invoice, InvoiceChannel
from servicehall.orders.models import Confirmation, CustomerDataChange, FollowUpTask, OrderMove, WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import business
from servicehall.org.roles import Role
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket
from servicehall.reception.models import Visitor
from servicehall.reception.tests.helpers import plan
from testsupport.customers import MobileServiceFactory
from testsupport.world import make_member

from .conftest import ZHANG_ID, ZHANG_PHONE

pytestmark = pytest.mark.django_db

NAME = "张三"
ADDRESS = "世纪大道100弄3号1201室"
SECRETS = (NAME, ZHANG_PHONE, ZHANG_ID, ADDRESS)
WORDS = "请删除我的资料"


def _one_of_each(world, zhang) -> dict[str, object]:
    now = timezone.now()
    said = f"{NAME}，电话{ZHANG_PHONE}，住{ADDRESS}，证件{ZHANG_ID}"
    service = MobileServiceFactory(
        customer=zhang, status=Service.Status.CANCELLED, cancelled_at=now - dt.timedelta(days=30), balance=0
    )
    order = WorkOrder.objects.create(
        hall=world.hall,
        number="ORD-E1",
        business_type=business(world),
        clerk=world.clerk,
        customer=zhang,
        service=service,
        status=OrderStatus.CLOSED,
        created_at=now - dt.timedelta(days=20),
        closed_at=now - dt.timedelta(days=19),
        details={"name": NAME, "phone": ZHANG_PHONE, "address_detail": ADDRESS, "extra": {"id": ZHANG_ID}, "n": 2},
        fraud_override_note=f"{NAME}坚持办理",
        reason=said,
        fee_total=Decimal("30.00"),
    )
    OrderMove.objects.create(order=order, from_status="", to_status="closed", actor=world.clerk, at=now, note=said)
    Confirmation.objects.create(
        order=order,
        summary="开通业务",
        fee_total=Decimal("30.00"),
        method="signature",
        signature=f"signed:{NAME}",
        confirmed_by=world.clerk,
        at=now,
    )
    CustomerDataChange.objects.create(
        order=order,
        customer=zhang,
        field="address_detail",
        old_value=ADDRESS,
        new_value=f"{ADDRESS}旁",
        actor=world.clerk,
        at=now,
    )
    task = FollowUpTask.objects.create(order=order, due_at=now, status=FollowUpTask.Status.DONE, note=said)
    FollowUpCall.objects.create(
        hall=world.hall, task=task, at=now, outcome=FollowUpOutcome.SATISFIED, note=said, by=world.manager
    )
    payment = Payment.objects.create(
        hall=world.hall,
        clerk=world.clerk,
        purpose=PaymentPurpose.ORDER_FEES,
        order=order,
        customer=zhang,
        method=PaymentMethod.CASH,
        amount=Decimal("30.00"),
        status=PaymentStatus.SUCCEEDED,
        idempotency_key="k-erase",
        request_hash="h",
        created_at=now,
    )
    Receipt.objects.create(hall=world.hall, number="R0001", payment=payment, issued_at=now)
    PaymentMove.objects.create(
        payment=payment, from_status="", to_status="succeeded", actor=world.clerk, at=now, note=said
    )
    Refund.objects.create(
        hall=world.hall,
        payment=payment,
        order=order,
        amount=Decimal("10.00"),
        reason=said,
        method="cash",
        requested_by=world.clerk,
        requested_at=now,
        decision_note=f"{NAME}同意",
    )
    Invoice.objects.create(
        hall=world.hall,
        number="INV0001",
        customer=zhang,
        channel=InvoiceChannel.COUNTER,
        buyer_kind=BuyerKind.PERSONAL,
        buyer_title=NAME,
        total=Decimal("30.00"),
        tax_rate=Decimal("0.06"),
        tax_amount=Decimal("1.70"),
        download_code="DLE0001",
        issued_by=world.clerk,
        issued_at=now,
    )
    plan_row = CreditApplication.objects.create(
        hall=world.hall,
        number="CR0001",
        customer=zhang,
        service=service,
        handset_name="手机",
        handset_price=Decimal("3000.00"),
        down_payment=Decimal("600.00"),
        months=12,
        principal=Decimal("2400.00"),
        status=CreditStatus.PAID_OFF,
        applied_by=world.clerk,
        applied_at=now - dt.timedelta(days=400),
        ended_at=now - dt.timedelta(days=30),
        review_note=said,
    )
    CreditStatusChange.objects.create(
        application=plan_row, from_status="", to_status="paid_off", actor=world.clerk, at=now, note=said
    )
    rows.complaint(world, words=said, customer=zhang, order=order, closed_ago=dt.timedelta(days=3), entry=said)
    rows.complaint(world, words=f"我是{NAME}", name=NAME, phone=ZHANG_PHONE)
    rows.opinion(world, text=said, name=NAME, phone=ZHANG_PHONE, answered_ago=dt.timedelta(days=1))
    kind = AppointmentType.objects.create(hall=world.hall, category=world.b, slot_minutes=30)
    Booking.objects.create(
        hall=world.hall,
        type=kind,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2) + dt.timedelta(minutes=30),
        name=NAME,
        phone=ZHANG_PHONE,
        code="ERASE234",
        channel=Booking.Channel.PUBLIC,
        notes=said,
        status="checked_in",
    )
    ticket = queue_services.ticket_issue(hall=world.hall, category=world.a, phone=ZHANG_PHONE)
    Ticket.objects.filter(pk=ticket.pk).update(status="done")
    OutgoingMessage.objects.create(
        hall=world.hall, phone=ZHANG_PHONE, body=f"{NAME}您好", purpose="test", status=OutgoingMessage.Status.SENT
    )
    rows.stay(world, name=NAME, phone=ZHANG_PHONE, document=ZHANG_ID, departed_ago=dt.timedelta(days=5))
    visit = plan(world.hall, world.manager)
    Visitor.objects.create(visit=visit, name=NAME, position="经理", id_kind="resident_id", id_number=ZHANG_ID)
    return {"order": order, "payment": payment}


def _where_found(secret: str) -> list[str]:
    """Every text or JSON column of every table holding `secret`: "model.field" (the audit trail aside)."""
    found = []
    for model in apps.get_models():
        if model is AuditEntry:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for values in model.objects.values_list(*fields) if fields else ():
            for name, value in zip(fields, values, strict=True):
                if secret in str(value):
                    found.append(f"{model._meta.label}.{name}")
    return sorted(set(found))


def _figures() -> dict[str, object]:
    return {
        "orders": WorkOrder.objects.count(),
        "order fees": sum(o.fee_total for o in WorkOrder.objects.all()),
        "payments": sorted((p.amount, p.status) for p in Payment.objects.all()),
        "receipts": sorted(Receipt.objects.values_list("number", flat=True)),
        "refunds": sorted(Refund.objects.values_list("amount", flat=True)),
        "invoices": sorted(Invoice.objects.values_list("number", "total", "tax_amount")),
        "credit": sorted(CreditApplication.objects.values_list("number", "principal", "status")),
        "complaints": sorted(Complaint.objects.values_list("number", "status")),
        "opinions": OpinionEntry.objects.count(),
        "bookings": sorted(Booking.objects.values_list("code", "status")),
        "tickets": sorted(Ticket.objects.values_list("number", "status")),
        "stays": sorted(Reservation.objects.values_list("code", "total", "status")),
        "guests": GuestRegistration.objects.count(),
        "visitors": Visitor.objects.count(),
        "calls": FollowUpCall.objects.count(),
    }


def test_priv02_an_erasure_leaves_no_personal_value_in_any_table_and_keeps_every_figure(world, zhang):
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_er")
    scene = _one_of_each(world, zhang)
    for secret in SECRETS:
        assert _where_found(secret), secret  # the scene does hold each of them before
    figures = _figures()

    services.personal_data_erase(actor=admin, hall=world.hall, customer=zhang, words=WORDS, confirmed=True)

    left = {secret: _where_found(secret) for secret in SECRETS}
    assert left == {secret: [] for secret in SECRETS}
    assert _figures() == figures
    order = WorkOrder.objects.get(pk=scene["order"].pk)
    assert order.details == {"name": "", "phone": "", "address_detail": "", "extra": {"id": ""}, "n": 2}
    assert Invoice.objects.get(number="INV0001").buyer_title == ANONYMISED_NAME
    assert set(Complaint.objects.values_list("words", flat=True)) == {ERASED_TEXT}
    audit = AuditEntry.objects.get(action="customer.erased_on_request")
    assert audit.data["linked_rows"] > 0 and audit.data["request_words"] == WORDS


def test_priv02_the_inactive_customers_run_clears_the_same_rows(world, zhang):
    _one_of_each(world, zhang)
    from servicehall.customers.services.subject_rights import inactive_customers_anonymise

    assert inactive_customers_anonymise(type(zhang).objects.filter(pk=zhang.pk), timezone.now()) == 1
    assert {secret: _where_found(secret) for secret in SECRETS} == {secret: [] for secret in SECRETS}


def test_priv02_a_hotel_stay_not_over_yet_holds_the_erasure(world, zhang):
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_hs")
    rows.stay(
        world, name=NAME, phone=ZHANG_PHONE, document=ZHANG_ID, departed_ago=dt.timedelta(days=-2), status="checked_in"
    )
    with pytest.raises(Conflict) as refused:
        services.personal_data_erase(actor=admin, hall=world.hall, customer=zhang, words=WORDS, confirmed=True)
    assert "Hotel stays booked or in house: 1." in refused.value.extra["reasons"]
    assert Reservation.objects.get().guest_name == NAME
