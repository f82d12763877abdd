"""The receipt slip (PAY02): preview, print and PDF.

Looking at a receipt counts nothing (GET `billing:receipt` is a preview that
prints blank). The Print button POSTs to `billing:receipt_print`, which counts the
print and answers the slip with the browser's print dialog opened by
`js/receipt.js`; the PDF download (POST `billing:receipt_pdf`) counts one print too.
Every print after the first carries the mark "副本 / COPY".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from servicehall.core.pdf import render_pdf
from servicehall.core.views import handles_application_errors
from servicehall.org.roles import Capability

from . import printing
from .models import Receipt

# The mark of every print after the first; both languages on purpose, as the slip leaves the hall.
COPY_MARK = "副本 / COPY"
SLIP_WIDTH_MM = 80


def _receipt(request: HttpRequest, receipt_id: int) -> Receipt:
    return printing.receipt_get_for_user(user=request.user, receipt_id=receipt_id, capability=Capability.SERVE)


def slip_context(receipt: Receipt, *, is_copy: bool, **extra: Any) -> dict[str, Any]:
    return {
        "hall": receipt.hall,
        "receipt": receipt,
        "slip": printing.receipt_slip(receipt=receipt, is_copy=is_copy),
        "copy_mark": COPY_MARK,
        **extra,
    }


@never_cache
@login_required
@require_GET
@handles_application_errors
def receipt(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """The slip as the next print would look (a copy once it was printed); printing it from here prints blank."""
    found = _receipt(request, receipt_id)
    context = slip_context(found, is_copy=found.printed_copies >= 1, preview=True)
    with timezone.override(found.hall.tz):
        return render(request, "billing/receipt.html", context)


@never_cache
@login_required
@require_POST
@handles_application_errors
def receipt_print(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """Count one print and answer the slip, marked as a copy after the first, with the print dialog."""
    found = printing.receipt_record_print(receipt=_receipt(request, receipt_id), actor=request.user)
    context = slip_context(found, is_copy=found.printed_copies > 1, autoprint=True)
    with timezone.override(found.hall.tz):
        return render(request, "billing/receipt.html", context)


@never_cache
@login_required
@require_POST
@handles_application_errors
def receipt_pdf(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """Count one print and answer the slip as an 80 mm PDF."""
    found = printing.receipt_record_print(receipt=_receipt(request, receipt_id), actor=request.user)
    context = slip_context(found, is_copy=found.printed_copies > 1)
    with timezone.override(found.hall.tz):
        pdf = render_pdf("billing/receipt.html", context, request=request, roll_width_mm=SLIP_WIDTH_MM)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{found.number}.pdf"'
    return response
