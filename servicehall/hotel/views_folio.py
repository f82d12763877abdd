"""The front desk's departure screens (HOTEL04): the guests due out on a day with their reminders, a stay's
itemised bill (folio; printable) with charges posted and corrected, the deposit and the check-out through the
billing app, the farewell; and the manager's night audit page (occupancy, ADR, RevPAR)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicehall.billing.models import PaymentMethod
from servicehall.care.selectors import link_rating_open
from servicehall.core.errors import ApplicationError
from servicehall.core.htmx import render_in_hall_time
from servicehall.core.views import handles_application_errors, post_or_back_to
from servicehall.invoicing.models import BuyerKind
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_get_for_user, user_can

from . import night_audit, selectors, selectors_folio, services, services_folio
from .models import FolioCharge, Reservation
from .presentation import reservation_row
from .views import _day, _nav


def _folio_url(hall: Any, reservation: Reservation) -> str:
    return reverse("hotel:folio", kwargs={"hall": hall.code, "reservation": reservation.pk})


@login_required
@never_cache
@require_GET
@handles_application_errors
def departures(request: HttpRequest, hall: str) -> HttpResponse:
    """The guests due out on a day: in house (to settle) and departed, with whether they were reminded."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    today = timezone.localdate(timezone=hall_obj.tz)
    chosen = _day(request.GET.get("day"), today)
    due = list(selectors_folio.departures_due(hall=hall_obj, day=chosen))
    summaries = selectors_folio.folio_summaries(reservations=due, today=today)
    rows = [
        {**reservation_row(found), "total": summaries[found.pk]["total"], "balance": summaries[found.pk]["balance"]}
        for found in due
    ]
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "day": chosen,
        "is_today": chosen == today,
        "previous": chosen - dt.timedelta(days=1),
        "next": chosen + dt.timedelta(days=1),
        "rows": rows,
        "reminded": selectors_folio.reminded_ids(hall=hall_obj, ids=[r["id"] for r in rows]),
        "can_book": user_can(user=request.user, hall=hall_obj, capability=Capability.ISSUE),
    }
    return render_in_hall_time(request, "hotel/folio/departures.html", context)


@login_required
@never_cache
@post_or_back_to("hotel:departures", kwargs=("hall",))
@handles_application_errors
def departures_remind(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.ISSUE)
    today = timezone.localdate(timezone=hall_obj.tz)
    sent = services_folio.departures_remind(hall=hall_obj, day=today, actor=request.user)
    messages.success(request, _("Reminders texted: %(count)s.") % {"count": sent})
    return redirect(reverse("hotel:departures", kwargs={"hall": hall_obj.code}))


def _qr_page(hall: Any, payment: Any) -> HttpResponse:
    """billing's QR panel for the payment, shown to the guest until the payment service answers."""
    return redirect(reverse("billing:qr_status", kwargs={"hall": hall.code, "payment_id": payment.pk}))


def _folio_page(
    request: HttpRequest, hall: Any, found: Reservation, *, error: str = "", status: int = 200
) -> HttpResponse:
    today = timezone.localdate(timezone=hall.tz)
    summary = selectors_folio.folio_summary(reservation=found, today=today)
    reversed_ids = {c.reverses_id for c in summary["charges"] if c.reverses_id}
    context = {
        "hall": hall,
        "nav": _nav(request, hall),
        "row": reservation_row(found),
        "summary": summary,
        "give_back": -summary["balance"],
        "reversed_ids": reversed_ids,
        "in_house": found.status == "checked_in",
        "can_post": user_can(user=request.user, hall=hall, capability=Capability.SERVE),
        "can_correct": user_can(user=request.user, hall=hall, capability=Capability.APPROVE_MONEY),
        "kinds": [(k, FolioCharge.Kind(k).label) for k in services_folio.POSTABLE_KINDS],
        "methods": PaymentMethod.choices,
        "deposit_due": summary["deposit_to_take"],
        "departure": selectors_folio.departure_get(reservation=found),
        "request_key": services.new_request_key(),
        "posted": request.POST if request.method == "POST" else {},
        "error": error,
        "print": request.GET.get("print") == "1",
    }
    return render_in_hall_time(request, "hotel/folio/folio.html", context, status=status)


