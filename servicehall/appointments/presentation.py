"""How bookings are shown on screens and in the API: phones masked here, in one place (PRIV01)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.utils import timezone

from servicehall.core.masking import mask_phone

from .models import Booking


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
