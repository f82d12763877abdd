"""The payment step of an order at the counter: what the order page shows of money and the clerk's "take the
payment", "refund" and "nothing due".

The rules live in billing's services (payments, receipts, refunds) and promotions (what is due); this module
only gathers what the order page shows and turns a posted form into one service call. Billing registers it
with `orders.extensions` in `BillingConfig.ready()`: the order page is orders', the money is billing's. The
three actions are billing's views (`views_order`), each built with orders' `order_action`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.orders import selectors as order_selectors
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.roles import Capability
from servicehall.promotions import selectors as promotion_selectors

from . import selectors as billing_selectors
from . import services as billing_services
from .cash_tender import KEYPAD_NOTES, tender_phrase
from .hooks import payments_invoice_numbers
from .models import RefundStatus

# The steps at which an order may have payments: from its payment step on.
HAS_PAYMENTS = frozenset({OrderStatus.PAYMENT, OrderStatus.FOLLOW_UP, OrderStatus.CLOSED, OrderStatus.REVERTED})


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    """A link to another app's screen, or None where that app is not installed in this deployment."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _payment_row(payment: Any, refundable: dict[int, Decimal], invoiced: dict[int, list[str]]) -> dict[str, Any]:
    receipt = getattr(payment, "receipt", None) if payment.status == "succeeded" else None
    phrase = ""
    if payment.tendered is not None and payment.change is not None:
        phrase = tender_phrase(tendered=payment.tendered, change=payment.change)
    return {
        "id": payment.pk,
        "method_display": payment.get_method_display(),
        "status": payment.status,
        "status_display": payment.get_status_display(),
        "amount": payment.amount,
        "phrase": phrase,
        "pos_reference": payment.pos_reference,
        "receipt": receipt.number if receipt else "",
        "receipt_url": _url_or_none("billing:receipt", receipt_id=receipt.pk) if receipt else None,
        "invoice_url": _invoice_url(payment) if receipt else None,
        "refundable": refundable[payment.pk] if receipt else None,
        "refund_key": uuid.uuid4().hex,
        # Issued invoices covering the payment: the refund form warns that paying a refund voids them.
        "invoices": ", ".join(invoiced.get(payment.pk, [])),
    }


def _invoice_url(payment: Any) -> str | None:
    base = _url_or_none("invoicing:create")
    customer_id = payment.customer_id or (payment.order.customer_id if payment.order is not None else None)
    if base is None or customer_id is None:
        return None
    return f"{base}?hall={payment.hall.code}&customer={customer_id}&payment={payment.pk}"


def _issued_invoices(payments: list[Any]) -> dict[int, list[str]]:
    """Issued invoices per payment, from the app that issues them (none when invoicing is not installed)."""
    return payments_invoice_numbers(payment_ids=[p.pk for p in payments])


def together_requested(request: HttpRequest) -> list[str]:
    """The other orders the clerk ticked to pay with this one (`with`, in the page's query or the posted form)."""
    source = request.POST if request.method == "POST" else request.GET
    return source.getlist("with")[: billing_services.MAX_ORDERS_PER_PAYMENT]


def _together(order: WorkOrder, ticked: list[str]) -> list[dict[str, Any]]:
    """The customer's other orders waiting for payment, with what each owes and whether it is ticked."""
    others = order_selectors.orders_awaiting_payment_with(
        order=order, limit=billing_services.MAX_ORDERS_PER_PAYMENT - 1
    )
    dues = promotion_selectors.order_amounts_due(orders=others)
    rows = []
    for other in others:
        due = dues[other.pk]
        if due > 0:
            rows.append({"order": other, "due": due, "ticked": str(other.pk) in ticked})
    return rows


def _suggested_offers(order: WorkOrder) -> dict[str, Any]:
    """The offers that apply to the order as it stands (no card BIN, quantity or points asked), to show in the
    pay box with one click to apply (PAY04, issue 10). None once promotions were applied to the order."""
    if promotion_selectors.applications_for_order(order=order):
        return {"suggested_offers": [], "suggested_due": None}
    quote = promotion_selectors.offers_for_order(order=order)
    lines = [line for line in quote.lines if line.applies and (line.discount > 0 or line.gift)]
    return {"suggested_offers": lines, "suggested_due": quote.amount_due if lines else None}


