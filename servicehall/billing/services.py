"""Every write of payments and receipts (PAY01, PAY02).

`payment_take` runs in one transaction: it locks the order, takes the payment,
numbers its receipt and moves the order out of the payment step through the
orders app's own service. Nothing is written when any rule says no.

Idempotency (PAY01): a payment is keyed by (hall, Idempotency-Key).

* The same key with the same request digest returns the first payment
  (`created=False`): the customer is never charged twice.
* The same key with a different digest is 422 `idempotency_mismatch`.
* Concurrent retries of one request pay the same order, so they queue on the
  order's row lock; once the first commits, the others find its payment under
  the lock and return it. We chose "wait, then return the first result" over an
  immediate 409 because the clerk's retry then shows the receipt, not an error.
* Only when the unique constraint still fires (the same key raced for two
  different orders of the hall, whose locks do not meet) the loser gets 409
  `in_progress`; retrying it later gives the first result or 422.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.lib import money
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from .models import Payment, PaymentMethod, PaymentStatus, Receipt, ReceiptSequence, receipt_number

CENT = Decimal("0.01")
AMOUNT_MAX = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
AMOUNT_INPUT_MAX_CHARS = 32
IDEMPOTENCY_KEY_MAX = 64


# --- amounts ----------------------------------------------------------------------------------


def _amount(value: Any, *, field: str) -> Decimal:
    """A positive amount in yuan with at most 2 decimal places (lib.money's rules); never rounded."""
    label = {"amount": _("The amount"), "tendered": _("The amount tendered")}[field]
    if isinstance(value, str) and len(value) > AMOUNT_INPUT_MAX_CHARS:
        value = "not a number"
    try:
        amount = money.parse_amount(value)
    except money.MoneyError as exc:
        messages = {
            "negative": _("%(label)s must be more than zero."),
            "too_large": _("%(label)s is too large."),
            "too_precise": _("%(label)s may have at most two decimal places (fen)."),
        }
        message = messages.get(exc.code, _("%(label)s must be a number of yuan."))
        raise Unprocessable(message % {"label": label}, code="bad_amount") from exc
    if amount <= 0:
        raise Unprocessable(_("%(label)s must be more than zero.") % {"label": label}, code="bad_amount")
    return amount


def _normalised(value: Any) -> str:
    """The amount as the digest sees it: "12.5", "12.50" and 12.5 ask the same; unreadable input stays as sent."""
    if value is None:
        return ""
    try:
        return str(Decimal(str(value).strip()).quantize(CENT))
    except (InvalidOperation, ValueError):
        return str(value)


def payment_request_hash(*, order_id: Any, method: Any, amount: Any, tendered: Any = None) -> str:
    """The digest of a payment request: a replay of the same key must carry the same one."""
    body = {"order": str(order_id), "method": str(method), "amount": _normalised(amount)}
    body["tendered"] = _normalised(tendered)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(idempotency_key: Any) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key:
        raise Unprocessable(_("Every payment needs an idempotency key."), code="idempotency_key_missing")
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise Unprocessable(
            _("The idempotency key may have at most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX},
            code="idempotency_key_too_long",
        )
    return key


def _check_method(method: Any) -> str:
    if method == PaymentMethod.QR:
        raise Unprocessable(_("QR payment is not available yet."), code="qr_not_available")
    if method not in PaymentMethod.values:
        raise Unprocessable(_("Choose cash or bank card."), code="bad_method")
    return str(method)


def _cash_change(method: str, amount: Decimal, tendered: Any) -> tuple[Decimal | None, Decimal | None]:
    """(tendered, change) for cash; card takes neither."""
    if method != PaymentMethod.CASH:
        if tendered not in (None, ""):
            raise Unprocessable(_("Only a cash payment has an amount tendered."), code="tendered_not_cash")
        return None, None
    if tendered in (None, ""):
        raise Unprocessable(_("Enter the amount the customer handed over."), code="tendered_missing")
    given = _amount(tendered, field="tendered")
    try:
        return given, money.change_due(amount, given)
    except money.MoneyError as exc:
        raise Unprocessable(
            _("The customer handed over %(tendered)s yuan, less than the %(amount)s yuan due.")
            % {"tendered": given, "amount": amount},
            code="tendered_too_little",
        ) from exc


# --- receipts -----------------------------------------------------------------------------------


def _next_receipt_number(*, hall: Hall) -> str:
    """The hall's next receipt number in one statement (an upsert that locks the hall's sequence row).

    It runs inside the payment's transaction: a payment that rolls back gives its number back, so the
    numbers stay gapless; concurrent payments queue on the row and never share a number.
    """
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, last) VALUES (%s, 1) "  # noqa: S608 - quoted table name
            f"ON CONFLICT (hall_id) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [hall.pk],
        )
        sequence = int(cursor.fetchone()[0])
    return receipt_number(sequence)


