"""How bookings are shown on screens and in the API: phones masked here, in one place (PRIV01)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from servicehall.core.masking import mask_phone
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


def rows_by_hour(bookings: Any, *, tz: Any) -> list[dict[str, Any]]:
    """The day's bookings grouped by the hour they start, in the hall's time."""
    rows = [booking_row(b) for b in bookings]
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