def payment_context(*, order: WorkOrder, together: list[str] | None = None) -> dict[str, Any]:
    """What the order page shows of money: the pay box at the payment step (with the customer's other
    orders waiting for payment, to pay together), and the payments made."""
    if order.status not in HAS_PAYMENTS:
        return {"payments": [], "pay": None}
    payments = list(billing_selectors.payments_for_order(order=order))
    refundable = billing_selectors.refundable_amounts(payments=payments)
    invoiced = _issued_invoices(payments)
    context: dict[str, Any] = {"payments": [_payment_row(p, refundable, invoiced) for p in payments]}
    if order.status != OrderStatus.PAYMENT:
        context["pay"] = None
        return context
    due = promotion_selectors.order_amount_due(order=order)
    pending = next((p for p in payments if p.status == "pending"), None)
    others = _together(order, together or []) if due > 0 else []
    ticked = [row for row in others if row["ticked"]]
    context["pay"] = {
        "amount_due": due + sum((row["due"] for row in ticked), Decimal("0.00")),
        "own_due": due,
        "together": others,
        "ticked": [row["order"].pk for row in ticked],
        "nothing_due": due == 0,
        "discount": order.fee_total - due if due != order.fee_total else None,
        "key": uuid.uuid4().hex,
        "notes": KEYPAD_NOTES,
        "qr_available": billing_services.qr_available(),
        "offers_url": _url_or_none("promotions:order_offers", order_id=order.pk),
        **(_suggested_offers(order) if due > 0 else {"suggested_offers": [], "suggested_due": None}),
        "pending_qr": {"status_url": _url_or_none("billing:qr_status", payment_id=pending.pk)} if pending else None,
    }
    return context


def order_page_context(request: HttpRequest, order: WorkOrder) -> dict[str, Any]:
    """The order page's part of money (registered with `orders.extensions`) and the billing templates that
    show it: the order page includes them without knowing billing."""
    context = payment_context(order=order, together=together_requested(request))
    return {**context, "pay_template": "billing/order_pay.html", "payments_template": "billing/order_payments.html"}


def take_payment(request: HttpRequest, order: WorkOrder) -> str:
    """The clerk's "take the payment": one billing call keyed by the form's idempotency key."""
    method = request.POST.get("method", "")
    amount = request.POST.get("amount", "")
    tendered = request.POST.get("tendered") if method == "cash" else None
    ticked = order_selectors.orders_get_for_user(
        user=request.user, ids=together_requested(request), capability=Capability.SERVE
    )
    others = [other for other in ticked if other.pk != order.pk]
    payment, _created = billing_services.payment_take(
        hall=order.hall,
        actor=request.user,
        order=order,
        with_orders=others,
        method=method,
        amount=amount,
        tendered=tendered,
        pos_reference=request.POST.get("pos_reference", ""),
        idempotency_key=request.POST.get("key", ""),
        request_hash=billing_services.payment_request_hash(
            order_id=[order.pk, *(o.pk for o in others)] if others else order.pk,
            method=method,
            amount=amount,
            tendered=tendered,
        ),
    )
    if payment.status == "pending":
        return _("Show the customer the QR code; the page follows the payment.")
    receipt = payment.receipt.number
    if payment.tendered is not None and payment.change is not None:
        phrase = tender_phrase(tendered=payment.tendered, change=payment.change)
        return _("Paid, receipt %(number)s. Say: %(phrase)s") % {"number": receipt, "phrase": phrase}
    return _("Paid, receipt %(number)s.") % {"number": receipt}


def refund_payment(request: HttpRequest, order: WorkOrder) -> str:
    """The clerk's "refund" on one of the order's payments (PAY06): to the original method, with a reason;
    above the hall's limit it waits for the duty manager."""
    payment_id = request.POST.get("payment", "")
    payment = next((p for p in billing_selectors.payments_for_order(order=order) if str(p.pk) == payment_id), None)
    if payment is None:
        raise NotFound(_("There is no such payment on this order."))
    amount, reason = request.POST.get("amount", ""), request.POST.get("reason", "")
    refund, _created = billing_services.refund_request(
        actor=request.user,
        payment=payment,
        amount=amount,
        reason=reason,
        idempotency_key=request.POST.get("key", ""),
        request_hash=billing_services.refund_request_hash(target=f"payment:{payment.pk}", amount=amount, reason=reason),
    )
    if refund.status == RefundStatus.PAID:
        return _("Refunded ¥%(amount)s by %(method)s.") % {
            "amount": refund.amount,
            "method": refund.get_method_display(),
        }
    if refund.status in (RefundStatus.SENDING, RefundStatus.FAILED):
        # A repeated press answers what the first got: the payment service has it, or could not pay it back.
        return _("The refund of ¥%(amount)s: %(status)s.") % {
            "amount": refund.amount,
            "status": refund.get_status_display(),
        }
    return _("The refund of ¥%(amount)s waits for the duty manager's approval.") % {"amount": refund.amount}


def settle_nothing_due(request: HttpRequest, order: WorkOrder) -> str:
    """Promotions cover all the fees: the order leaves the payment step with nothing taken (PAY04)."""
    billing_services.order_settle_nothing_due(hall=order.hall, actor=request.user, order=order)
    return _("Nothing to pay: the promotions cover the fees.")
