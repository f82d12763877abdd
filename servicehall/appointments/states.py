"""The statuses of a booking (APT01) as a table for `core.states.transition`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class BookingStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("booking", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")
    # Kiosk check-in and no-shows come with APT02; the statuses are here so the rules can count them.
    CHECKED_IN = "checked_in", pgettext_lazy("booking", "Checked in")
    NO_SHOW = "no_show", pgettext_lazy("booking", "Did not come")


B = BookingStatus
BOOKING_TABLE = StateTable(
    moves={B.BOOKED: frozenset({B.CANCELLED, B.CHECKED_IN, B.NO_SHOW})},
    history="appointments.BookingMove",
    history_fk="booking",
)
# The statuses that hold a place in a slot.
HOLDING_STATUSES = (B.BOOKED, B.CHECKED_IN)
