"""PRIV04: which of invoicing\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "InvoiceSequence": "sequence: the hall's last invoice number",
    "InvoiceMove": "history: an invoice's append-only status moves",
}


def register_audited() -> None:
    register(m.Invoice, personal={"buyer_title": "name", "download_code": "hidden"})
    register(m.InvoiceLine, hall="invoice__hall")
