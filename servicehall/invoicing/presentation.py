"""How an invoice is shown: the document (staff page, customer download, PDF) and its PDF response."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from servicehall.billing import selectors as billing_selectors
from servicehall.core.pdf import render_pdf

from .models import Invoice, InvoiceStatus


def invoice_document_context(invoice: Invoice) -> dict[str, Any]:
    """What the invoice document shows: the seller (hall), the buyer, the lines, rate, tax and amounts.

    Nothing about the customer beyond what the invoice itself carries (the buyer title and tax number).
    """
    lines = []
    for line in invoice.lines.all():
        payment = line.payment
        receipt = getattr(payment, "receipt", None)
        description = billing_selectors.payment_order_numbers(payment=payment) or (
            payment.description or str(payment.get_purpose_display())
        )
        lines.append(
            {
                "description": description,
                "receipt": receipt.number if receipt is not None else "",
                "paid_at": payment.succeeded_at or payment.created_at,
                "amount": line.amount,
            }
        )
    return {
        "invoice": invoice,
        "lines": lines,
        "voided": invoice.status == InvoiceStatus.VOIDED,
        "tax_rate_percent": format((invoice.tax_rate * 100).normalize(), "f"),
        "net_amount": invoice.total - invoice.tax_amount,
    }


def invoice_pdf_response(invoice: Invoice) -> HttpResponse:
    """The invoice as an A4 PDF download."""
    with timezone.override(invoice.hall.tz):
        pdf = render_pdf("invoicing/invoice_document.html", invoice_document_context(invoice))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response