@login_required
@never_cache
@require_GET
@handles_application_errors
def folio(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """The itemised bill the guest checks: nights, charges, deposit paid, balance (printable)."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    return _folio_page(request, hall_obj, found)


def _folio_action(request: HttpRequest, hall: str, reservation: int, run: Any, capability: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=capability)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    try:
        done = run(hall_obj, found)
    except ApplicationError as exc:
        found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
        return _folio_page(request, hall_obj, found, error=str(exc.message), status=exc.status_code)
    if isinstance(done, HttpResponse):
        return done
    messages.success(request, done)
    return redirect(_folio_url(hall_obj, found))


@login_required
@never_cache
@post_or_back_to("hotel:folio", kwargs=("hall", "reservation"))
@handles_application_errors
def charge(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    def run(hall_obj: Any, found: Reservation) -> str:
        posted = services_folio.folio_charge_post(
            reservation=found,
            kind=request.POST.get("kind", ""),
            unit_price=request.POST.get("unit_price", ""),
            quantity=request.POST.get("quantity", "1"),
            description=request.POST.get("description", ""),
            request_key=request.POST.get("request_key", ""),
            actor=request.user,
        )
        return _("%(kind)s posted: %(amount)s yuan.") % {"kind": posted.get_kind_display(), "amount": posted.amount}

    return _folio_action(request, hall, reservation, run, Capability.SERVE)


@login_required
@never_cache
@post_or_back_to("hotel:folio", kwargs=("hall", "reservation"))
@handles_application_errors
def reverse_charge(request: HttpRequest, hall: str, reservation: int, charge: int) -> HttpResponse:
    def run(hall_obj: Any, found: Reservation) -> str:
        target = selectors_folio.charge_get(reservation=found, charge_id=charge)
        reversal = services_folio.folio_charge_reverse(
            charge=target, reason=request.POST.get("reason", ""), actor=request.user
        )
        return _("Corrected: %(amount)s yuan.") % {"amount": reversal.amount}

    return _folio_action(request, hall, reservation, run, Capability.APPROVE_MONEY)


def _payment_fields(request: HttpRequest) -> dict[str, Any]:
    method = request.POST.get("method", "")
    return {
        "method": method,
        "tendered": request.POST.get("tendered", "").strip() or None,
        "pos_reference": request.POST.get("pos_reference", "") if method == PaymentMethod.CARD else None,
        "idempotency_key": request.POST.get("request_key", ""),
    }


@login_required
@never_cache
@post_or_back_to("hotel:folio", kwargs=("hall", "reservation"))
@handles_application_errors
def deposit(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    def run(hall_obj: Any, found: Reservation) -> str | HttpResponse:
        payment = services_folio.folio_deposit_take(reservation=found, actor=request.user, **_payment_fields(request))
        if payment.method == PaymentMethod.QR and payment.status != "succeeded":
            messages.info(
                request, _("Show the guest the QR code; the deposit counts once the payment service confirms it.")
            )
            return _qr_page(hall_obj, payment)
        return _("Deposit taken: %(amount)s yuan.") % {"amount": payment.amount}

    return _folio_action(request, hall, reservation, run, Capability.SERVE)


@login_required
@never_cache
@post_or_back_to("hotel:folio", kwargs=("hall", "reservation"))
@handles_application_errors
def check_out(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """Settle the balance through billing and check the guest out; then the farewell."""

    def run(hall_obj: Any, found: Reservation) -> Any:
        result = services_folio.folio_check_out(
            reservation=found,
            ticket=selectors_folio.ticket_being_served(hall=hall_obj, user=request.user),
            actor=request.user,
            **_payment_fields(request),
        )
        if result["departure"] is None:
            messages.info(
                request, _("Show the guest the QR code; the guest checks out once the payment service confirms it.")
            )
            return _qr_page(hall_obj, result["payment"])
        if result["refund"] is not None:
            messages.info(
                request,
                _("Refund of the deposit: %(amount)s yuan (%(status)s).")
                % {"amount": result["refund"].amount, "status": result["refund"].get_status_display()},
            )
        return redirect(reverse("hotel:farewell", kwargs={"hall": hall_obj.code, "reservation": found.pk}))

    return _folio_action(request, hall, reservation, run, Capability.SERVE)


@login_required
@never_cache
@require_GET
@handles_application_errors
def farewell(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """After check-out: the farewell phrase, the thank-you message sent, the satisfaction survey offered."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    return _farewell_page(request, hall_obj, found)


def _farewell_page(
    request: HttpRequest, hall_obj: Any, found: Reservation, *, error: str = "", status: int = 200
) -> HttpResponse:
    departure = selectors_folio.departure_get(reservation=found)
    if departure is None:
        return redirect(_folio_url(hall_obj, found))
    context = {
        "error": error,
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "row": reservation_row(found),
        "departure": departure,
        "phrase": selectors_folio.farewell_phrase(hall=hall_obj),
        "receipts": selectors_folio.folio_receipts(reservation=found),
        "survey_url": reverse("care:ticket_survey", kwargs={"ticket": departure.ticket_id})
        if departure.ticket_id
        else "",
        **invoice_context(request, hall_obj, found),
        **_rating_context(request, found),
    }
    return render_in_hall_time(request, "hotel/folio/farewell.html", context, status=status)


def _rating_context(request: HttpRequest, found: Reservation) -> dict[str, Any]:
    """care's rating of the stay (HOTEL04): the link and its QR code for the guest's phone, while it is open."""
    rating = selectors_folio.stay_rating(reservation=found)
    if rating is None:
        return {"stay_rating": None}
    url = request.build_absolute_uri(reverse("care:link_rate", kwargs={"rating": rating.pk}))
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111", omitsize=True)
    return {
        "stay_rating": rating,
        "stay_rating_open": link_rating_open(rating),
        "stay_rating_url": url,
        "stay_rating_qr": mark_safe(svg),  # noqa: S308 - segno's own markup, the URL is ours
    }


def invoice_context(request: HttpRequest, hall: Any, found: Reservation) -> dict[str, Any]:
    """The stay's invoice on request (HOTEL04): the invoices issued, or the form (`hotel/folio/_invoice.html`)."""
    return {
        "stay_invoices": selectors_folio.stay_invoices(reservation=found),
        "buyer_kinds": BuyerKind.choices,
        "can_invoice": user_can(user=request.user, hall=hall, capability=Capability.SERVE),
        "invoice_posted": request.POST if request.method == "POST" else {},
    }


@login_required
@never_cache
@post_or_back_to("hotel:farewell", kwargs=("hall", "reservation"))
@handles_application_errors
def invoice(request: HttpRequest, hall: str, reservation: int) -> HttpResponse:
    """Invoice on request at or after check-out: the buyer as typed; once (a second press shows the first)."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.SERVE)
    found = selectors.reservation_get(hall=hall_obj, reservation_id=reservation)
    try:
        issued, created = services_folio.stay_invoice_issue(
            reservation=found,
            buyer_kind=request.POST.get("buyer_kind", ""),
            buyer_title=request.POST.get("buyer_title", ""),
            tax_number=request.POST.get("tax_number", ""),
            actor=request.user,
        )
    except ApplicationError as exc:
        if selectors_folio.departure_get(reservation=found) is None:
            raise
        return _farewell_page(request, hall_obj, found, error=str(exc.message), status=exc.status_code)
    text = (
        _("Invoice %(number)s is issued: %(total)s yuan.")
        if created
        else _("Invoice %(number)s was issued already: %(total)s yuan.")
    )
    messages.success(request, text % {"number": issued.number, "total": issued.total})
    return redirect(reverse("hotel:farewell", kwargs={"hall": hall_obj.code, "reservation": found.pk}))


@login_required
@never_cache
@require_GET
@handles_application_errors
def night_audits(request: HttpRequest, hall: str) -> HttpResponse:
    """The manager's page: each audited day's occupancy, ADR and RevPAR."""
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.VIEW_HALL)
    today = timezone.localdate(timezone=hall_obj.tz)
    context = {
        "hall": hall_obj,
        "nav": _nav(request, hall_obj),
        "days": selectors_folio.night_audits(hall=hall_obj),
        "yesterday": today - dt.timedelta(days=1),
        "can_run": user_can(user=request.user, hall=hall_obj, capability=Capability.APPROVE_MONEY),
    }
    return render_in_hall_time(request, "hotel/folio/night_audit.html", context)


@login_required
@never_cache
@post_or_back_to("hotel:night_audits", kwargs=("hall",))
@handles_application_errors
def night_audit_run(request: HttpRequest, hall: str) -> HttpResponse:
    hall_obj = hall_get_for_user(user=request.user, code=hall, capability=Capability.APPROVE_MONEY)
    day = _day(request.POST.get("day"), timezone.localdate(timezone=hall_obj.tz) - dt.timedelta(days=1))
    _audit, created = night_audit.night_audit_run(hall=hall_obj, business_date=day, actor=request.user)
    if created:
        messages.success(request, _("The night audit of %(day)s is done.") % {"day": formats.date_format(day, "Y-m-d")})
    else:
        messages.info(request, _("%(day)s was audited already.") % {"day": formats.date_format(day, "Y-m-d")})
    return redirect(reverse("hotel:night_audits", kwargs={"hall": hall_obj.code}))
