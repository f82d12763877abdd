"""The statuses of an invoice as a table (PAY03).

    issued → voided

A voided invoice is never revived: a reissue is a new invoice. Every move
appends an `InvoiceMove` (`core.states.transition`); issuing writes the first
one ("" → issued) with `INVOICE_TABLE.record`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("invoice status", "Issued")
    VOIDED = "voided", _("Voided")


# The only moves of an invoice: a voided invoice is never revived (a reissue is a new invoice).
INVOICE_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    InvoiceStatus.ISSUED: frozenset({InvoiceStatus.VOIDED}),
    InvoiceStatus.VOIDED: frozenset(),
}
INVOICE_TABLE = StateTable(moves=INVOICE_ALLOWED_MOVES, history="invoicing.InvoiceMove", history_fk="invoice")

# The msgids the program stores as the reason in an invoice's history and on the voided invoice (`services`),
# shown in the reader's language through `core.stored_notes` (registered in `InvoicingConfig.ready()`).
SYSTEM_NOTES = (("reason for voiding an invoice", "Refund"),)