# --- payments -----------------------------------------------------------------------------------


def _replay(existing: Payment, request_hash: str) -> tuple[Payment, bool]:
    if existing.request_hash != request_hash:
        raise Unprocessable(
            _("This idempotency key was already used for a different payment request."),
            code="idempotency_mismatch",
        )
    return existing, False


def _existing(hall: Hall, key: str) -> Payment | None:
    return Payment.objects.select_related("receipt").filter(hall=hall, idempotency_key=key).first()


def _lock_order(hall: Hall, order: WorkOrder) -> WorkOrder:
    locked = WorkOrder.objects.select_for_update(of=("self",)).filter(pk=order.pk, hall=hall).first()
    if locked is None:
        raise NotFound(_("There is no such order."))
    return locked


def _check_payable(order: WorkOrder, amount: Decimal) -> None:
    if order.status != OrderStatus.PAYMENT:
        raise Conflict(
            _("Order %(number)s is at %(status)s: it is not waiting for payment.")
            % {"number": order.number, "status": OrderStatus(order.status).label},
            code="not_at_payment",
        )
    if amount != order.fee_total:
        raise Unprocessable(
            _("The amount due for order %(number)s is %(due)s yuan, not %(amount)s yuan.")
            % {"number": order.number, "due": order.fee_total, "amount": amount},
            code="wrong_amount",
        )


def payment_take(
    *,
    hall: Hall,
    actor: Any,
    order: WorkOrder,
    method: str,
    amount: Any,
    tendered: Any = None,
    idempotency_key: str,
    request_hash: str,
) -> tuple[Payment, bool]:
    """Take the fees of an order at the payment step: payment, receipt, and the order moves on.

    Returns the payment and whether this call created it (False: a replay of the same request).
    """
    if not user_can(user=actor, hall=hall, capability=Capability.SERVE):
        raise Forbidden(_("Your role in this hall does not allow this."))
    key = _check_key(idempotency_key)
    method = _check_method(method)
    value = _amount(amount, field="amount")
    given, change = _cash_change(method, value, tendered)
    existing = _existing(hall, key)
    if existing is not None:
        return _replay(existing, request_hash)
    try:
        with transaction.atomic():
            return _take_locked(hall, actor, order, method, value, given, change, key, request_hash)
    except IntegrityError as exc:
        # Only a same-key request for another order gets here (see the module's docstring).
        first = _existing(hall, key)
        if first is not None:
            return _replay(first, request_hash)
        raise Conflict(
            _("A payment with this idempotency key is still being taken. Try again in a moment."),
            code="in_progress",
        ) from exc


def _take_locked(
    hall: Hall,
    actor: Any,
    order: WorkOrder,
    method: str,
    amount: Decimal,
    tendered: Decimal | None,
    change: Decimal | None,
    key: str,
    request_hash: str,
) -> tuple[Payment, bool]:
    locked = _lock_order(hall, order)
    # A retry that waited on the lock finds the first payment here, now committed.
    existing = _existing(hall, key)
    if existing is not None:
        return _replay(existing, request_hash)
    _check_payable(locked, amount)
    now = timezone.now()
    payment = Payment.objects.create(
        hall=hall,
        clerk=actor,
        order=locked,
        method=method,
        amount=amount,
        tendered=tendered,
        change=change,
        status=PaymentStatus.SUCCEEDED,  # cash and card succeed at the counter at once
        idempotency_key=key,
        request_hash=request_hash,
        created_at=now,
    )
    receipt = Receipt.objects.create(hall=hall, number=_next_receipt_number(hall=hall), payment=payment, issued_at=now)
    payment.receipt = receipt
    audit_record(
        actor=actor,
        action="payment.take",
        obj=payment,
        hall=hall,
        data={
            "order": locked.number,
            "method": method,
            "amount": str(amount),
            "change": str(change) if change is not None else None,
            "receipt": receipt.number,
        },
    )
    # The orders app's own way out of the payment step (paid_at, reference, history and audit rows).
    order_services.order_record_payment(order=locked, actor=actor, reference=receipt.number)
    return payment, True
