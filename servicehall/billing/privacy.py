"""What billing adds to the customers' personal data rights (PRIV02), registered in `BillingConfig.ready()`.

Payments are money records the law keeps: an erasure or the retention run anonymises the customer and keeps
every payment row. A payment still waiting for the customer holds an erasure; a payment since the cutoff keeps
a customer from being inactive; the export lists the customer's payments (the clerk's name masked). On erasure
the clerks' free text about the customer's money is cleared — refunds' reasons and decision notes, the payments'
and refunds' history notes — and every amount, method, status and receipt number stays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from servicehall.core.masking import mask_name
from servicehall.core.retention import ERASED_TEXT

from .models import Payment, PaymentMove, PaymentStatus, Refund, RefundMove


def pending_payments_hold(customer: Any) -> list[str]:
    count = Payment.objects.filter(customer=customer, status=PaymentStatus.PENDING).count()
    if not count:
        return []
    return [_("Payments still waiting for the customer: %(count)s.") % {"count": count}]


def payments_activity(since: dt.datetime) -> Q:
    recent = Payment.objects.filter(created_at__gte=since, customer__isnull=False)
    return Q(pk__in=recent.values("customer_id"))


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The customer's payments and refunds without the words typed about them; rows changed."""
    payments = Payment.objects.filter(customer=customer)
    refunds = Refund.objects.filter(
        Q(payment__in=payments) | Q(order__customer=customer) | Q(service__customer=customer)
    )
    done = refunds.exclude(reason=ERASED_TEXT, decision_note="").update(reason=ERASED_TEXT, decision_note="")
    done += PaymentMove.objects.filter(payment__in=payments).exclude(note="").update(note="")
    done += RefundMove.objects.filter(refund__in=refunds).exclude(note="").update(note="")
    return done


def export_section(customer: Any) -> tuple[str, list[list[tuple[str, Any]]]]:
    payments = Payment.objects.filter(customer=customer).select_related("hall", "clerk").order_by("created_at", "id")
    rows = [
        [
            (_("Date"), payment.created_at.astimezone(payment.hall.tz).strftime("%Y-%m-%d")),
            (_("Purpose"), payment.get_purpose_display()),
            (_("Method"), payment.get_method_display()),
            (_("Amount"), str(payment.amount)),
            (_("Status"), payment.get_status_display()),
            (_("Clerk"), mask_name(payment.clerk.get_full_name() or payment.clerk.get_username())),
        ]
        for payment in payments
    ]
    return _("Payments"), rows
