"""The statuses of the care app's objects as tables for `core.states.transition` (CARE01)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class RatingStatus(models.TextChoices):
    # Asked on the pad and waiting for the customer's press (only within the window).
    ASKED = "asked", pgettext_lazy("rating", "Asked")
    RATED = "rated", pgettext_lazy("rating", "Rated")


RATING_TABLE = StateTable(moves={RatingStatus.ASKED: frozenset({RatingStatus.RATED})})


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("alert", "Open")
    # Not handled in time: the service manager sees it too.
    ESCALATED = "escalated", _("Escalated")
    HANDLED = "handled", pgettext_lazy("alert", "Handled")


A = AlertStatus
ALERT_TABLE = StateTable(
    moves={A.OPEN: frozenset({A.ESCALATED, A.HANDLED}), A.ESCALATED: frozenset({A.HANDLED})},
    history="care.AlertMove",
    history_fk="alert",
)
ALERT_OPEN_STATUSES = (A.OPEN, A.ESCALATED)


class OpinionStatus(models.TextChoices):
    """An entry of the opinion book (意见簿): waiting for the hall's answer, or answered."""

    OPEN = "open", pgettext_lazy("opinion", "Waiting for an answer")
    ANSWERED = "answered", pgettext_lazy("opinion", "Answered")


OPINION_TABLE = StateTable(
    moves={OpinionStatus.OPEN: frozenset({OpinionStatus.ANSWERED})},
    history="care.OpinionMove",
    history_fk="entry",
)
