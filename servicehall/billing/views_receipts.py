"""The receipt slip (PAY02): preview, print and PDF.

Looking at a receipt counts nothing (GET `billing:receipt` is a preview that
prints blank). The Print button POSTs to `billing:receipt_print`, which counts the
print and redirects (303) to the receipt page with a one-time pass in the session:
that one GET shows the print just counted and opens the browser's print dialog
(`js/receipt.js`). Reloading it finds no pass, so it counts nothing and is the
preview again (printing blank). The PDF download (POST `billing:receipt_pdf`)
counts one print too. Every print after the first carries the mark "副本 / COPY".
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.core.pdf import render_pdf
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.roles import Capability

from . import printing
from .models import Receipt

# The mark of every print after the first; both languages on purpose, as the slip leaves the hall.
COPY_MARK = "副本 / COPY"
SLIP_WIDTH_MM = 80
# The session key of the one-time mark a counted print leaves for the page it redirects to.
JUST_PRINTED_SESSION_ENTRY = "billing.receipt_print_pass"


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


def _link(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # that app is not installed in this deployment
        return None


def back_links(receipt: Receipt) -> list[dict[str, str]]:
    """Where the clerk came from: the order(s) the payment paid, else the customer (a top-up, an installment)."""
    payment = receipt.payment
    orders = [line.order for line in payment.lines.all()] or ([payment.order] if payment.order is not None else [])
    links = []
    for order in orders:
        url = _link("orders:detail", order_id=order.pk)
        if url:
            links.append({"kind": "order", "number": order.number, "url": url})
    customer_id = payment.customer_id
    if not links and customer_id is not None:
        url = _link("customers:detail", customer_id=customer_id)
        if url:
            links.append({"kind": "customer", "number": "", "url": url})
    return links


def _take_print_pass(request: HttpRequest, receipt: Receipt) -> int | None:
    """The copy number a print just counted for this receipt, once: a reload finds none."""
    passes = request.session.get(JUST_PRINTED_SESSION_ENTRY) or {}
    copy = passes.pop(str(receipt.pk), None)
    if copy is not None:
        request.session[JUST_PRINTED_SESSION_ENTRY] = passes
    return copy if isinstance(copy, int) else None


def _leave_print_pass(request: HttpRequest, receipt: Receipt) -> None:
    passes = request.session.get(JUST_PRINTED_SESSION_ENTRY) or {}
    passes[str(receipt.pk)] = receipt.printed_copies
    request.session[JUST_PRINTED_SESSION_ENTRY] = passes


@never_cache
@login_required
@require_GET
@handles_application_errors
def receipt(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """The slip as the next print would look (a copy once it was printed); printing it from here prints blank.
    Right after the Print button counted a print, this page (once) is that print, with the print dialog."""
    found = _receipt(request, receipt_id)
    copy = _take_print_pass(request, found)
    if copy is not None:
        context = slip_context(found, is_copy=copy > 1, autoprint=True, back=back_links(found))
    else:
        context = slip_context(found, is_copy=found.printed_copies >= 1, preview=True, back=back_links(found))
    with timezone.override(found.hall.tz):
        return render(request, "billing/receipt.html", context)


@never_cache
@login_required
@post_or_back_to("billing:receipt", kwargs=("receipt_id",))
@handles_application_errors
def receipt_print(request: HttpRequest, receipt_id: int) -> HttpResponse:
    """Count one print, then send the browser to the receipt page, which shows this print (marked as a copy
    after the first) with the print dialog. Redirecting (303) keeps a reload from posting, and counting, again."""
    found = printing.receipt_record_print(receipt=_receipt(request, receipt_id), actor=request.user)
    _leave_print_pass(request, found)
    response = HttpResponseRedirect(reverse("billing:receipt", kwargs={"receipt_id": found.pk}))
    response.status_code = 303  # See Other: the browser GETs the page, and a reload repeats only the GET
    return response


@never_cache
@login_required
@post_or_back_to("billing:receipt", kwargs=("receipt_id",))
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
