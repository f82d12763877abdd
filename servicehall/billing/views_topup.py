"""The counter top-up (缴费充值, PAY01): money onto a customer's service balance by cash, card or QR.

Thin: the customers app finds the service the clerk may see, `billing.services.payment_collect` takes
the money (idempotent per form) and the balance grows through the top-up purpose's own hook.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from servicehall.core.errors import ApplicationError, NotFound, Unprocessable
from servicehall.core.views import handles_application_errors
from servicehall.customers import selectors as customer_selectors
from servicehall.customers.models import Service
from servicehall.customers.presentation import service_view
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_capabilities

from . import services
from .cash_tender import KEYPAD_NOTES, tender_phrase
from .models import PaymentPurpose, PaymentStatus

C = Capability


def _service(request: HttpRequest, service_id: int) -> tuple[Any, Service]:
    code = request.GET.get("hall", "")
    hall = customer_selectors.customers_hall_get_for_user(user=request.user, code=code, capability=C.SERVE)
    service = customer_selectors.service_in_company(service_id=service_id, company_id=hall.company_id)
    if service is None:
        raise NotFound(_("There is no such service."))
    customer_selectors.customer_get_for_user(user=request.user, customer_id=service.customer_id, hall=hall)
    return hall, service


def _outcome(payment: Any) -> str:
    if payment.status == PaymentStatus.PENDING:
        return _("Show the customer the QR code.")
    message = _("Topped up ¥%(amount)s, receipt %(number)s.") % {
        "amount": payment.amount,
        "number": payment.receipt.number,
    }
    if payment.tendered is not None and payment.change is not None:
        phrase = tender_phrase(tendered=payment.tendered, change=payment.change)
        message += " " + _("Say: %(phrase)s") % {"phrase": phrase}
    return message


def _approver(request: HttpRequest) -> Any:
    """The duty manager who approves a top-up above the cap on the clerk's screen with their own sign-in
    (None when no one is named). Wrong credentials are refused; the billing service checks their role."""
    username = request.POST.get("approver", "").strip()
    if not username:
        return None
    user = authenticate(request, username=username, password=request.POST.get("approver_password", ""))
    if user is None:
        raise Unprocessable(_("The duty manager's user name or password is wrong."), code="approver_not_authenticated")
    return user


def _take(request: HttpRequest, hall: Any, service: Service) -> Any:
    method, amount = request.POST.get("method", ""), request.POST.get("amount", "")
    tendered = request.POST.get("tendered") if method == "cash" else None
    payment, _created = services.payment_collect(
        hall=hall,
        actor=request.user,
        method=method,
        amount=amount,
        tendered=tendered,
        pos_reference=request.POST.get("pos_reference", ""),
        approver=_approver(request),
        idempotency_key=request.POST.get("key", ""),
        request_hash=services.payment_request_hash(
            method=method, amount=amount, tendered=tendered, purpose=PaymentPurpose.TOP_UP, service_id=service.pk
        ),
        purpose=PaymentPurpose.TOP_UP,
        customer=service.customer,
        service=service,
        # Masked like on every screen: the description is printed on the receipt.
        description=_("Top-up of %(number)s") % {"number": service_view(service)["number"]},
    )
    return payment


def _receipt_url(payment: Any) -> str | None:
    if payment is None or payment.status != PaymentStatus.SUCCEEDED:
        return None
    try:
        return reverse("billing:receipt", kwargs={"receipt_id": payment.receipt.pk})
    except NoReverseMatch:
        return None


@login_required
@handles_application_errors
@never_cache
@require_http_methods(["GET", "POST"])
def top_up(request: HttpRequest, service_id: int) -> HttpResponse:
    hall, service = _service(request, service_id)
    flash, status, payment = None, 200, None
    if request.method == "POST":
        try:
            payment = _take(request, hall, service)
            flash = {"kind": "success", "message": _outcome(payment)}
            service.refresh_from_db()
        except ApplicationError as exc:
            flash, status = {"kind": "error", "message": str(exc.message)}, exc.status_code
    caps = user_capabilities(user=request.user, hall=hall)
    context = {
        "hall": hall,
        "nav": staff_nav(capabilities=caps, hall_code=hall.code, active="customers"),
        "service": service_view(service),
        "customer_url": f"{reverse('customers:detail', kwargs={'customer_id': service.customer_id})}?hall={hall.code}",
        "key": uuid.uuid4().hex,
        "notes": KEYPAD_NOTES,
        "qr_available": services.qr_available(),
        "top_up_cap": settings.TOPUP_MAX_PER_PAYMENT,
        "flash": flash,
        "payment": payment,
        "receipt_url": _receipt_url(payment),
        "qr_status_url": reverse("billing:qr_status", kwargs={"payment_id": payment.pk})
        if payment is not None and payment.status == PaymentStatus.PENDING
        else None,
        "posted": request.POST if status != 200 else None,
    }
    with timezone.override(hall.tz):
        return render(request, "billing/top_up.html", context, status=status)
