"""The statuses of a payment and of a refund as tables (PAY01, PAY06).

Payment:

    pending → succeeded
            ↘ failed  → succeeded (late success)
            ↘ expired → succeeded (late success)

Cash and card payments are created succeeded; a QR payment is created pending
and moves when the provider answers (`billing.services.qr`, which also holds
the late-success rule).

Refund:

    requested → approved → paid
              ↘ paid (within the clerk's limit)
              ↘ rejected

Every move appends a `PaymentMove` or `RefundMove` (`core.states.transition`);
creating a payment or a refund writes the first one ("" → its status) with the
table's `record`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.states import StateTable


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


# The only moves of a payment's status. EXPIRED -> SUCCEEDED and FAILED -> SUCCEEDED are the provider's
# late success (the customer paid after we gave up): see the rule in `billing.services.qr`.
PAYMENT_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED}),
    PaymentStatus.EXPIRED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.FAILED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.SUCCEEDED: frozenset(),
}
PAYMENT_TABLE = StateTable(moves=PAYMENT_ALLOWED_MOVES, history="billing.PaymentMove", history_fk="payment")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved, to be paid")
    PAID = "paid", pgettext_lazy("refund", "Paid")
    REJECTED = "rejected", _("Rejected")
    # A refund to a QR wallet between "the provider is asked" and its answer (the provider is never asked
    # while money rows are locked); FAILED: the provider could not pay it back.
    SENDING = "sending", _("Sent to the payment service")
    FAILED = "failed", pgettext_lazy("refund", "Failed")


# REQUESTED -> PAID (or -> SENDING for a QR wallet) is a refund within the clerk's limit, paid at once
# without approval.
REFUND_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    RefundStatus.REQUESTED: frozenset(
        {RefundStatus.APPROVED, RefundStatus.PAID, RefundStatus.SENDING, RefundStatus.REJECTED}
    ),
    RefundStatus.APPROVED: frozenset({RefundStatus.PAID, RefundStatus.SENDING}),
    RefundStatus.SENDING: frozenset({RefundStatus.PAID, RefundStatus.FAILED}),
    RefundStatus.PAID: frozenset(),
    RefundStatus.REJECTED: frozenset(),
    RefundStatus.FAILED: frozenset(),
}
REFUND_TABLE = StateTable(moves=REFUND_ALLOWED_MOVES, history="billing.RefundMove", history_fk="refund")

# Refunds that hold part of the refundable amount (a rejected one gives it back).
REFUND_HOLDING_STATUSES = (RefundStatus.REQUESTED, RefundStatus.APPROVED, RefundStatus.SENDING, RefundStatus.PAID)
