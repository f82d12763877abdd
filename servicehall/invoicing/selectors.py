"""Reads of invoices, scoped to the halls where the user holds the capability (PAY03)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from servicehall.billing import selectors as billing_selectors
from servicehall.billing.models import Payment, PaymentStatus
from servicehall.cashdesk.sources import DayInvoices
from servicehall.core.errors import Forbidden, NotFound
from servicehall.customers.models import Customer
from servicehall.lib import money
from servicehall.lib.identity import normalise
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from .models import Invoice, InvoiceLine, InvoiceStatus
from .services import invoiceable_amounts, payment_customer_q

INVOICEABLE_LIMIT = 200


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _with_lines(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    lines = (
        InvoiceLine.objects.select_related("payment", "payment__order", "payment__receipt")
        .prefetch_related("payment__lines__order")
        .order_by("id")
    )
    return queryset.select_related(
        "hall", "customer", "issued_by", "voided_by", "replaces", "reissued_as"
    ).prefetch_related(Prefetch("lines", queryset=lines))


def invoice_get_for_user(*, user: Any, invoice_id: Any, capability: str = Capability.SERVE) -> Invoice:
    """The invoice with its lines, if the user holds `capability` in its hall; else "not found" (or 403)."""
    pk = _pk(invoice_id)
    invoice = _with_lines(Invoice.objects.filter(pk=pk)).first() if pk is not None else None
    if invoice is None or not any(m.hall_id == invoice.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such invoice."))
    if not user_can(user=user, hall=invoice.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return invoice


def invoices_for_hall(*, hall: Hall, limit: int = 200) -> list[Invoice]:
    """The hall's latest invoices, newest first, with lines (a fixed number of queries). The caller checks access."""
    return list(_with_lines(Invoice.objects.filter(hall=hall)).order_by("-issued_at", "-id")[:limit])


@dataclass(frozen=True)
class Invoiceable:
    payment: Payment
    left: Decimal
    paid_for: str  # the orders it paid, or what else it was for


def invoiceable_payments(*, hall: Hall, customer: Customer) -> list[Invoiceable]:
    """The customer's succeeded payments in the hall with something left to invoice, newest first."""
    payments = list(
        Payment.objects.filter(payment_customer_q(customer), hall=hall, status=PaymentStatus.SUCCEEDED)
        .select_related("order", "receipt")
        .prefetch_related("lines__order")
        .order_by("-created_at", "-id")[:INVOICEABLE_LIMIT]
    )
    left = invoiceable_amounts(payments)
    return [Invoiceable(payment=p, left=left[p.pk], paid_for=_paid_for(p)) for p in payments if left[p.pk] > 0]


def _paid_for(payment: Payment) -> str:
    return billing_selectors.payment_order_numbers(payment=payment) or (
        payment.description or str(payment.get_purpose_display())
    )


def payments_for_invoice_request(*, user: Any, payment_ids: list[int]) -> list[Payment]:
    """The payments asked for, all in the user's halls; any other is "not found" (its existence does not leak)."""
    my_halls = {m.hall_id for m in memberships_for_user(user=user)}
    payments = list(
        Payment.objects.select_related("hall", "order", "order__customer", "customer")
        .filter(pk__in=payment_ids)
        .order_by("pk")
    )
    if len(payments) != len(set(payment_ids)) or any(p.hall_id not in my_halls for p in payments):
        raise NotFound(_("There is no such payment."))
    return payments


def invoice_for_download(*, number: Any, code: Any) -> Invoice | None:
    """The invoice whose number and download code both match (the public download page); else None."""
    code_text = normalise(str(code or ""))[:32]
    number_text = normalise(str(number or ""))[:32]
    if not code_text or not number_text:
        return None
    invoice = _with_lines(Invoice.objects.filter(download_code=code_text)).first()
    if invoice is None or invoice.number != number_text:
        return None
    return invoice


# --- for the daily settlement (CASH04) ---------------------------------------------------------------


def _day_bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return start, start + dt.timedelta(days=1)


def invoices_for_hall_day(*, hall: Hall, day: dt.date) -> DayInvoices:
    """The settlement's invoice figures for `day` in the hall's time zone (the caller checks access); the
    settlement reads them as its `invoices` source (`cashdesk.sources`, registered in `apps`)."""
    start, end = _day_bounds(hall, day)
    base = Invoice.objects.filter(hall=hall).select_related("replaces").order_by("number")
    issued = list(base.filter(issued_at__gte=start, issued_at__lt=end))
    voided = list(base.filter(status=InvoiceStatus.VOIDED, voided_at__gte=start, voided_at__lt=end))
    return DayInvoices(
        issued=issued,
        voided=voided,
        issued_count=len(issued),
        issued_total=sum((i.total for i in issued), money.ZERO),
        voided_count=len(voided),
        voided_total=sum((i.total for i in voided), money.ZERO),
    )


def issued_invoice_numbers(*, payment_ids: list[int]) -> dict[int, list[str]]:
    """Per payment: the numbers of the issued (not voided) invoices covering it, in number order. The refund
    form warns with them: paying out a refund voids these invoices (PAY03, PAY06)."""
    rows = (
        InvoiceLine.objects.filter(payment_id__in=payment_ids, invoice__status=InvoiceStatus.ISSUED)
        .order_by("invoice__number")
        .values_list("payment_id", "invoice__number")
    )
    numbers: dict[int, list[str]] = {}
    for payment_id, number in rows:
        numbers.setdefault(payment_id, []).append(number)
    return numbers


def invoices_for_payments(*, payment_ids: list[int]) -> list[Invoice]:
    """The issued (not voided) invoices covering any of the payments, oldest first (a hotel stay's invoice,
    HOTEL04). The caller checks access."""
    if not payment_ids:
        return []
    return list(
        Invoice.objects.filter(status=InvoiceStatus.ISSUED, lines__payment_id__in=payment_ids)
        .distinct()
        .order_by("issued_at", "id")
    )
