"""Arriving with a booking (APT02): check-in at the kiosk into the queue, late arrivals and no-shows.

A booking is checked in from `APT_CHECKIN_EARLY_MINUTES` before its time to `APT_CHECKIN_LATE_MINUTES` after:
the customer gets a ticket of the booking's category with the appointment's priority (`TicketKind.APPOINTMENT`:
its head start passes walk-ins, not the green channel, as the hall's priority rules say). Earlier, the kiosk
says when check-in opens; later the same day, a walk-in ticket and the reason ("late"), which is not counted
as a no-show. A booking nobody checked in by the end of its window becomes a no-show
(`bookings_mark_no_shows`, run by the scheduler), counted against the phone by `services.no_show_check`.

Checking in twice (a double press, the back button) gives the same ticket again: the booking's row is locked
and its ticket kept on it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.states import transition
from servicehall.org.models import Hall
from servicehall.queueing.models import Ticket, TicketChannel, TicketKind
from servicehall.queueing.services import MOBILE_RE, ticket_issue

from .models import Booking
from .selectors import booking_by_code
from .states import BOOKING_TABLE, BookingStatus

S = BookingStatus
# What a kiosk's reader or keyboard may type: a booking code (the QR holds it, or the booking page's link
# ending in it) or the 11-digit mobile number the booking was made with.
_CODE_IN_LINK = re.compile(r"/b/([A-Za-z0-9]{4,12})/?$")
_PHONE = re.compile(r"^(?:\+?86)?(1\d{10})$")


@dataclass(frozen=True)
class CheckIn:
    booking: Booking
    ticket: Ticket
    late: bool  # the window had passed: a walk-in ticket
    again: bool  # checked in before: the same ticket once more


def check_in_window(booking: Booking) -> tuple[dt.datetime, dt.datetime]:
    return (
        booking.starts_at - dt.timedelta(minutes=settings.APT_CHECKIN_EARLY_MINUTES),
        booking.starts_at + dt.timedelta(minutes=settings.APT_CHECKIN_LATE_MINUTES),
    )


def _hall_time(moment: dt.datetime, hall: Hall, pattern: str = "H:i") -> str:
    return formats.date_format(moment.astimezone(hall.tz), pattern)


def parse_check_in_input(raw: Any) -> tuple[str, str]:
    """("phone", "13800000000") or ("code", "ABCD2345") from what the customer typed or scanned."""
    text = "".join(str(raw or "").split())[:200]
    if not text:
        raise Unprocessable(_("Type your booking code or mobile number, or scan the code."), code="empty")
    digits = text.replace("-", "")
    if phone := _PHONE.match(digits):
        return "phone", phone.group(1)
    if link := _CODE_IN_LINK.search(text):
        text = link.group(1)
    if not text.isalnum() or len(text) > 12:
        raise Unprocessable(_("That is neither a booking code nor a mobile number."), code="bad_input")
    return "code", text.upper()


def _refuse_day(booking: Booking, hall: Hall, now: dt.datetime) -> Unprocessable:
    when = {"day": _hall_time(booking.starts_at, hall, "Y-m-d"), "time": _hall_time(booking.starts_at, hall)}
    if booking.starts_at < now:
        return Unprocessable(_("This booking was for %(day)s at %(time)s. Please take a number.") % when, code="past")
    return Unprocessable(
        _("This booking is for %(day)s at %(time)s. Please come back then, or take a number for today.") % when,
        code="other_day",
    )


def _refuse_status(booking: Booking) -> Conflict:
    if booking.status == S.CANCELLED:
        return Conflict(_("This booking was cancelled. Please take a number."), code="cancelled")
    return Conflict(_("This booking cannot be checked in. Please take a number."), code="not_open")


def _ticket_phone(booking: Booking) -> str:
    """The booking's phone on the ticket (for the queue's text messages) when it is a mobile number."""
    return booking.phone if MOBILE_RE.match(booking.phone) else ""


def booking_check_in(*, hall: Hall, booking: Booking, actor: Actor = None) -> CheckIn:
    """Check a booking in at the kiosk of `hall`: its ticket with the appointment's priority, a walk-in ticket
    when late, the same ticket again when already checked in; refused too early, on another day, or when the
    booking was cancelled."""
    if booking.hall_id != hall.pk:
        raise NotFound(
            _("This booking is for %(hall)s, not this hall.") % {"hall": booking.hall.name}, code="other_hall"
        )
    now = timezone.now()
    with transaction.atomic():
        # Lock the row alone, then read it with its relations: a locking read that joins would, after waiting
        # for another check-in, see the booking's new ticket id but not yet the ticket row it joined.
        Booking.objects.select_for_update().filter(pk=booking.pk).values_list("pk", flat=True).get()
        locked = Booking.objects.select_related("hall", "type__category", "type__business_type", "ticket").get(
            pk=booking.pk
        )
        if locked.ticket is not None:
            return CheckIn(booking=locked, ticket=locked.ticket, late=locked.status == S.LATE, again=True)
        if timezone.localdate(now, hall.tz) != timezone.localdate(locked.starts_at, hall.tz):
            raise _refuse_day(locked, hall, now)
        if locked.status not in (S.BOOKED, S.NO_SHOW):
            raise _refuse_status(locked)
        opens, closes = check_in_window(locked)
        if now < opens:
            raise Unprocessable(
                _("Your appointment is at %(time)s. Check-in opens at %(opens)s; please take a seat until then.")
                % {"time": _hall_time(locked.starts_at, hall), "opens": _hall_time(opens, hall)},
                code="too_early",
            )
        late = now > closes
        ticket = ticket_issue(
            hall=hall,
            category=locked.type.category,
            channel=TicketChannel.KIOSK if late else TicketChannel.APPOINTMENT,
            kind=TicketKind.NORMAL if late else TicketKind.APPOINTMENT,
            phone=_ticket_phone(locked),
            actor=actor,
        )
        transition(
            locked,
            S.LATE if late else S.CHECKED_IN,
            table=BOOKING_TABLE,
            refuse=lambda status: _refuse_status(locked),
            changes={"ticket": ticket, "checked_in_at": now},
            actor=actor,
            note=ticket.number,
            now=now,
        )
        locked.ticket, locked.checked_in_at = ticket, now
        locked.status = S.LATE if late else S.CHECKED_IN
    return CheckIn(booking=locked, ticket=ticket, late=late, again=False)


def bookings_to_check_in(*, hall: Hall, phone: str) -> list[Booking]:
    """Today's bookings of a phone in the hall that may still be checked in (or were, to show the ticket)."""
    today = timezone.localdate(timezone.now(), hall.tz)
    start = dt.datetime.combine(today, dt.time(0), tzinfo=hall.tz)
    return list(
        Booking.objects.filter(
            hall=hall,
            phone=phone,
            starts_at__gte=start,
            starts_at__lt=start + dt.timedelta(days=1),
            status__in=(S.BOOKED, S.NO_SHOW, S.CHECKED_IN, S.LATE),
        )
        .select_related("hall", "type__category", "type__business_type", "ticket")
        .order_by("starts_at", "pk")
    )


