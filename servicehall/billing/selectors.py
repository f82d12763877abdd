"""Reads of payments, receipts and refunds, scoped to the halls where the user holds the capability.

Other apps read through here: `payments_for_hall_day`, `refunds_for_hall_day` (cashdesk's settlement,
as the sources `apps` registers in `cashdesk.sources`), `refundable_amounts` /
`payment_refundable_amount`, `payment_get_for_user` (invoicing, credit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from servicehall.core.errors import Forbidden, NotFound
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from .models import REFUND_HOLDING_STATUSES, Payment, PaymentStatus, Receipt, Refund, RefundStatus


def _payment_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def payment_get_for_user(*, user: Any, payment_id: Any, capability: str = Capability.SERVE) -> Payment:
    """The payment with its receipt, if the user holds `capability` in its hall.

    A payment of a hall the user has no role in is "not found", so its existence does not leak.
    """
    pk = _payment_id(payment_id)
    payment = (
        Payment.objects.select_related("hall", "order", "receipt", "clerk").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if payment is None or not any(m.hall_id == payment.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such payment."))
    if not user_can(user=user, hall=payment.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return payment


def receipts_for_hall(*, user: Any, hall: Hall, capability: str = Capability.VIEW_HALL) -> QuerySet[Receipt]:
    """The hall's receipts in number order, with their payments (one query)."""
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": hall.code})
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return Receipt.objects.filter(hall=hall).select_related("payment", "payment__order").order_by("number")


# --- payments and refunds for other apps and screens ---------------------------------------------


def _day_bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return start, start + dt.timedelta(days=1)


def payments_for_hall_day(*, hall: Hall, day: dt.date) -> QuerySet[Payment]:
    """The hall's payments that succeeded on its local `day` (by `succeeded_at`: a QR payment confirmed after
    midnight belongs to the day the money came in), with receipts and clerks, in time order."""
    start, end = _day_bounds(hall, day)
    return (
        Payment.objects.filter(hall=hall, status=PaymentStatus.SUCCEEDED, succeeded_at__gte=start, succeeded_at__lt=end)
        .select_related("clerk", "receipt", "order")
        .order_by("succeeded_at", "id")
    )


def days_with_payments(*, hall: Hall, first: dt.date, last: dt.date) -> set[dt.date]:
    """The hall's local days of `first`..`last` on which a payment succeeded (the days `payments_for_hall_day`
    answers something for), in one query."""
    start = _day_bounds(hall, first)[0]
    end = _day_bounds(hall, last)[1]
    payments = Payment.objects.filter(
        hall=hall, status=PaymentStatus.SUCCEEDED, succeeded_at__gte=start, succeeded_at__lt=end
    ).order_by()
    return {at.date() for at in payments.datetimes("succeeded_at", "day", tzinfo=hall.tz)}


def refunds_for_hall_day(*, hall: Hall, day: dt.date) -> QuerySet[Refund]:
    """The hall's refunds paid out on its local `day` (by `paid_at`), in time order."""
    start, end = _day_bounds(hall, day)
    return (
        Refund.objects.filter(hall=hall, status=RefundStatus.PAID, paid_at__gte=start, paid_at__lt=end)
        .select_related("payment", "paid_by", "order")
        .order_by("paid_at", "id")
    )


def refundable_amounts(*, payments: Iterable[Payment]) -> dict[int, Decimal]:
    """What can still be refunded of each payment, by id, in one query: paid less the refunds that hold
    part of it (not rejected); nothing for a payment that has not succeeded."""
    payments = list(payments)
    succeeded = [p.pk for p in payments if p.status == PaymentStatus.SUCCEEDED]
    held: dict[int, Decimal] = {}
    if succeeded:
        rows = (
            Refund.objects.filter(payment_id__in=succeeded, status__in=REFUND_HOLDING_STATUSES)
            .values("payment_id")
            .annotate(total=Sum("amount"))
        )
        held = {row["payment_id"]: row["total"] for row in rows}
    return {
        p.pk: (p.amount - held.get(p.pk, Decimal("0.00"))) if p.status == PaymentStatus.SUCCEEDED else Decimal("0.00")
        for p in payments
    }


def payment_refundable_amount(*, payment: Payment) -> Decimal:
    """What can still be refunded of one payment (see `refundable_amounts`)."""
    return refundable_amounts(payments=[payment])[payment.pk]


def _hall_access(user: Any, hall: Hall, capability: str) -> None:
    if not any(m.hall_id == hall.pk for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no hall with the code %(code)s.") % {"code": hall.code})
    if not user_can(user=user, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))


def payments_for_hall(
    *,
    user: Any,
    hall: Hall,
    day: dt.date | None = None,
    status: str | None = None,
    purpose: str | None = None,
    capability: str = Capability.VIEW_HALL,
) -> QuerySet[Payment]:
    """The hall's payments, newest first, filtered by the local day they were created, status and purpose."""
    _hall_access(user, hall, capability)
    payments = (
        Payment.objects.filter(hall=hall).select_related("receipt", "order", "hall").prefetch_related("lines__order")
    )
    if day is not None:
        start, end = _day_bounds(hall, day)
        payments = payments.filter(created_at__gte=start, created_at__lt=end)
    if status:
        payments = payments.filter(status=status)
    if purpose:
        payments = payments.filter(purpose=purpose)
    return payments.order_by("-created_at", "-id")


def refunds_for_hall(*, user: Any, hall: Hall, status: str | None = None) -> QuerySet[Refund]:
    """The hall's refunds, newest first (the duty manager's screen; APPROVE_MONEY)."""
    _hall_access(user, hall, Capability.APPROVE_MONEY)
    refunds = Refund.objects.filter(hall=hall).select_related(
        "payment", "payment__receipt", "order", "service", "requested_by", "approved_by"
    )
    if status:
        refunds = refunds.filter(status=status)
    return refunds.order_by("-requested_at", "-id")


def refund_get_for_user(*, user: Any, refund_id: Any, capability: str = Capability.SERVE) -> Refund:
    """The refund, if the user holds `capability` in its hall; another hall's refund is "not found"."""
    pk = _payment_id(refund_id)
    refund = (
        Refund.objects.select_related("hall", "payment", "order", "service").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if refund is None or not any(m.hall_id == refund.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such refund."))
    if not user_can(user=user, hall=refund.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return refund


def payments_for_order(*, order: Any) -> QuerySet[Payment]:
    """Every payment of an order (any status; also those paying it together with other orders), oldest
    first, with receipts: the order page's payment panel."""
    return (
        Payment.objects.filter(Q(order=order) | Q(lines__order=order))
        .distinct()
        .select_related("receipt", "hall", "order")
        .order_by("created_at", "id")
    )


def payment_order_numbers(*, payment: Payment) -> str:
    """The numbers of the orders a payment paid, comma separated ("" for a top-up or an installment).
    Prefetch `lines__order` when asking for many payments."""
    numbers = [line.order.number for line in payment.lines.all()]
    if not numbers and payment.order is not None:
        numbers = [payment.order.number]
    return ", ".join(numbers)


def payment_get_by_sim_token(*, token: str) -> Payment | None:
    """The payment behind a simulated QR code (the simulated phone page; no user)."""
    return Payment.objects.filter(provider="simulated", provider_ref=token).select_related("hall").first()
