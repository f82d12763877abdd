"""Every write of payments, receipts and refunds (PAY01, PAY02, PAY06).

This package re-exports every public name of its modules, so `from servicehall.billing import services` and
`from servicehall.billing.services import payment_collect` work whatever module holds the function. A test
that patches a name patches it in the module that holds it (e.g. `services.payments._existing`).

The modules, each importing only the ones listed above it (never the other way round):

* `_common`: limits (CENT, IDEMPOTENCY_KEY_MAX, ...), amounts as typed, the digest's view of an amount, the
  role and closed-day checks, free text, the acting user, an order's amount due, a payment's lines.
* `receipts`: a payment succeeds: its receipt number and invoice code, the audit entry, the purpose applied,
  points earned (`_succeed`).
* `purpose_handlers`: the billing app's own purposes `order_fees` and `top_up` (succeeded, payable, refunded),
  registered in billing's `AppConfig.ready()`.
* `refunds`: refunds of a payment or of a cancelled service's balance, their approval, rejection and payout
  (PAY06).
* `qr`: QR-provider payments: the code asked for after commit, notifications, polling, expiry and the
  late-success rule (whose refund comes from `refunds`).
* `payments`: taking money for a purpose (`payment_collect`, `payment_take`): the request digest and
  idempotency, tender and POS reference, the top-up cap, the money lock, the payment written; an order with
  nothing due leaves the payment step (`order_settle_nothing_due`).

The purpose registry is `billing.purposes`, the money lock order `billing.locks`, the statuses of payments and
refunds and their moves (`core.states.transition`) `billing.states`.
"""

from ._common import AMOUNT_INPUT_MAX_CHARS, AMOUNT_MAX, CENT, IDEMPOTENCY_KEY_MAX
from .payments import (
    MAX_ORDERS_PER_PAYMENT,
    POS_REFERENCE_RE,
    idempotency_key_check,
    order_settle_nothing_due,
    payment_collect,
    payment_request_hash,
    payment_take,
)
from .purpose_handlers import (
    order_fees_payable,
    order_fees_succeeded,
    top_up_payable,
    top_up_refunded,
    top_up_succeeded,
)
from .qr import payment_qr_expire_due, payment_qr_notification, payment_qr_refresh, qr_available
from .refunds import (
    order_refund_due,
    refund_approve,
    refund_balance_of_order,
    refund_pay,
    refund_reject,
    refund_request,
    refund_request_hash,
    refund_send,
    refunds_resend_due,
)

__all__ = [
    "AMOUNT_INPUT_MAX_CHARS",
    "AMOUNT_MAX",
    "CENT",
    "IDEMPOTENCY_KEY_MAX",
    "MAX_ORDERS_PER_PAYMENT",
    "POS_REFERENCE_RE",
    "idempotency_key_check",
    "order_fees_payable",
    "order_fees_succeeded",
    "order_refund_due",
    "order_settle_nothing_due",
    "payment_collect",
    "payment_qr_expire_due",
    "payment_qr_notification",
    "payment_qr_refresh",
    "payment_request_hash",
    "payment_take",
    "qr_available",
    "refund_approve",
    "refund_balance_of_order",
    "refund_pay",
    "refund_reject",
    "refund_request",
    "refund_request_hash",
    "refund_send",
    "refunds_resend_due",
    "top_up_payable",
    "top_up_refunded",
    "top_up_succeeded",
]
