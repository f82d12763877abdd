"""Billing screens of the payments side: the QR waiting panel, the simulated customer's phone, the duty
manager's refunds (PAY01, PAY06). Thin: selectors to find, one service call to act."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.htmx import is_htmx, render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.org.models import Hall
from servicehall.org.navigation import staff_nav
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_capabilities

from . import selectors, services
from .hooks import payments_invoice_numbers
from .models import PaymentStatus, RefundStatus
from .providers import simulated

C = Capability


def qr_svg(request: HttpRequest, content: str) -> str:
    """The QR code as inline SVG (no inline style, so the CSP holds); a path becomes an absolute URL."""
    if content.startswith("/"):
        content = request.build_absolute_uri(content)
    return str(segno.make(content, error="m").svg_inline(scale=5, title=_("QR code to pay")))


# --- the clerk's QR waiting panel -----------------------------------------------------------------------


@login_required
@handles_application_errors
@never_cache
@require_GET
def qr_status(request: HttpRequest, payment_id: int, hall: str | None = None) -> HttpResponse:
    """The QR payment's panel: the code while pending (polled every 2 s by htmx), then the outcome.
    Opened directly (not by htmx) it is a whole page around the panel, e.g. on a screen turned to the customer."""
    payment = selectors.payment_get_for_user(user=request.user, payment_id=payment_id)
    hall_obj = hall_get_for_user(user=request.user, code=hall or payment.hall.code, capability=C.SERVE)
    if payment.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such payment."))
    payment = services.payment_qr_refresh(payment=payment)
    pending = payment.status == PaymentStatus.PENDING
    context = {
        "hall": hall_obj,
        "payment": payment,
        "pending": pending,
        "svg": qr_svg(request, payment.qr_content) if pending and payment.qr_content else "",
        "receipt": getattr(payment, "receipt", None) if payment.status == PaymentStatus.SUCCEEDED else None,
    }
    if is_htmx(request):
        response = render_in_hall_time(request, "billing/_qr_status.html", context)
        if not pending:
            # The page around the panel may refresh itself (the order left the payment step).
            response["HX-Trigger"] = "billing-payment-settled"
        return response
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall_obj))
    context["nav"] = staff_nav(capabilities=capabilities, hall_code=hall_obj.code, active="workbench")
    return render_in_hall_time(request, "billing/qr_payment.html", context)


# --- the simulated customer's phone ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def qr_sim(request: HttpRequest, token: str) -> HttpResponse:
    """What the customer's wallet shows after scanning a simulated QR code: the amount, "Pay" and "Decline"."""
    payment = selectors.payment_get_by_sim_token(token=token)
    if payment is None or simulated.SimulatedProvider.code != settings.QR_PROVIDER:
        raise Http404(_("There is no such QR code."))
    done = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pay":
            simulated.customer_pays(token)
            done = _("Paid. You may close this page.")
        elif action == "decline":
            simulated.customer_declines(token)
            done = _("Declined.")
    charge = simulated.charge_get(token)
    if charge is None:
        raise Http404(_("There is no such QR code."))
    context = {
        "payment": payment,
        "charge": charge,
        "done": done,
        "open": charge.state in (charge.State.WAITING, charge.State.CLOSED) and not done,
    }
    return render(request, "billing/qr_sim.html", context)


# --- the duty manager's refunds ----------------------------------------------------------------------------


def _mark_invoiced(refunds: list[Any]) -> None:
    """Each open refund's `voids_invoices`: the issued invoices its payout will void (PAY03), for the warning."""
    numbers = payments_invoice_numbers(payment_ids=[r.payment_id for r in refunds if r.payment_id])
    for refund in refunds:
        refund.voids_invoices = ", ".join(numbers.get(refund.payment_id, []))


def _refunds_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    refunds = list(selectors.refunds_for_hall(user=request.user, hall=hall)[:200])
    waiting = [r for r in refunds if r.status == RefundStatus.REQUESTED]
    approved = [r for r in refunds if r.status == RefundStatus.APPROVED]
    done = [r for r in refunds if r.status not in (RefundStatus.REQUESTED, RefundStatus.APPROVED)][:50]
    _mark_invoiced(waiting + approved)
    return {
        "hall": hall,
        "waiting": waiting,
        "approved": approved,
        "done": done,
        "limit": settings.REFUND_APPROVAL_ABOVE,
        "user_id": request.user.pk,
    }


def _page(request: HttpRequest, hall: Hall, context: dict[str, Any], status: int = 200) -> HttpResponse:
    if is_htmx(request):
        return render_in_hall_time(request, "billing/refunds.html#list", context, status=status)
    capabilities = frozenset(user_capabilities(user=request.user, hall=hall))
    context["nav"] = staff_nav(capabilities=capabilities, hall_code=hall.code, active="refunds")
    return render_in_hall_time(request, "billing/refunds.html", context, status=status)


@login_required
@handles_application_errors
@never_cache
@require_GET
def refunds(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    return _page(request, hall_obj, _refunds_context(request, hall_obj))


@login_required
@handles_application_errors
@post_or_back_to("billing:refunds", kwargs=("hall",))
def refund_decide(request: HttpRequest, hall: str, refund_id: int) -> HttpResponse:
    """Approve, reject (with a reason) or hand over (an approved cash refund) from the refunds screen."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=C.APPROVE_MONEY)
    refund = selectors.refund_get_for_user(user=request.user, refund_id=refund_id, capability=C.APPROVE_MONEY)
    if refund.hall_id != hall_obj.pk:
        raise NotFound(_("There is no such refund."))
    decision = request.POST.get("decision", "")
    status = 200
    try:
        if decision == "approve":
            services.refund_approve(actor=request.user, refund=refund, note=request.POST.get("reason", ""))
            flash = {"kind": "success", "message": _("Refund approved.")}
        elif decision == "reject":
            services.refund_reject(actor=request.user, refund=refund, reason=request.POST.get("reason", ""))
            flash = {"kind": "success", "message": _("Refund rejected.")}
        elif decision == "pay":
            services.refund_pay(actor=request.user, refund=refund)
            flash = {"kind": "success", "message": _("Refund paid out.")}
        else:
            raise ApplicationError(_("Choose approve, reject or pay."), code="bad_decision")
    except ApplicationError as exc:
        flash, status = {"kind": "error", "message": str(exc.message)}, exc.status_code
    context = _refunds_context(request, hall_obj)
    context["flash"] = flash
    return _page(request, hall_obj, context, status=status)
