"""The statuses of a rectification (整改, SITE02) as a `core.states` table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class RectificationStatus(models.TextChoices):
    # Opened by a failed patrol item, waiting for its owner to put it right.
    OPEN = "open", pgettext_lazy("rectification", "Open")
    # The owner says it is put right, with a note and perhaps a photo: waiting for a patroller to check.
    SUBMITTED = "submitted", pgettext_lazy("rectification", "Waiting for verification")
    # A patroller saw it put right.
    VERIFIED = "verified", pgettext_lazy("rectification", "Verified")


R = RectificationStatus
RECTIFICATION_TABLE = StateTable(
    moves={
        R.OPEN: frozenset({R.SUBMITTED}),
        # A rejection sends it back to the owner with the reason.
        R.SUBMITTED: frozenset({R.VERIFIED, R.OPEN}),
    },
    history="premises.RectificationMove",
    history_fk="rectification",
)
# Not yet put right: the clock chases these.
RECTIFICATION_PENDING = (R.OPEN, R.SUBMITTED)


class EquipmentStatus(models.TextChoices):
    """SITE03: an item of the equipment register."""

    IN_SERVICE = "in_service", pgettext_lazy("equipment", "In service")
    # Someone reported a fault: waiting for the manager to send it to repair (or put it right on the spot).
    FAULTY = "faulty", pgettext_lazy("equipment", "Faulty")
    UNDER_REPAIR = "under_repair", pgettext_lazy("equipment", "Under repair")
    RETIRED = "retired", pgettext_lazy("equipment", "Retired")


E = EquipmentStatus
EQUIPMENT_TABLE = StateTable(
    moves={
        E.IN_SERVICE: frozenset({E.FAULTY, E.RETIRED}),
        # A fault put right in the hall goes straight back into service.
        E.FAULTY: frozenset({E.UNDER_REPAIR, E.IN_SERVICE, E.RETIRED}),
        E.UNDER_REPAIR: frozenset({E.IN_SERVICE, E.RETIRED}),
    },
    history="premises.EquipmentMove",
    history_fk="equipment",
)
# Out of order: a fault is open.
EQUIPMENT_FAULT_OPEN = (E.FAULTY, E.UNDER_REPAIR)
