"""Every read of appointments (APT01), scoped to a hall."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from servicehall.catalog.models import pick_language
from servicehall.core.errors import NotFound
from servicehall.org.models import Hall

from .models import AppointmentType, Booking


def types_for_hall(*, hall: Hall, active_only: bool = True) -> QuerySet[AppointmentType]:
    rows = AppointmentType.objects.filter(hall=hall).select_related("hall", "category", "business_type")
    return rows.filter(active=True) if active_only else rows


def type_get(*, hall: Hall, type_id: Any, active_only: bool = True) -> AppointmentType:
    try:
        pk = int(type_id)
    except (TypeError, ValueError):
        pk = 0
    found = types_for_hall(hall=hall, active_only=active_only).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Choose a business that can be booked in this hall."), code="type_unknown")
    return found


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("hall", "type__hall", "type__category", "type__business_type")


def booking_get(*, hall: Hall, booking_id: Any) -> Booking:
    found = _bookings().filter(hall=hall, pk=booking_id).first()
    if found is None:
        raise NotFound(_("No such booking in this hall."), code="booking_unknown")
    return found


def booking_by_code(*, code: Any) -> Booking:
    """A booking by the code the customer holds (any case, spaces ignored)."""
    text = "".join(str(code or "").split()).upper()[:12]
    found = _bookings().filter(code=text).first() if text else None
    if found is None:
        raise NotFound(_("No booking has this code. Check the code in your text message."), code="booking_unknown")
    return found


def booking_by_ticket(*, hall: Hall, ticket_id: Any) -> Booking:
    """The booking a kiosk ticket was taken for (its check-in, or a late arrival's walk-in ticket)."""
    found = _bookings().select_related("ticket").filter(hall=hall, ticket_id=ticket_id).first()
    if found is None:
        raise NotFound(_("No booking was checked in with this ticket."), code="booking_unknown")
    return found


def booking_for_ticket(ticket: Any) -> Booking | None:
    """The booking a ticket was taken for, if any (the workbench's note beside the ticket)."""
    return _bookings().filter(ticket=ticket).first()


def bookings_of_day(*, hall: Hall, day: dt.date) -> QuerySet[Booking]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=hall.tz)
    return _bookings().filter(hall=hall, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))


def documents_to_bring(appointment_type: AppointmentType) -> list[str]:
    """The documents of the business from the pack; for a whole category, the category's general list."""
    if appointment_type.business_type is not None:
        return appointment_type.business_type.documents_display()
    return [
        pick_language(doc.get("name_zh", ""), doc.get("name_en", "")) for doc in appointment_type.category.documents
    ]
