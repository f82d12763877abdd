"""Check-in with a booking at the kiosk (APT02): the booking code (typed, or the QR of the confirmation read by
the kiosk's scanner) or the mobile number it was booked with; then the ticket and what it means.

The screen belongs to the kiosk: a public hall's, a device paired to the hall as its kiosk, or the hall's
staff (as the kiosk itself). Each check-in counts against the kiosk's per-minute limit of tickets, which also
keeps anyone from trying phone numbers in bulk.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError
from servicehall.core.throttling import throttle_anonymous_issue
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.services import SCREEN_COOKIE

from . import selectors
from .checkin import CheckIn, check_in_by_entry, check_in_message
from .states import BookingStatus

# The letters and digits of booking codes, in the order of the on-screen keys; the digits also make phones.
CODE_KEYS = "ABCDEFGHJKMNPQRSTUVWXYZ"
DIGIT_KEYS = "1234567890"


def _kiosk_hall(request: HttpRequest, code: str) -> Hall:
    return queue_selectors.screen_hall_get(
        user=request.user, code=code, capability=Capability.ISSUE, screen_pass=request.COOKIES.get(SCREEN_COOKIE)
    )


def _autoprint(request: HttpRequest) -> bool:
    return request.GET.get("autoprint") == "1" or request.POST.get("autoprint") == "1"


def _form(request: HttpRequest, hall: Hall, *, error: str = "", typed: str = "", status: int = 200) -> HttpResponse:
    context = {
        "hall": hall,
        "error": error,
        "typed": typed,
        "code_keys": CODE_KEYS,
        "digit_keys": DIGIT_KEYS,
        "autoprint": _autoprint(request),
        "kiosk_url": _kiosk_url(request, hall),
    }
    return render(request, "appointments/checkin/form.html", context, status=status)


def _kiosk_url(request: HttpRequest, hall: Hall) -> str:
    url = reverse("queueing:kiosk", kwargs={"hall": hall.code})
    return f"{url}?autoprint=1" if _autoprint(request) else url


def _done(request: HttpRequest, hall: Hall, result: CheckIn) -> HttpResponse:
    url = reverse("appointments:checked_in", kwargs={"hall": hall.code, "ticket": result.ticket.pk})
    return redirect(f"{url}?autoprint=1" if _autoprint(request) else url)


@never_cache
@require_http_methods(["GET", "POST"])
@handles_application_errors
def check_in(request: HttpRequest, hall: str) -> HttpResponse:
    """Type or scan the booking code, or type the mobile number; several bookings today: choose one."""
    hall_obj = _kiosk_hall(request, hall)
    if request.method == "GET":
        return _form(request, hall_obj)
    typed = str(request.POST.get("entry", ""))[:64]
    try:
        throttle_anonymous_issue(request)
        result = check_in_by_entry(
            hall=hall_obj, entry=typed, booking_id=request.POST.get("booking"), actor=request.user
        )
    except ApplicationError as exc:
        if exc.code == "several_bookings":
            return _choose(request, hall_obj, typed, exc.extra["choices"])
        return _form(request, hall_obj, error=str(exc.message), typed=typed, status=exc.status_code)
    return _done(request, hall_obj, result)


def _choose(request: HttpRequest, hall: Hall, typed: str, choices: list[dict[str, Any]]) -> HttpResponse:
    context = {
        "hall": hall,
        "phone": typed,
        "choices": choices,
        "autoprint": _autoprint(request),
        "kiosk_url": _kiosk_url(request, hall),
    }
    return render(request, "appointments/checkin/choose.html", context)


@never_cache
@require_GET
@handles_application_errors
def checked_in(request: HttpRequest, hall: str, ticket: uuid.UUID) -> HttpResponse:
    """The number a check-in gave, why it is what it is, and the slip to print."""
    hall_obj = _kiosk_hall(request, hall)
    booking = selectors.booking_by_ticket(hall=hall_obj, ticket_id=ticket)
    slip = reverse("queueing:slip", kwargs={"ticket": ticket})
    query = {"business": booking.type.business_type.code} if booking.type.business_type else {}
    if _autoprint(request):
        query["autoprint"] = "1"
    context = {
        "hall": hall_obj,
        "booking": booking,
        "ticket": booking.ticket,
        "late": booking.status == BookingStatus.LATE,
        "message": check_in_message(booking),
        "slip_url": f"{slip}?{urlencode(query)}" if query else slip,
        "kiosk_url": _kiosk_url(request, hall_obj),
    }
    return render(request, "appointments/checkin/done.html", context)
