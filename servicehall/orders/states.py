"""The steps of a work order as a table (ACC01).

    reception → consultation → acceptance → review → processing → confirmation
    → payment → follow_up → closed

plus three ends: rejected (the duty manager says no at review), withdrawn (the
customer changes their mind before processing completes) and reverted (退受理:
the business is undone after processing, where the business type allows it).

`ALLOWED_MOVES` lists every move the table knows. Some are taken only when the
business type or the order says so; `skips_allowed` decides those:

* acceptance → review when the business type needs a manager's review (or
  the clerk went on despite a worrying anti-fraud answer, PRIV03),
  acceptance → processing otherwise;
* confirmation → payment when the order has fees, else straight on;
* → follow_up when the business type has follow-up days (a follow-up task is
  created on entering it), else → closed.

Processing "completes" on the move processing → confirmation: that move runs
the business action (see `actions.py`).

`ORDER_TABLE` hands the table to `core.states.transition`, which appends an
`OrderMove` on every move. Installation jobs (`JobStatus`, `JOB_TABLE`) have a
table of their own; their history is the audit trail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable

if TYPE_CHECKING:
    from .models import WorkOrder


class OrderStatus(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    CONSULTATION = "consultation", _("Consultation")
    ACCEPTANCE = "acceptance", _("Acceptance")
    REVIEW = "review", _("Review")
    PROCESSING = "processing", _("Processing")
    CONFIRMATION = "confirmation", _("Confirmation")
    PAYMENT = "payment", _("Payment")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", pgettext_lazy("order status", "Closed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVERTED = "reverted", _("Reverted")


S = OrderStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.RECEPTION: frozenset({S.CONSULTATION, S.WITHDRAWN}),
    S.CONSULTATION: frozenset({S.ACCEPTANCE, S.WITHDRAWN}),
    S.ACCEPTANCE: frozenset({S.REVIEW, S.PROCESSING, S.WITHDRAWN}),
    S.REVIEW: frozenset({S.PROCESSING, S.REJECTED, S.WITHDRAWN}),
    S.PROCESSING: frozenset({S.CONFIRMATION, S.WITHDRAWN}),
    S.CONFIRMATION: frozenset({S.PAYMENT, S.FOLLOW_UP, S.CLOSED, S.REVERTED}),
    S.PAYMENT: frozenset({S.FOLLOW_UP, S.CLOSED, S.REVERTED}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.REVERTED}),
    S.CLOSED: frozenset({S.REVERTED}),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.REVERTED: frozenset(),
}
ORDER_TABLE = StateTable(moves=ALLOWED_MOVES, history="orders.OrderMove", history_fk="order")

# The main line, in order: what the page draws as the order's progress.
MAIN_LINE: tuple[str, ...] = (
    S.RECEPTION,
    S.CONSULTATION,
    S.ACCEPTANCE,
    S.REVIEW,
    S.PROCESSING,
    S.CONFIRMATION,
    S.PAYMENT,
    S.FOLLOW_UP,
    S.CLOSED,
)
# Steps where the counter is still working on the order.
OPEN_STATUSES: tuple[str, ...] = (
    S.RECEPTION,
    S.CONSULTATION,
    S.ACCEPTANCE,
    S.REVIEW,
    S.PROCESSING,
    S.CONFIRMATION,
    S.PAYMENT,
)
# Before processing completes: the customer may still withdraw, documents and IDs may still be recorded.
BEFORE_PROCESSING: tuple[str, ...] = (S.RECEPTION, S.CONSULTATION, S.ACCEPTANCE, S.REVIEW, S.PROCESSING)
# Up to acceptance: identity checks, documents and the anti-fraud checklist belong here.
UP_TO_ACCEPTANCE: tuple[str, ...] = (S.RECEPTION, S.CONSULTATION, S.ACCEPTANCE)
# The business was carried out (processing completed): recommendations and revert apply.
PROCESSED: tuple[str, ...] = (S.CONFIRMATION, S.PAYMENT, S.FOLLOW_UP, S.CLOSED)
ENDED: tuple[str, ...] = (S.CLOSED, S.REJECTED, S.WITHDRAWN, S.REVERTED)
# Moves that only their own service makes (they need a reason, a decision or an undo).
SPECIAL_TARGETS: frozenset[str] = frozenset({S.REJECTED, S.WITHDRAWN, S.REVERTED})


def after_acceptance(order: WorkOrder) -> str:
    """Review when the business type needs it, or when the clerk went on despite an anti-fraud warning."""
    return S.REVIEW if order.business_type.review_required or order.fraud_unsafe else S.PROCESSING


def after_confirmation(order: WorkOrder) -> str:
    if order.fee_total > Decimal("0"):
        return S.PAYMENT
    return after_payment(order)


def after_payment(order: WorkOrder) -> str:
    return S.FOLLOW_UP if order.business_type.follow_up_days is not None else S.CLOSED


def next_status(order: WorkOrder) -> str | None:
    """The one forward step this order takes from where it is (None at an end)."""
    forward: dict[str, str] = {
        S.RECEPTION: S.CONSULTATION,
        S.CONSULTATION: S.ACCEPTANCE,
        S.ACCEPTANCE: after_acceptance(order),
        S.REVIEW: S.PROCESSING,
        S.PROCESSING: S.CONFIRMATION,
        S.CONFIRMATION: after_confirmation(order),
        S.PAYMENT: after_payment(order),
        S.FOLLOW_UP: S.CLOSED,
    }
    return forward.get(order.status)


def move_is_in_table(current: str, to: str) -> bool:
    return to in ALLOWED_MOVES.get(current, frozenset())


def move_fits_order(order: WorkOrder, to: str) -> bool:
    """A move of the table this order may take: the skips follow the business type and the fees."""
    if not move_is_in_table(order.status, to):
        return False
    if to in SPECIAL_TARGETS:
        return True
    return next_status(order) == to


class JobStatus(models.TextChoices):
    """The statuses of an installation job (`InstallationJob.Status`)."""

    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", pgettext_lazy("task", "Done")
    FAILED = "failed", _("Failed")
    # Nobody opened the door at the appointment (a repair's result, CARE05): rescheduled like a failed job.
    ABSENT = "absent", _("Customer absent")
    CANCELLED = "cancelled", pgettext_lazy("task", "Cancelled")


J = JobStatus
# A failed job is rescheduled (→ scheduled) or given up with its order (→ cancelled);
# a done or cancelled job stays as it is.
JOB_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    J.SCHEDULED: frozenset({J.DONE, J.FAILED, J.ABSENT, J.CANCELLED}),
    J.FAILED: frozenset({J.SCHEDULED, J.CANCELLED}),
    J.ABSENT: frozenset({J.SCHEDULED, J.CANCELLED}),
    J.DONE: frozenset(),
    J.CANCELLED: frozenset(),
}
# No history model: every move of a job writes an audit row, which is the job's history.
JOB_TABLE = StateTable(moves=JOB_ALLOWED_MOVES)
# Jobs still to be done: they keep their order on the unfinished list (未完工).
JOB_OPEN_STATUSES: tuple[str, ...] = (J.SCHEDULED, J.FAILED, J.ABSENT)
# A job waiting for a new appointment: the technician could not finish it.
JOB_RESCHEDULE_STATUSES: tuple[str, ...] = (J.FAILED, J.ABSENT)


class RepairStatus(models.TextChoices):
    """The statuses of a repair ticket (故障报修, CARE05; `RepairTicket.Status`).

    reported → dispatched → fixed / not_fixed / customer_absent; not fixed and customer absent are dispatched
    again; fixed → confirmed when the customer says it works (a follow-up call is due), → not_fixed when the
    customer says it still does not (dispatched again). Closed: given up without a fix.
    """

    REPORTED = "reported", _("Reported")
    DISPATCHED = "dispatched", _("Dispatched")
    FIXED = "fixed", _("Fixed")
    NOT_FIXED = "not_fixed", _("Not fixed")
    CUSTOMER_ABSENT = "customer_absent", _("Customer absent")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    CLOSED = "closed", pgettext_lazy("repair status", "Closed")


R = RepairStatus
REPAIR_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    R.REPORTED: frozenset({R.DISPATCHED, R.CLOSED}),
    R.DISPATCHED: frozenset({R.FIXED, R.NOT_FIXED, R.CUSTOMER_ABSENT, R.CLOSED}),
    R.NOT_FIXED: frozenset({R.DISPATCHED, R.CLOSED}),
    R.CUSTOMER_ABSENT: frozenset({R.DISPATCHED, R.CLOSED}),
    R.FIXED: frozenset({R.CONFIRMED, R.NOT_FIXED}),
    R.CONFIRMED: frozenset(),
    R.CLOSED: frozenset(),
}
# No history model: every move of a repair writes an audit row, as a job's does.
REPAIR_TABLE = StateTable(moves=REPAIR_ALLOWED_MOVES)
# Waiting for a technician (to be dispatched again): the repair SLA runs until it is fixed.
REPAIR_TO_DISPATCH: tuple[str, ...] = (R.REPORTED, R.NOT_FIXED, R.CUSTOMER_ABSENT)
REPAIR_SLA_OPEN: tuple[str, ...] = (R.REPORTED, R.DISPATCHED, R.NOT_FIXED, R.CUSTOMER_ABSENT)
# Still on the repairs screen.
REPAIR_OPEN: tuple[str, ...] = (*REPAIR_SLA_OPEN, R.FIXED)
# A repair given up without a fix (a manager's decision): every status before the fix.
REPAIR_CLOSABLE: tuple[str, ...] = REPAIR_SLA_OPEN


class RepairLevel(models.IntegerChoices):
    """Who is chasing a repair whose time is up (`manage.py care_escalate`), as complaints go up."""

    NONE = 0, _("Not escalated")
    DUTY_MANAGER = 1, _("Escalated to the duty manager")
    SERVICE_MANAGER = 2, _("Escalated to the service manager")


class RepairCloseReason(models.TextChoices):
    """Why a repair was closed without a fix."""

    WITHDRAWN = "withdrawn", _("The customer withdrew the report")
    NOT_OURS = "not_ours", _("The fault is in the customer's own equipment")
    DUPLICATE = "duplicate", _("Reported twice: the other repair goes on")
    UNREACHABLE = "unreachable", _("The customer cannot be reached")
    REPLACED = "replaced", _("Solved by other business (service moved or ended)")


# Every msgid the program stores as a note in an order's history (orders, its handlers, billing), shown in the
# reader's language through `core.stored_notes` (registered in `OrdersConfig.ready()`).
SYSTEM_NOTES = (
    "Paid elsewhere",
    "Paid, receipt %(number)s",
    "Order %(number)s reverted",
    "The order was reverted.",
    "Nothing to pay: promotions cover the fees",
)
