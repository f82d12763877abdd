"""The invoicing screens (PAY03): request at the counter, the hall's list with voiding, one invoice, download,
and the customer's own request online with the code on their receipt.

Staff pages find the hall or the invoice through the selectors, call one service
and render; a refused request shows its message with its 4xx status. The public
download page asks for the invoice number and its download code, answers the PDF
and nothing else, and is throttled per client address; so is the public request
page, which asks for the hall, the receipt number and the receipt's invoice code.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.billing.selectors import payment_get_for_user
from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.throttling import TooManyRequests, count_per_client
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.customers.selectors import customer_get_for_user
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import default_hall_for_user, hall_get_for_user, user_capabilities

from . import forms, selectors, services
from .models import Invoice, InvoiceStatus
from .presentation import invoice_document_context, invoice_pdf_response
from .services import payment_customer_id

# Attempts on the public download page per client address and minute.
DOWNLOAD_PER_MINUTE_DEFAULT = 10
# Which form field a refusal of the online request belongs beside (the others go on top of the form).
REQUEST_ERROR_FIELDS = {
    "bad_buyer_kind": "buyer_kind",
    "bad_title": "buyer_title",
    "title_missing": "buyer_title",
    "tax_number_missing": "tax_number",
    "bad_tax_number": "tax_number",
    "tax_number_not_allowed": "tax_number",
}


def _hall(request: HttpRequest, code: str) -> Hall:
    return hall_get_for_user(user=request.user, code=code, capability=Capability.SERVE)


def _invoice(request: HttpRequest, hall: Hall, invoice_id: int) -> Invoice:
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    if invoice.hall_id != hall.pk:
        raise NotFound(_("There is no such invoice."))
    return invoice


def _context(request: HttpRequest, hall: Hall, **extra: Any) -> dict[str, Any]:
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    return {"hall": hall, "nav": staff_nav(capabilities=capabilities, hall_code=hall.code, active="invoices"), **extra}


def _int(raw: str | None, message: str) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError as exc:
        raise NotFound(message) from exc
    if not 0 < value < 2**63:
        raise NotFound(message)
    return value


# --- at the counter ------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@handles_application_errors
def create(request: HttpRequest) -> HttpResponse:
    """A customer's invoiceable payments with checkboxes and the buyer.

    `?hall=<code>&customer=<id>&payment=<id>`: the hall (default: the user's first), the customer, or a payment
    whose customer is meant (it is preselected).
    """
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("hall") or request.GET.get("hall") or "").strip()
    if not code:
        default = default_hall_for_user(user=request.user)
        code = default.code if default else ""
    found_hall = _hall(request, code)
    customer_id = _int(source.get("customer") or request.GET.get("customer"), _("There is no such customer."))
    payment_id = _int(request.GET.get("payment"), _("There is no such payment."))
    preselected: list[int] = []
    if payment_id is not None:
        payment = payment_get_for_user(user=request.user, payment_id=payment_id)
        if payment.hall_id != found_hall.pk:
            raise NotFound(_("There is no such payment."))
        if customer_id is None:
            customer_id = payment_customer_id(payment)
        preselected = [payment.pk]
    if customer_id is None:
        raise NotFound(_("Open this page from a customer or a payment."))
    customer = customer_get_for_user(
        user=request.user, customer_id=customer_id, hall=found_hall, capability=Capability.SERVE
    )
    invoiceable = selectors.invoiceable_payments(hall=found_hall, customer=customer)
    choices = [(item.payment.pk, str(item.payment.pk)) for item in invoiceable]
    form = forms.InvoiceCreateForm(
        request.POST if request.method == "POST" else None,
        payment_choices=choices,
        initial={"payments": preselected},
    )
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        else:
            try:
                invoice = services.invoice_issue(
                    hall=found_hall,
                    actor=request.user,
                    customer=customer,
                    payment_ids=form.cleaned_data["payments"],
                    buyer_kind=form.cleaned_data["buyer_kind"],
                    buyer_title=form.cleaned_data["buyer_title"],
                    tax_number=form.cleaned_data["tax_number"],
                )
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status_code
            else:
                return redirect("invoicing:detail", hall=found_hall.code, invoice_id=invoice.pk)
    context = _context(
        request,
        found_hall,
        form=form,
        customer_id=customer.pk,
        customer_name=customer.name,
        invoiceable=invoiceable,
        selected={str(pk) for pk in (request.POST.getlist("payments") if form.is_bound else preselected)},
    )
    return render_in_hall_time(request, "invoicing/create.html", context, status=status)


@never_cache
@login_required
@require_GET
@handles_application_errors
def invoice_list(request: HttpRequest, hall: str) -> HttpResponse:
    """The hall's invoices, newest first, each issued one with its void form."""
    found_hall = _hall(request, hall)
    context = _context(request, found_hall, invoices=selectors.invoices_for_hall(hall=found_hall))
    return render_in_hall_time(request, "invoicing/list.html", context)


@never_cache
@login_required
@require_GET
@handles_application_errors
def detail(request: HttpRequest, hall: str, invoice_id: int) -> HttpResponse:
    found_hall = _hall(request, hall)
    invoice = _invoice(request, found_hall, invoice_id)
    context = _context(
        request,
        found_hall,
        void_form=forms.VoidForm(),
        reissue_form=forms.ReissueForm(
            initial={
                "buyer_kind": invoice.buyer_kind,
                "buyer_title": invoice.buyer_title,
                "tax_number": invoice.tax_number,
            }
        ),
        **invoice_document_context(invoice),
    )
    return render_in_hall_time(request, "invoicing/detail.html", context)


@never_cache
@login_required
@require_GET
@handles_application_errors
def pdf(request: HttpRequest, hall: str, invoice_id: int) -> HttpResponse:
    found_hall = _hall(request, hall)
    return invoice_pdf_response(_invoice(request, found_hall, invoice_id))


def _refused(request: HttpRequest, hall: Hall, invoice: Invoice, message: str, status: int) -> HttpResponse:
    context = _context(
        request,
        hall,
        void_form=forms.VoidForm(request.POST),
        reissue_form=forms.ReissueForm(request.POST),
        error=message,
        **invoice_document_context(invoice),
    )
    return render_in_hall_time(request, "invoicing/detail.html", context, status=status)


@login_required
@post_or_back_to("invoicing:detail", kwargs=("hall", "invoice_id"))
@handles_application_errors
def void(request: HttpRequest, hall: str, invoice_id: int) -> HttpResponse:
    found_hall = _hall(request, hall)
    invoice = _invoice(request, found_hall, invoice_id)
    try:
        services.invoice_void(invoice=invoice, actor=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        return _refused(request, found_hall, invoice, str(exc.message), exc.status_code)
    if request.POST.get("next") == "list":
        return redirect("invoicing:list", hall=found_hall.code)
    return redirect("invoicing:detail", hall=found_hall.code, invoice_id=invoice.pk)


@login_required
@post_or_back_to("invoicing:detail", kwargs=("hall", "invoice_id"))
@handles_application_errors
def reissue(request: HttpRequest, hall: str, invoice_id: int) -> HttpResponse:
    found_hall = _hall(request, hall)
    invoice = _invoice(request, found_hall, invoice_id)
    try:
        new = services.invoice_reissue(
            invoice=invoice,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            buyer_kind=request.POST.get("buyer_kind", ""),
            buyer_title=request.POST.get("buyer_title", ""),
            tax_number=request.POST.get("tax_number", ""),
        )
    except ApplicationError as exc:
        return _refused(request, found_hall, invoice, str(exc.message), exc.status_code)
    return redirect("invoicing:detail", hall=found_hall.code, invoice_id=new.pk)


# --- the customer's download page ------------------------------------------------------------------------


def _throttle(request: HttpRequest, *, scope: str, limit: int) -> None:
    """Refuse (429) a client past `limit` attempts of `scope` in the current minute (guessing codes)."""
    message = _("Too many attempts in the last minute. Please wait a moment and try again.")
    count_per_client(request, scope=scope, limit=limit, message=message)


def _download_limit() -> int:
    return int(getattr(settings, "INVOICE_DOWNLOAD_PER_MINUTE", DOWNLOAD_PER_MINUTE_DEFAULT))


def _throttle_download(request: HttpRequest) -> None:
    _throttle(request, scope="invoice-download", limit=_download_limit())


def _throttle_request(request: HttpRequest) -> None:
    """Online requests count apart from downloads: the customer downloads right after requesting."""
    limit = int(getattr(settings, "INVOICE_REQUEST_PER_MINUTE", _download_limit()))
    _throttle(request, scope="invoice-request", limit=limit)


@never_cache
@require_http_methods(["GET", "POST"])
def download(request: HttpRequest) -> HttpResponse:
    """The customer enters the invoice number and download code and gets the PDF; nothing else is shown."""
    form = forms.DownloadForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            _throttle_download(request)
        except TooManyRequests as exc:
            form.add_error(None, str(exc.message))
            return render(request, "invoicing/download.html", {"form": form}, status=exc.status_code)
        invoice = (
            selectors.invoice_for_download(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
            if form.is_valid()
            else None
        )
        if invoice is not None and invoice.status == InvoiceStatus.ISSUED:
            return invoice_pdf_response(invoice)
        # One message for a wrong number, a wrong code and a voided invoice: nothing to learn from it.
        form.add_error(None, _("No invoice matches this number and code. Check both and try again."))
        status = 404
    return render(request, "invoicing/download.html", {"form": form}, status=status)


# --- the customer's own request online (扫码开票) ------------------------------------------------------------


def _request_initial(request: HttpRequest) -> dict[str, str]:
    """What the receipt's QR code fills in: `?hall=<code>&receipt=<number>&code=<invoice code>`."""
    return {name: request.GET.get(name, "").strip()[:32] for name in ("hall", "receipt", "code")}


def _request_page(request: HttpRequest, form: forms.InvoiceRequestForm, status: int = 200) -> HttpResponse:
    return render(request, "invoicing/request.html", {"form": form}, status=status)


def _request_refused(form: forms.InvoiceRequestForm, exc: ApplicationError) -> int:
    """Put the refusal beside its field (the buyer's) or on top of the form; answer its status."""
    field = REQUEST_ERROR_FIELDS.get(exc.code)
    form.add_error(field, str(exc.message))
    return exc.status_code


@never_cache
@require_http_methods(["GET", "POST"])
def request_online(request: HttpRequest) -> HttpResponse:
    """The customer requests the invoice of a receipt with the code printed on it; no sign-in.

    On success the page shows the invoice number and download code (and a button to download the PDF);
    nothing about the customer beyond the buyer title they typed.
    """
    if request.method == "GET":
        form = forms.InvoiceRequestForm(initial=_request_initial(request))
        return _request_page(request, form)
    form = forms.InvoiceRequestForm(request.POST)
    try:
        _throttle_request(request)
    except TooManyRequests as exc:
        status = _request_refused(form, exc)
        return _request_page(request, form, status)
    if not form.is_valid():
        return _request_page(request, form, 422)
    data = form.cleaned_data
    try:
        invoice = services.invoice_request_online(
            hall_code=data["hall"],
            receipt_number=data["receipt"],
            code=data["code"],
            buyer_kind=data["buyer_kind"],
            buyer_title=data["buyer_title"],
            tax_number=data["tax_number"],
        )
    except ApplicationError as exc:
        status = _request_refused(form, exc)
        return _request_page(request, form, status)
    context = {"number": invoice.number, "download_code": invoice.download_code, "buyer_title": invoice.buyer_title}
    return render(request, "invoicing/request_done.html", context)
