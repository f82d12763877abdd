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


class ComplaintStatus(models.TextChoices):
    """A complaint (投诉, CARE04) from recording to closure; it is never deleted."""

    # Recorded, waiting for the hall to acknowledge it (受理) within the category's hours.
    OPEN = "open", pgettext_lazy("complaint", "Waiting to be acknowledged")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("complaint", "Being handled")
    # Answered: the customer is asked whether they are satisfied with the handling.
    RESOLVED = "resolved", pgettext_lazy("complaint", "Answered")
    CLOSED = "closed", pgettext_lazy("complaint", "Closed")
    # Only with the customer's own word, which is recorded.
    WITHDRAWN = "withdrawn", pgettext_lazy("complaint", "Withdrawn")


CS = ComplaintStatus
COMPLAINT_TABLE = StateTable(
    moves={
        CS.OPEN: frozenset({CS.ACKNOWLEDGED, CS.WITHDRAWN}),
        CS.ACKNOWLEDGED: frozenset({CS.RESOLVED, CS.WITHDRAWN}),
        # Not satisfied with the handling: the complaint is reopened and handled again.
        CS.RESOLVED: frozenset({CS.CLOSED, CS.ACKNOWLEDGED}),
    },
    history="care.ComplaintMove",
    history_fk="complaint",
)
COMPLAINT_OPEN_STATUSES = (CS.OPEN, CS.ACKNOWLEDGED)

# The msgids the program stores as notes in care's histories and in the order's history it closes, shown in the
# reader's language through `core.stored_notes` (registered in `CareConfig.ready()`): a follow-up closed without
# a typed note (`services.follow_up_record`: the call's outcome, or unreachable), a handled alert's action, and
# a complaint's warning, escalation, compensation and the customer's word on the handling.
SYSTEM_NOTES = (
    # FollowUpOutcome
    "Reached, satisfied",
    "Reached, with a problem",
    "Did not want to talk",
    "Not reachable after three calls.",
    # AlertAction
    "Talked with the customer",
    "Apologised and put it right",
    "Recorded a complaint",
    "The customer had left",
    # complaints: ComplaintLevel, ComplaintSatisfaction and the texts of `services`
    "Escalated to the duty manager",
    "Escalated to the service manager",
    "Time nearly up",
    "Time is up; %(level)s",
    "%(amount)s yuan credited to the service's balance: %(reason)s",
    "%(amount)s yuan refunded of a payment: %(reason)s",
    "Satisfied with the handling",
    "Not satisfied with the handling",
    "Could not be reached",
)
