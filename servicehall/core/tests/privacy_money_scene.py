"""The money part of the every-screen privacy scene (PRIV01): payments, receipts, refunds, a top-up, a QR
payment pending, an invoice, credit plans, promotions with points, drawers, a handover and the day's settlement.

Everything is built through the apps' own services (and their test helpers), for the scene's customers,
whose ID numbers, phones and addresses are the scan's secrets. `money_scene` answers the ids that fill
the money routes' URL parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from servicehall.billing import services as billing
from servicehall.billing.models import Payment, Refund
from servicehall.billing.tests.helpers import ensure_drawer, pay, sim_token, top_up
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.cashdesk import services as cashdesk
from servicehall.credit import services as credit
from servicehall.credit.models import CreditApplication, Installment
from servicehall.customers.models import CreditLevel, Customer, Service
from servicehall.invoicing import services as invoicing
from servicehall.invoicing.models import Invoice
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.tests.helpers import business, processed
from servicehall.promotions import selectors as promotion_selectors
from servicehall.promotions import services as promotion_services
from servicehall.promotions.tests.helpers import promotion
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.customers import MobileServiceFactory
from testsupport.world import HallWorld

LI_MOBILE = "13900000002"  # 李四's mobile number, opened for the credit plan he applies for

# The money routes' URL parameters and what the scene fills them with.
MONEY_URL_KWARGS: dict[str, str] = {
    "service_id": "every service of 张三 (mobile topped up, fixed line, gas, broadband)",
    "payment_id": "every payment of the hall (cash, card, top-up, QR pending, installment, clerk2's)",
    "refund_id": "a refund paid at once and one waiting for approval",
    "receipt_id": "every receipt of the hall",
    "invoice_id": "张三's invoice",
    "application_id": "张三's signed credit plan and 李四's application waiting for review",
    "handover_id": "clerk2's drawer handed over to the duty manager, waiting for the signature",
    "day": "today in the hall (ISO date), its settlement with a deposit slip",
    "token": "the simulated provider's token of the QR payment pending",
    "provider": "the configured QR provider (its notification route is POST-only: a GET answers 405)",
}


@dataclass
class MoneyScene:
    kwarg_values: dict[str, list[str]]
    orders: dict[str, WorkOrder]
    payments: dict[str, Payment]
    invoice: Invoice
    qr_token: str


def _at_payment(world: HallWorld, person: Customer, code: str, fee: str) -> WorkOrder:
    bt = world.hall.business_types.filter(code=code).first() or business(world, code, standard_fee=Decimal(fee))
    order = processed(world, bt, person=person)
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return WorkOrder.objects.select_related("hall", "business_type", "customer").get(pk=order.pk)


def _eligible_for_credit(person: Customer, number: str = "") -> Service:
    """A person with four stars and a mobile number open for more than a year (CREDIT eligibility)."""
    Customer.objects.filter(pk=person.pk).update(credit_level=CreditLevel.FOUR)
    person.refresh_from_db()
    found = person.services.filter(kind=Service.Kind.MOBILE).first()
    mobile = found or cast(Service, MobileServiceFactory(customer=person, company=person.company, number=number))
    Service.objects.filter(pk=mobile.pk).update(opened_at=timezone.now() - dt.timedelta(days=400))
    mobile.refresh_from_db()
    return mobile


def build_money_scene(world: HallWorld, people: dict[str, Customer], held: dict[str, Any]) -> MoneyScene:
    zhang, li = people["zhang"], people["li"]
    hall, clerk, manager = world.hall, world.clerk, world.manager
    ensure_drawer(world)
    # The orders whose ids join the scan: the handset's and 李四's below are more of the same kind.
    built: dict[str, WorkOrder] = {}
    payments: dict[str, Payment] = {}

    # A cash payment with its receipt, and a refund of part of it paid back at once.
    fee_order = _at_payment(world, zhang, "privacy_fee", "30.00")
    payments["cash"], _ = pay(world, fee_order, key="priv-cash", amount="30.00", tendered="50.00")
    built["fee order (paid in cash)"] = fee_order
    small_refund, _ = billing.refund_request(actor=clerk, payment=payments["cash"], amount="10.00", reason="多收")
    # A card payment above the approval limit, and a refund of it waiting for the duty manager.
    handset = _at_payment(world, zhang, "privacy_handset", "300.00")
    payments["card"], _ = pay(world, handset, key="priv-card", method="card", amount="300.00")
    big_refund, _ = billing.refund_request(actor=clerk, payment=payments["card"], amount="250.00", reason="退货")
    assert big_refund.status != small_refund.status, "one refund paid at once, one waiting for approval"

    # A top-up of 张三's mobile number.
    payments["top-up"], _ = top_up(world, held["zhang_mobile"], key="priv-top-up", amount="50.00", tendered="100.00")

    # Points and a promotion applied at the payment step, then a QR payment left pending.
    promotion_services.points_adjust(customer=zhang, points=500, actor=manager, note="welcome", hall=hall)
    offered = _at_payment(world, zhang, "privacy_offer", "80.00")
    promotion(hall, "privacy_promo", types=[offered.business_type])
    promotion_services.promotions_apply(order=offered, actor=clerk, redeem_points=100)
    due = promotion_selectors.order_amount_due(order=offered)
    payments["qr pending"], _ = pay(world, offered, key="priv-qr", method="qr", amount=f"{due:.2f}")
    built["offer order (QR payment pending)"] = offered

    # 张三's invoice of his cash payment and his top-up.
    invoice = invoicing.invoice_issue(
        hall=hall,
        actor=clerk,
        customer=zhang,
        payment_ids=[payments["cash"].pk, payments["top-up"].pk],
        buyer_kind="personal",
    )

    # 张三's handset on credit: approved, signed, the first installment paid in cash; 李四's waits for review.
    plan = credit.application_submit(
        hall=hall,
        actor=clerk,
        customer=zhang,
        service=_eligible_for_credit(zhang),
        handset_name="Huawei Mate 70",
        handset_price="3999.00",
        down_payment="999.00",
        months=12,
    )
    plan = credit.application_review(application=plan, actor=manager, approve=True, note="ok")
    plan = credit.application_sign(application=plan, actor=clerk)
    first = Installment.objects.filter(application=plan).order_by("number").first()
    assert first is not None
    payments["installment"], _ = credit.installment_pay(
        application=plan,
        actor=clerk,
        method="cash",
        amount=f"{first.amount:.2f}",
        tendered="500.00",
        idempotency_key="priv-installment",
    )
    waiting = credit.application_submit(
        hall=hall,
        actor=clerk,
        customer=li,
        service=_eligible_for_credit(li, LI_MOBILE),
        handset_name="iPhone 17",
        handset_price="5999.00",
        down_payment="1999.00",
        months=6,
    )

    # clerk2 takes 李四's fee in cash and hands the drawer's cash over to the duty manager; today's deposit slip.
    session = open_drawer(world, clerk=world.clerk2)
    li_order = _at_payment(world, li, "privacy_fee", "30.00")
    payments["clerk2 cash"], _ = pay(
        world, li_order, key="priv-clerk2", amount="30.00", tendered="30.00", actor=world.clerk2
    )
    expected = cashdesk_selectors.drawer_expected(session=session)
    handover = cashdesk.handover_start(
        session=session, actor=world.clerk2, incoming=manager, counts=counts_for(expected), takes_drawer=False
    )
    today = hall.local_date()
    cashdesk.settlement_record_deposit(
        hall=hall,
        day=today,
        actor=manager,
        amount="80.00",
        carried_by="王师傅",
        escort="保安甲",
        slip_number="DEP-0001",
    )

    kwarg_values = {
        "service_id": [str(held[k].pk) for k in ("zhang_mobile", "zhang_fixed", "zhang_gas", "zhang_broadband")],
        "payment_id": [str(p.pk) for p in payments.values()],
        "refund_id": [str(small_refund.pk), str(big_refund.pk)],
        "receipt_id": [str(pk) for pk in hall.receipts.order_by("pk").values_list("pk", flat=True)],
        "invoice_id": [str(invoice.pk)],
        "application_id": [str(plan.pk), str(waiting.pk)],
        "handover_id": [str(handover.pk)],
        "day": [today.isoformat()],
        "token": [sim_token(Payment.objects.get(pk=payments["qr pending"].pk))],
        "provider": [payments["qr pending"].provider],
    }
    assert set(kwarg_values) == set(MONEY_URL_KWARGS)
    assert Refund.objects.filter(hall=hall).count() == 2
    assert CreditApplication.objects.filter(hall=hall).count() == 2
    return MoneyScene(
        kwarg_values=kwarg_values,
        orders={name: WorkOrder.objects.get(pk=order.pk) for name, order in built.items()},
        payments=payments,
        invoice=invoice,
        qr_token=kwarg_values["token"][0],
    )
