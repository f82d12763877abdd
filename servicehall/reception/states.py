"""The statuses of a business visit (业务人员接待, APT04) and of its expenses, as `core.states` tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class VisitStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("visit", "Draft")
    # Waiting for the office's approval (only levels that ask for it).
    SUBMITTED = "submitted", pgettext_lazy("visit", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("visit", "Approved")
    # The host ticked every item of the preparation checklist.
    PREPARED = "prepared", pgettext_lazy("visit", "Prepared")
    # The first visitor signed in at reception.
    ARRIVED = "arrived", pgettext_lazy("visit", "Visitors here")
    # Farewell said: the visit is over.
    FINISHED = "finished", pgettext_lazy("visit", "Finished")
    CANCELLED = "cancelled", pgettext_lazy("visit", "Cancelled")
    REJECTED = "rejected", pgettext_lazy("visit", "Not approved")


V = VisitStatus
VISIT_TABLE = StateTable(
    moves={
        # A level without approval goes straight from the draft to approved.
        V.DRAFT: frozenset({V.SUBMITTED, V.APPROVED, V.CANCELLED}),
        V.SUBMITTED: frozenset({V.APPROVED, V.REJECTED, V.CANCELLED}),
        # Visitors may arrive before the checklist is complete: they are let in, the visit shows a warning.
        V.APPROVED: frozenset({V.PREPARED, V.ARRIVED, V.CANCELLED}),
        V.PREPARED: frozenset({V.ARRIVED, V.CANCELLED}),
        V.ARRIVED: frozenset({V.FINISHED}),
        # A rejected plan may be reworked and sent again.
        V.REJECTED: frozenset({V.DRAFT}),
    },
    history="reception.VisitMove",
    history_fk="visit",
)
# The statuses whose room booking holds the room.
VISIT_HOLDS_ROOM = (V.DRAFT, V.SUBMITTED, V.APPROVED, V.PREPARED, V.ARRIVED, V.FINISHED)
VISIT_EDITABLE = (V.DRAFT, V.REJECTED)


class ExpenseStatus(models.TextChoices):
    # Within the visit's allowance: counted at once.
    COUNTED = "counted", pgettext_lazy("expense", "Within the allowance")
    # Over the allowance: counted only once the office approves it.
    WAITING = "waiting", pgettext_lazy("expense", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("expense", "Approved over the allowance")
    REJECTED = "rejected", pgettext_lazy("expense", "Not approved")


E = ExpenseStatus
EXPENSE_TABLE = StateTable(moves={E.WAITING: frozenset({E.APPROVED, E.REJECTED})})
EXPENSE_SPENT = (E.COUNTED, E.APPROVED)
# What the allowance must still cover when a new expense comes: the counted, approved and waiting ones.
EXPENSE_CLAIMED = (E.COUNTED, E.APPROVED, E.WAITING)

# The msgids the program stores as notes in a visit's history (`services`), shown in the reader's language
# through `core.stored_notes` (registered in `ReceptionConfig.ready()`).
SYSTEM_NOTES = (
    "Plan changed",
    "This reception level needs no approval.",
)
