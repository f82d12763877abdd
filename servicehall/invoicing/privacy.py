"""What invoicing adds to the customers' personal data rights (PRIV02), registered in `InvoicingConfig.ready()`.

Invoices are money records the law keeps: on erasure the invoice stays with its number, amounts and tax, and
the buyer's title of a personal invoice (the customer's name) becomes `core.retention.ANONYMISED_NAME`; the
history notes are cleared (a voided invoice keeps the clerk's reason, which the law asks for). An enterprise
buyer's title and tax number are not personal data and stay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from servicehall.core.retention import ANONYMISED_NAME

from .models import BuyerKind, Invoice, InvoiceMove


def customer_erase(customer: Any, now: dt.datetime) -> int:
    """The customer's invoices without their name or the words typed about them; rows changed."""
    invoices = Invoice.objects.filter(customer=customer)
    done = (
        invoices.filter(buyer_kind=BuyerKind.PERSONAL)
        .exclude(buyer_title=ANONYMISED_NAME)
        .update(buyer_title=ANONYMISED_NAME)
    )
    done += InvoiceMove.objects.filter(invoice__in=invoices).exclude(note="").update(note="")
    return done
