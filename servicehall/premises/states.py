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
