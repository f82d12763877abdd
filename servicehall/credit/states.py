"""The steps of a credit application as a table (PAY05).

    submitted → approved → signed → active → paid_off
              ↘ rejected

* submitted: the clerk filed it; the customer was eligible at that moment.
* approved / rejected: the duty manager's decision (never the clerk who filed it).
* signed: the contract is signed; the installment schedule exists from here.
* active: the handset was handed over; the plan runs.
* paid_off: every installment is paid (or the rest repaid early).
* cancelled: before the handset is handed over, while nothing has been repaid.

Installments may be paid once the contract is signed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class CreditStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SIGNED = "signed", _("Contract signed")
    ACTIVE = "active", _("Running")
    PAID_OFF = "paid_off", _("Paid off")
    CANCELLED = "cancelled", pgettext_lazy("credit plan", "Cancelled")


S = CreditStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.SIGNED, S.CANCELLED}),
    S.SIGNED: frozenset({S.ACTIVE, S.PAID_OFF, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAID_OFF}),
    S.REJECTED: frozenset(),
    S.PAID_OFF: frozenset(),
    S.CANCELLED: frozenset(),
}
# Every move appends a `CreditStatusChange` (core.states.transition).
CREDIT_TABLE = StateTable(moves=ALLOWED_MOVES, history="credit.CreditStatusChange", history_fk="application")

# A plan whose installments may be paid.
REPAYABLE: tuple[str, ...] = (S.SIGNED, S.ACTIVE)
# Applications that still bind the service: a second one for the same number is refused.
LIVE: tuple[str, ...] = (S.SUBMITTED, S.APPROVED, S.SIGNED, S.ACTIVE)
ENDED: tuple[str, ...] = (S.REJECTED, S.PAID_OFF, S.CANCELLED)

# The msgids the program stores as notes in a plan's history (`services`), shown in the reader's language
# through `core.stored_notes` (registered in `CreditConfig.ready()`).
SYSTEM_NOTES = ("Early repayment",)
