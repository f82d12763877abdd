"""The statuses of a reservation (HOTEL01) as a table for `core.states.transition`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class ReservationStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("reservation", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("reservation", "Cancelled")
    # Arrival, stay and departure (HOTEL02–04) move a reservation on from here.
    CHECKED_IN = "checked_in", pgettext_lazy("reservation", "In house")
    CHECKED_OUT = "checked_out", pgettext_lazy("reservation", "Departed")
    NO_SHOW = "no_show", pgettext_lazy("reservation", "Did not arrive")


R = ReservationStatus
RESERVATION_TABLE = StateTable(
    moves={
        R.BOOKED: frozenset({R.CANCELLED, R.CHECKED_IN, R.NO_SHOW}),
        R.CHECKED_IN: frozenset({R.CHECKED_OUT}),
    },
    history="hotel.ReservationMove",
    history_fk="reservation",
)
# The statuses that hold a room of the type on their nights.
HOLDING_STATUSES = (R.BOOKED, R.CHECKED_IN)


# --- Stay (HOTEL03) ---


class RequestStatus(models.TextChoices):
    """A guest's request during the stay (extra towels, a wake-up call …)."""

    REQUESTED = "requested", pgettext_lazy("guest request", "Requested")
    IN_PROGRESS = "in_progress", pgettext_lazy("guest request", "In progress")
    DONE = "done", pgettext_lazy("guest request", "Done")
    CANCELLED = "cancelled", pgettext_lazy("guest request", "Cancelled")


GR = RequestStatus
REQUEST_TABLE = StateTable(
    moves={
        GR.REQUESTED: frozenset({GR.IN_PROGRESS, GR.DONE, GR.CANCELLED}),
        GR.IN_PROGRESS: frozenset({GR.DONE, GR.CANCELLED}),
    },
    history="hotel.GuestRequestMove",
    history_fk="request",
)
REQUEST_OPEN = (GR.REQUESTED, GR.IN_PROGRESS)

# The msgids the program stores as notes in a reservation's and a guest request's history (`services`,
# `services_stay`), shown in the reader's language through `core.stored_notes` (`HotelConfig.ready()`).
SYSTEM_NOTES = (
    "Changed: %(arrival)s to %(departure)s, %(type)s, %(plan)s, %(guests)s guests; %(total)s yuan",
    "guest checked out",
)
