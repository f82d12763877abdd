"""The statuses of a booking (APT01) as a table for `core.states.transition`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class BookingStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("booking", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")
    # At the kiosk within the check-in window: a ticket with the appointment's priority (APT02).
    CHECKED_IN = "checked_in", pgettext_lazy("booking", "Checked in")
    # Not checked in by the end of the window: counted against the phone (no_show_check).
    NO_SHOW = "no_show", pgettext_lazy("booking", "Did not come")
    # Came after the window: a walk-in ticket instead; not counted as a no-show.
    LATE = "late", pgettext_lazy("booking", "Came late")


B = BookingStatus
BOOKING_TABLE = StateTable(
    moves={
        B.BOOKED: frozenset({B.CANCELLED, B.CHECKED_IN, B.NO_SHOW, B.LATE}),
        # Marked a no-show, then came the same day after all: a walk-in ticket, and no longer counted.
        B.NO_SHOW: frozenset({B.LATE}),
    },
    history="appointments.BookingMove",
    history_fk="booking",
)
# The statuses that hold a place in a slot.
HOLDING_STATUSES = (B.BOOKED, B.CHECKED_IN)
