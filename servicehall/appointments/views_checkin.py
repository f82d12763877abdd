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

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.core.errors import ApplicationError, NotFound
from servicehall.core.throttling import throttle_anonymous_issue
from servicehall.core.views import handles_application_errors
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.services import SCREEN_COOKIE

from . import selectors
from .checkin import CheckIn, booking_check_in, bookings_to_check_in, parse_check_in_input
from .models import Booking
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


def _choice_row(booking: Booking) -> dict[str, Any]:
    """A booking offered to a phone at the kiosk: time and business only (others may see the screen)."""
    return {
        "id": booking.pk,
        "time": formats.time_format(booking.starts_at.astimezone(booking.hall.tz), "H:i"),
        "business": booking.type.display_name,
        "ticket": booking.ticket.number if booking.ticket else "",
    }


def _check_in_by_phone(request: HttpRequest, hall: Hall, phone: str) -> HttpResponse:
    bookings = bookings_to_check_in(hall=hall, phone=phone)
    chosen = request.POST.get("booking", "")
    if chosen:
        picked = [b for b in bookings if str(b.pk) == chosen]
        if not picked:
            raise NotFound(_("That booking is not one of this number's bookings today."), code="booking_unknown")
        return _done(request, hall, booking_check_in(hall=hall, booking=picked[0], actor=request.user))
    if not bookings:
        raise NotFound(
            _("No booking today in this hall for this mobile number. Please take a number."), code="no_booking"
        )
    if len(bookings) == 1:
        return _done(request, hall, booking_check_in(hall=hall, booking=bookings[0], actor=request.user))
    context = {
        "hall": hall,
        "phone": phone,
        "choices": [_choice_row(b) for b in bookings],
        "autoprint": _autoprint(request),
        "kiosk_url": _kiosk_url(request, hall),
    }
    return render(request, "appointments/checkin/choose.html", context)


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
        kind, value = parse_check_in_input(typed)
        if kind == "phone":
            return _check_in_by_phone(request, hall_obj, value)
        booking = selectors.booking_by_code(code=value)
        return _done(request, hall_obj, booking_check_in(hall=hall_obj, booking=booking, actor=request.user))
    except ApplicationError as exc:
        return _form(request, hall_obj, error=str(exc.message), typed=typed, status=exc.status_code)


def _result_message(booking: Booking) -> str:
    hall = booking.hall
    times = {
        "time": formats.time_format(booking.starts_at.astimezone(hall.tz), "H:i"),
        "business": booking.type.display_name,
    }
    if booking.status == BookingStatus.LATE:
        return _(
            "Your appointment was at %(time)s and check-in closed %(minutes)s minutes after it, so this is "
            "an ordinary number: you are called in turn with customers without a booking."
        ) % {**times, "minutes": settings.APT_CHECKIN_LATE_MINUTES}
    return _("Checked in for %(business)s at %(time)s. You will be called before customers without a booking.") % times


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
        "message": _result_message(booking),
        "slip_url": f"{slip}?{urlencode(query)}" if query else slip,
        "kiosk_url": _kiosk_url(request, hall_obj),
    }
    return render(request, "appointments/checkin/done.html", context)
