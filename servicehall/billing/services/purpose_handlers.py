"""The billing app's own purposes, `order_fees` and `top_up`: what a payment for them does when it succeeds,
whether they still want a late QR payment, and a top-up refund's undo. Registered by `billing.purposes`."""

from __future__ import annotations

from servicehall.customers import services as customer_services
from servicehall.customers.models import Service
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus

from ..models import Payment, Refund
from ._common import _amount_due, _lines


def order_fees_succeeded(payment: Payment) -> None:
    """Each order paid leaves the payment step the orders app's own way (paid_at, reference, history, audit)."""
    for line in _lines(payment):
        order_services.order_record_payment(order=line.order, actor=payment.clerk, reference=payment.receipt.number)


def order_fees_payable(payment: Payment) -> bool:
    """Whether every order of the payment still waits for exactly what its line paid (the orders locked)."""
    lines = _lines(payment)
    if not lines:
        return False
    locked = {
        o.pk: o
        for o in WorkOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=[line.order_id for line in lines])
        .order_by("pk")
    }
    for line in lines:
        order = locked.get(line.order_id)
        if order is None or order.status != OrderStatus.PAYMENT or _amount_due(order) != line.amount:
            return False
        line.order = order
    return True


def top_up_succeeded(payment: Payment) -> None:
    assert payment.service is not None
    customer_services.service_balance_change(
        actor=payment.clerk, hall=payment.hall, service=payment.service, amount=payment.amount, reason="top_up"
    )


def top_up_payable(payment: Payment) -> bool:
    if payment.service_id is None:
        return False
    service = Service.objects.select_for_update().filter(pk=payment.service_id).first()
    return service is not None and service.status != Service.Status.CANCELLED


def top_up_refunded(refund: Refund) -> None:
    payment = refund.payment
    assert payment is not None and payment.service is not None
    customer_services.service_balance_change(
        actor=refund.paid_by, hall=refund.hall, service=payment.service, amount=-refund.amount, reason="top_up_refund"
    )