def check_in_by_entry(*, hall: Hall, entry: Any, booking_id: Any = None, actor: Actor = None) -> CheckIn:
    """Check in from what the kiosk read: a booking code, or a mobile number with one booking today (with
    several, `booking_id` picks one; without it the refusal's `extra["choices"]` lists them, time and business
    only, for the kiosk to ask which)."""
    kind, value = parse_check_in_input(entry)
    if kind == "code":
        return booking_check_in(hall=hall, booking=booking_by_code(code=value), actor=actor)
    bookings = bookings_to_check_in(hall=hall, phone=value)
    if booking_id not in (None, ""):
        picked = [b for b in bookings if str(b.pk) == str(booking_id)]
        if not picked:
            raise NotFound(_("That booking is not one of this number's bookings today."), code="booking_unknown")
        return booking_check_in(hall=hall, booking=picked[0], actor=actor)
    if not bookings:
        raise NotFound(
            _("No booking today in this hall for this mobile number. Please take a number."), code="no_booking"
        )
    if len(bookings) > 1:
        raise Conflict(
            _("This number has several bookings today. Which one are you here for?"),
            code="several_bookings",
            extra={"choices": [_choice(b) for b in bookings]},
        )
    return booking_check_in(hall=hall, booking=bookings[0], actor=actor)


def _choice(booking: Booking) -> dict[str, Any]:
    """A booking offered to a phone at the kiosk: time and business only (others may see the screen)."""
    return {
        "booking": booking.pk,
        "time": _hall_time(booking.starts_at, booking.hall),
        "business": booking.type.display_name,
        "ticket": booking.ticket.number if booking.ticket else "",
    }


def check_in_message(booking: Booking) -> str:
    """What the kiosk tells the customer about the number a check-in gave."""
    hall = booking.hall
    times = {"time": _hall_time(booking.starts_at, hall), "business": booking.type.display_name}
    if booking.status == S.LATE:
        return _(
            "Your appointment was at %(time)s and check-in closed %(minutes)s minutes after it, so this is "
            "an ordinary number: you are called in turn with customers without a booking."
        ) % {**times, "minutes": settings.APT_CHECKIN_LATE_MINUTES}
    return _("Checked in for %(business)s at %(time)s. You will be called before customers without a booking.") % times


def bookings_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Every booking not checked in by the end of its window becomes a no-show (APT02); each is moved once,
    by a compare-and-set on its status, so overlapping runs do no harm. Returns how many were marked."""
    now = now or timezone.now()
    due_before = now - dt.timedelta(minutes=settings.APT_CHECKIN_LATE_MINUTES)
    marked = 0
    for booking in Booking.objects.filter(status=S.BOOKED, starts_at__lt=due_before).only("pk", "status"):
        try:
            with transaction.atomic():
                transition(booking, S.NO_SHOW, table=BOOKING_TABLE, refuse=_moved_meanwhile, now=now)
        except Conflict:
            continue  # checked in or cancelled since it was read
        marked += 1
    return marked


def _moved_meanwhile(status: str) -> Conflict:
    return Conflict(_("The booking changed meanwhile."), code="moved")
