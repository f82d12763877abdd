"""How bookings are shown on screens and in the API: phones masked here, in one place (PRIV01)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.core.masking import mask_phone
from servicehall.orders.selectors import open_orders_by_phone
from servicehall.queueing.extensions import Link, TicketNote

from .models import Booking
from .selectors import booking_for_ticket, documents_to_bring
from .states import BookingStatus


def booking_row(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "code": booking.code,
        "business": booking.type.display_name,
        "type_id": booking.type_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "name": booking.name,
        "phone": mask_phone(booking.phone),
        "status": booking.status,
        "status_display": booking.get_status_display(),
        "channel": booking.channel,
        "channel_display": booking.get_channel_display(),
        "notes": booking.notes,
        "is_open": booking.status == "booked",
    }


def _order_row(order: Any) -> dict[str, str]:
    return {
        "number": order.number,
        "business": order.business_type.display_name if order.business_type else "",
        "status": order.get_status_display(),
        "url": reverse("orders:detail", kwargs={"order_id": order.pk}),
    }


def prepared_rows(bookings: list[Booking], *, hall: Any) -> list[dict[str, Any]]:
    """The day's bookings as the staff prepare for them (APT03): each row with the documents the business
    asks for, the customer's unfinished orders in the hall, and the ticket once checked in."""
    documents: dict[int, list[str]] = {}
    open_orders = open_orders_by_phone(hall=hall, phones=[b.phone for b in bookings])
    rows = []
    for booking in bookings:
        if booking.type_id not in documents:
            documents[booking.type_id] = documents_to_bring(booking.type)
        row = booking_row(booking)
        row["documents"] = documents[booking.type_id]
        row["open_orders"] = [_order_row(order) for order in open_orders.get(booking.phone, [])]
        row["ticket"] = booking.ticket.number if booking.ticket_id and booking.ticket else ""
        row["checked_in_at"] = booking.checked_in_at
        rows.append(row)
    return rows


def arrivals(rows: list[dict[str, Any]], *, now: Any) -> dict[str, list[dict[str, Any]]]:
    """Today's arrivals for the lobby guide: who checked in (latest first) and who is due within the hour."""
    arrived = sorted((r for r in rows if r["checked_in_at"]), key=lambda r: r["checked_in_at"], reverse=True)
    due = [r for r in rows if r["status"] == BookingStatus.BOOKED and r["starts_at"] <= now + dt.timedelta(hours=1)]
    return {"arrived": arrived, "due": due}


def rows_by_hour(rows: list[dict[str, Any]], *, tz: Any) -> list[dict[str, Any]]:
    """Booking rows grouped by the hour they start, in the hall's time."""
    return [
        {"hour": hour, "rows": list(group)}
        for hour, group in groupby(rows, key=lambda r: timezone.localtime(r["starts_at"], tz).hour)
    ]


def kiosk_check_in_link(hall: Any) -> Link | None:
    """ "I have a booking" on the kiosk of a hall that takes bookings (APT02)."""
    if not hall.appointment_types.filter(active=True).exists():
        return None
    return Link(
        label=_("I have a booking · Check in"),
        url=reverse("appointments:check_in", kwargs={"hall": hall.code}),
        testid="kiosk-check-in",
    )


def booking_ticket_note(ticket: Any) -> TicketNote | None:
    """What the clerk sees beside a ticket taken with a booking: the business booked, its documents, the
    customer's notes (APT02)."""
    booking = booking_for_ticket(ticket)
    if booking is None:
        return None
    time = formats.time_format(booking.starts_at.astimezone(booking.hall.tz), "H:i")
    if booking.status == BookingStatus.LATE:
        title = _("Booked %(business)s at %(time)s, came late") % {"business": booking.type.display_name, "time": time}
    else:
        title = _("Booked %(business)s at %(time)s") % {"business": booking.type.display_name, "time": time}
    lines = []
    if documents := documents_to_bring(booking.type):
        listed = pgettext("list separator", ", ").join(documents)
        lines.append(_("Documents to bring: %(documents)s") % {"documents": listed})
    if booking.notes:
        lines.append(_("Customer's notes: %(notes)s") % {"notes": booking.notes})
    return TicketNote(title=title, lines=lines, testid="booking-note")
