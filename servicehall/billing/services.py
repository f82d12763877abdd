"""Every write of payments, receipts and refunds (PAY01, PAY02, PAY06).

`payment_collect` takes money for a purpose (`purposes.py`): the fees of one or
more orders of one customer, a service top-up, an installment. Cash and card
succeed in the same transaction: the payment, a line per order paid, its
receipt, the drawer's cash movement, the purpose applied (every order paid
leaves the payment step, the balance grows) and points earned; nothing is
written when any rule says no. `payment_take` is the order-fees shortcut.
Several orders are locked in id order, so two payments sharing orders queue
instead of deadlocking.

Idempotency (PAY01): a payment is keyed by (hall, Idempotency-Key).

* The same key with the same request digest returns the first payment
  (`created=False`): the customer is never charged twice.
* The same key with a different digest is 422 `idempotency_mismatch`.
* Concurrent retries of one request lock the same row (the order, or the
  service for a top-up), so they queue; once the first commits, the others find
  its payment under the lock and return it. We chose "wait, then return the
  first result" over an immediate 409 because the clerk's retry then shows the
  receipt, not an error.
* Only when the unique constraint still fires (the same key raced for two
  targets whose locks do not meet) the loser gets 409 `in_progress`; retrying
  it later gives the first result or 422.

QR payments (WeChat Pay / Alipay through `providers`): created PENDING with the
content of the QR code; they become SUCCEEDED, FAILED or EXPIRED by the
provider's signed notification (`payment_qr_notification`) or by polling
(`payment_qr_refresh`, called whenever the clerk's screen or the API looks at
the payment). A pending payment older than QR_PAYMENT_TIMEOUT_SECONDS is closed
at the provider and EXPIRED. The receipt is numbered when the payment succeeds.

Late success rule: the provider may say "paid" for a payment we had already
EXPIRED (or FAILED), or for a pending one whose purpose was meanwhile paid
another way. The money has been taken, so the payment becomes SUCCEEDED with a
receipt either way. If its purpose is still payable (every order it pays is
still at the payment step with the same amount due, the service is not
cancelled, the credit app's `is_payable` says yes), it is applied as if on time. Otherwise it
is not applied (`purpose_applied=False`) and a refund of the whole amount to
the QR wallet is recorded automatically, requested by the system: within
REFUND_APPROVAL_ABOVE it is paid back at once, above it waits for a duty
manager's approval on the refunds screen. A clerk may take cash or card while a
QR code of the same order is still pending (the customer changed their mind);
if the customer then pays the QR code too, this rule refunds it.

Refunds (PAY06): of a succeeded payment (at most what was paid less what other
refunds hold; the payment row is locked, so concurrent requests cannot exceed
it), or of a cancelled service's balance (the cancellation order's
`action_result["refund_due"]`). To the original method; up to and including
REFUND_APPROVAL_ABOVE they are paid at once, above it they wait for a user with
APPROVE_MONEY who is not the requester. A cash refund's money leaves the paying
clerk's drawer (`cashdesk.services.drawer_record_cash`). Nothing is taken or
refunded on a day whose money is closed (`cashdesk.services.day_open_require`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cashdesk import services as cashdesk_services
from servicehall.core.errors import ApplicationError, Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.customers import services as customer_services
from servicehall.customers.models import Customer, Service
from servicehall.lib import money
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can
from servicehall.promotions import selectors as promotion_selectors
from servicehall.promotions import services as promotion_services

from . import providers
from .locks import money_rows_lock
from .models import (
    PAYMENT_ALLOWED_MOVES,
    RECEIPT_CODE_ALPHABET,
    RECEIPT_CODE_LENGTH,
    REFUND_ALLOWED_MOVES,
    REFUND_HOLDING_STATUSES,
    Payment,
    PaymentLine,
    PaymentMethod,
    PaymentMove,
    PaymentPurpose,
    PaymentStatus,
    Receipt,
    ReceiptSequence,
    Refund,
    RefundMove,
    RefundStatus,
    receipt_number,
)
from .purposes import purpose_get

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
AMOUNT_MAX = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
AMOUNT_INPUT_MAX_CHARS = 32
IDEMPOTENCY_KEY_MAX = 64
MAX_ORDERS_PER_PAYMENT = 10


# --- amounts ----------------------------------------------------------------------------------


def _amount(value: Any, *, field: str) -> Decimal:
    """A positive amount in yuan with at most 2 decimal places (lib.money's rules); never rounded."""
    label = {
        "amount": _("The amount"),
        "tendered": _("The amount tendered"),
        "refund": _("The amount to refund"),
    }[field]
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


def payment_request_hash(
    *,
    order_id: Any = None,
    method: Any,
    amount: Any,
    tendered: Any = None,
    purpose: Any = None,
    service_id: Any = None,
    reference: Any = None,
) -> str:
    """The digest of a payment request: a replay of the same key must carry the same one.

    Callers pass what identifies the request: the order or the orders paid together (order fees; a list
    is taken in any order), the service (top-up) or their own reference (installments), with the method and
    amounts."""
    if isinstance(order_id, (list, tuple, set, frozenset)):
        order_id = ",".join(sorted(str(value) for value in order_id))
    body = {"order": str(order_id), "method": str(method), "amount": _normalised(amount)}
    body["tendered"] = _normalised(tendered)
    for name, value in (("purpose", purpose), ("service", service_id), ("reference", reference)):
        if value not in (None, ""):
            body[name] = str(value)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key_check(idempotency_key: Any) -> str:
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
    if method not in PaymentMethod.values:
        raise Unprocessable(_("Choose cash, bank card or QR payment."), code="bad_method")
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
    """The hall's next receipt number (core.sequences).

    It runs inside the payment's transaction: a payment that rolls back gives its number back, so the
    numbers stay gapless; concurrent payments queue on the row and never share a number.
    """
    return receipt_number(sequence_next(model=ReceiptSequence, key={"hall": hall}))


def _new_receipt_invoice_code() -> str:
    """The code printed on the receipt with which the customer requests the invoice online (PAY03).

    Random from `secrets`: it is only ever looked up together with the hall and the receipt number, so it
    needs no uniqueness check, only to be unguessable.
    """
    return "".join(secrets.choice(RECEIPT_CODE_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))


# --- shared checks ------------------------------------------------------------------------------


def _require(actor: Any, hall: Hall, capability: str = Capability.SERVE) -> None:
    if not user_can(user=actor, hall=hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))


def _check_day_open(hall: Hall) -> None:
    cashdesk_services.day_open_require(
        hall=hall,
        refusal=_("Today's money in this hall is already settled and closed: no payment or refund can be recorded."),
    )


def _text(value: Any, *, max_length: int) -> str:
    return " ".join(str(value or "").split())[:max_length]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- payments -----------------------------------------------------------------------------------


def _replay(existing: Payment, request_hash: str) -> tuple[Payment, bool]:
    if existing.request_hash != request_hash:
        raise Unprocessable(
            _("This idempotency key was already used for a different payment request."),
            code="idempotency_mismatch",
        )
    if existing.method == PaymentMethod.QR and existing.status == PaymentStatus.FAILED and not existing.provider_ref:
        raise _provider_down()  # the first answer was this refusal: a retry gets it again
    return existing, False


def _existing(hall: Hall, key: str) -> Payment | None:
    return Payment.objects.select_related("receipt").filter(hall=hall, idempotency_key=key).first()


def _amount_due(order: WorkOrder) -> Decimal:
    due: Decimal = promotion_selectors.order_amount_due(order=order)
    return due


def _check_at_payment(order: WorkOrder) -> None:
    if order.status != OrderStatus.PAYMENT:
        raise Conflict(
            _("Order %(number)s is at %(status)s: it is not waiting for payment.")
            % {"number": order.number, "status": OrderStatus(order.status).label},
            code="not_at_payment",
        )


def _check_payable(orders: list[WorkOrder], amount: Decimal) -> list[Decimal]:
    """Every order at the payment step with something due, one customer, and `amount` their sum; answers
    each order's amount due."""
    for order in orders:
        _check_at_payment(order)
    customers = {order.customer_id for order in orders}
    if len(orders) > 1 and (len(customers) > 1 or None in customers):
        raise Unprocessable(
            _("Only the orders of one customer can be paid together."), code="orders_of_several_customers"
        )
    due_by_order = promotion_selectors.order_amounts_due(orders=orders)  # one query for all of them
    dues = [due_by_order[order.pk] for order in orders]
    if len(orders) > 1 and not all(dues):
        nothing = next(order for order, due in zip(orders, dues, strict=True) if not due)
        raise Unprocessable(
            _("Order %(number)s has nothing to pay: close its payment step on its own page.")
            % {"number": nothing.number},
            code="nothing_due",
        )
    total = sum(dues, Decimal("0.00"))
    if amount != total and len(orders) == 1:
        raise Unprocessable(
            _("The amount due for order %(number)s is %(due)s yuan, not %(amount)s yuan.")
            % {"number": orders[0].number, "due": total, "amount": amount},
            code="wrong_amount",
        )
    if amount != total:
        raise Unprocessable(
            _("The amount due for orders %(numbers)s together is %(due)s yuan, not %(amount)s yuan.")
            % {"numbers": ", ".join(order.number for order in orders), "due": total, "amount": amount},
            code="wrong_amount",
        )
    return dues


def _check_top_up(service: Service) -> None:
    if service.status == Service.Status.CANCELLED:
        raise Conflict(_("This service is cancelled: it cannot be topped up."), code="service_cancelled")


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
    with_orders: Sequence[WorkOrder] = (),
    pos_reference: str | None = None,
) -> tuple[Payment, bool]:
    """Take the fees of an order at the payment step: payment, receipt, and the order moves on.

    `with_orders`: other orders of the same customer at the payment step, paid by the same payment (one
    tender, one receipt); the amount is then the sum of their amounts due.
    Returns the payment and whether this call created it (False: a replay of the same request).
    A QR payment is created pending; the orders move on when the provider confirms it.
    """
    return payment_collect(
        hall=hall,
        actor=actor,
        method=method,
        amount=amount,
        tendered=tendered,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        purpose=PaymentPurpose.ORDER_FEES,
        order=order,
        with_orders=with_orders,
        pos_reference=pos_reference,
    )


def payment_collect(
    *,
    hall: Hall,
    actor: Any,
    method: str,
    amount: Any,
    tendered: Any = None,
    idempotency_key: str,
    request_hash: str,
    purpose: str,
    order: WorkOrder | None = None,
    customer: Customer | None = None,
    service: Service | None = None,
    reference: str = "",
    description: str = "",
    with_orders: Sequence[WorkOrder] = (),
    pos_reference: str | None = None,
    approver: Any = None,
) -> tuple[Payment, bool]:
    """Take money in `hall` for `purpose`; returns (payment, created). The one way money comes in.

    * `order_fees`: `order` at the payment step, and `with_orders` paid together with it (at most
      MAX_ORDERS_PER_PAYMENT, one customer); the amount must be the sum of their amounts due
      (`promotions.selectors.order_amount_due`). A line per order records what it paid.
    * `top_up`: `service` (not cancelled); its balance grows by the amount when the payment succeeds.
    * `installment` (the credit app): pass `reference` (e.g. "plan:12/3", at most 64 characters, your own
      key to find the installment again), `customer`, optionally `service`, and a `description`. Register
      the purpose's `on_succeeded(payment)` (and `is_payable(payment)`) in your AppConfig.ready() with
      `billing.purposes.register_purpose`; it runs inside the payment's transaction and reads
      `payment.reference`. Build `request_hash` with `payment_request_hash(method=, amount=, tendered=,
      purpose="installment", reference=...)`. Check the amount due yourself before calling, and lock
      your own row in `on_succeeded` (two different keys may pay the same installment).

    `method`: cash (with `tendered`; change is computed), card, or qr (created PENDING with `qr_content`;
    it succeeds later, see the module docstring). `pos_reference`: the card terminal's reference (POS 参考号,
    6-32 letters or digits); screens and the API pass what the clerk typed, so it is required for card
    (None: a caller that does not ask for it). A top-up above TOPUP_MAX_PER_PAYMENT needs the duty manager:
    the actor holds APPROVE_MONEY, or `approver` (another user, already authenticated by the screen) does.
    Raises 403 without SERVE in the hall, 422 on bad
    input or `idempotency_mismatch`, 409 when the target is not payable, the day is closed or the key is
    `in_progress`. Nothing is written when it raises.
    """
    _require(actor, hall)
    key = idempotency_key_check(idempotency_key)
    method = _check_method(method)
    if purpose_get(str(purpose)) is None:
        raise Unprocessable(_("Unknown purpose of payment."), code="bad_purpose")
    value = _amount(amount, field="amount")
    given, change = _cash_change(method, value, tendered)
    pos = _pos_reference(method, pos_reference)
    if purpose == PaymentPurpose.ORDER_FEES and order is None:
        raise Unprocessable(_("Choose the order to pay."), code="order_missing")
    orders = _orders_to_pay(order, with_orders) if purpose == PaymentPurpose.ORDER_FEES else []
    if purpose == PaymentPurpose.TOP_UP and service is None:
        raise Unprocessable(_("Choose the service to top up."), code="service_missing")
    reference = _text(reference, max_length=64)
    if purpose == PaymentPurpose.INSTALLMENT and not reference:
        raise Unprocessable(_("An installment payment needs its reference."), code="reference_missing")
    existing = _existing(hall, key)
    if existing is not None:
        return _replay(existing, request_hash)
    approved_by = _top_up_approval(hall, actor, approver, purpose, value)
    _check_day_open(hall)
    fields = {
        "hall": hall,
        "clerk": actor,
        "purpose": str(purpose),
        "method": method,
        "amount": value,
        "tendered": given,
        "change": change,
        "idempotency_key": key,
        "request_hash": request_hash,
        "reference": reference,
        "description": _text(description, max_length=200),
        "pos_reference": pos,
        "approved_by": approved_by,
    }
    try:
        with transaction.atomic():
            payment, created = _collect_locked(fields, orders=orders, customer=customer, service=service)
    except IntegrityError as exc:
        # Only a same-key request for another target gets here (see the module's docstring).
        first = _existing(hall, key)
        if first is not None:
            return _replay(first, request_hash)
        raise Conflict(
            _("A payment with this idempotency key is still being taken. Try again in a moment."),
            code="in_progress",
        ) from exc
    if created and payment.method == PaymentMethod.QR:
        # Committed and no row held: a slow or unreachable provider never blocks another request.
        _qr_start(payment)
    return payment, created


POS_REFERENCE_RE = re.compile(r"[A-Za-z0-9]{6,32}")


def _pos_reference(method: str, value: str | None) -> str:
    """The card terminal's reference: required for card where the caller asks for it, refused otherwise."""
    text = value.strip() if isinstance(value, str) else ""
    if method != PaymentMethod.CARD:
        if text:
            raise Unprocessable(_("Only a bank card payment has a POS reference."), code="pos_reference_not_card")
        return ""
    if value is None:
        return ""
    if not text:
        raise Unprocessable(
            _("Enter the POS reference printed on the card terminal's slip."), code="pos_reference_missing"
        )
    if not POS_REFERENCE_RE.fullmatch(text):
        raise Unprocessable(
            _("The POS reference is 6 to 32 letters or digits, as printed on the card terminal's slip."),
            code="bad_pos_reference",
        )
    return text.upper()


def _top_up_approval(hall: Hall, actor: Any, approver: Any, purpose: str, amount: Decimal) -> Any:
    """Who approves a top-up above TOPUP_MAX_PER_PAYMENT (None at or below it): the duty manager taking
    it, or the duty manager who approved it on the clerk's screen; anyone else is refused (422)."""
    cap = settings.TOPUP_MAX_PER_PAYMENT
    if purpose != PaymentPurpose.TOP_UP or amount <= cap:
        return None
    if user_can(user=actor, hall=hall, capability=Capability.APPROVE_MONEY):
        return actor
    another = approver is not None and getattr(approver, "pk", None) != getattr(actor, "pk", None)
    if another and user_can(user=approver, hall=hall, capability=Capability.APPROVE_MONEY):
        return approver
    raise Unprocessable(
        _(
            "A top-up above %(cap)s yuan in one payment needs the duty manager: ask them to take it, or to "
            "approve it with their user name and password."
        )
        % {"cap": cap},
        code="top_up_over_cap",
    )


def _orders_to_pay(order: WorkOrder | None, with_orders: Sequence[WorkOrder]) -> list[WorkOrder]:
    orders: list[WorkOrder] = []
    for candidate in [order, *with_orders]:
        if candidate is not None and all(candidate.pk != o.pk for o in orders):
            orders.append(candidate)
    if len(orders) > MAX_ORDERS_PER_PAYMENT:
        raise Unprocessable(
            _("At most %(max)d orders can be paid together.") % {"max": MAX_ORDERS_PER_PAYMENT},
            code="too_many_orders",
        )
    return orders


def _collect_locked(
    fields: dict[str, Any], *, orders: list[WorkOrder], customer: Customer | None, service: Service | None
) -> tuple[Payment, bool]:
    hall: Hall = fields["hall"]
    order: WorkOrder | None = None
    rows = money_rows_lock(hall=hall, customers=[customer], orders=orders, services=[service])
    if orders:
        orders = [rows.orders[o.pk] for o in orders]
        order = orders[0]
        customer = customer or order.customer
        service = service or order.service
    elif service is not None:
        service = rows.services[service.pk]
    # A retry that waited on the lock finds the first payment here, now committed.
    existing = _existing(hall, fields["idempotency_key"])
    if existing is not None:
        return _replay(existing, fields["request_hash"])
    purpose = fields["purpose"]
    dues: list[Decimal] = []
    if purpose == PaymentPurpose.ORDER_FEES:
        dues = _check_payable(orders, fields["amount"])
    elif purpose == PaymentPurpose.TOP_UP:
        assert service is not None
        _check_top_up(service)
    if service is not None and customer is None:
        customer = service.customer
    now = timezone.now()
    is_qr = fields["method"] == PaymentMethod.QR
    payment = Payment.objects.create(
        **fields,
        order=order,
        customer=customer,
        service=service,
        status=PaymentStatus.PENDING if is_qr else PaymentStatus.SUCCEEDED,
        created_at=now,
    )
    PaymentLine.objects.bulk_create(
        PaymentLine(payment=payment, order=paid, amount=due) for paid, due in zip(orders, dues, strict=True)
    )
    PaymentMove.objects.create(
        payment=payment, from_status="", to_status=payment.status, actor=_user(fields["clerk"]), at=now
    )
    if is_qr:
        return payment, True  # the provider is asked once this transaction has committed
    if payment.method == PaymentMethod.CASH:
        cashdesk_services.drawer_record_cash(
            hall=hall,
            clerk=fields["clerk"],
            amount_in=payment.tendered or Decimal("0.00"),
            amount_out=payment.change or Decimal("0.00"),
            payment=payment,
        )
    _succeed(payment, actor=fields["clerk"], now=now, apply=True)
    return payment, True


def _succeed(payment: Payment, *, actor: Any, now: dt.datetime, apply: bool, note: str = "") -> None:
    """The money is in: receipt, audit, the purpose applied (if `apply`), points earned."""
    receipt = Receipt.objects.create(
        hall=payment.hall,
        number=_next_receipt_number(hall=payment.hall),
        payment=payment,
        issued_at=now,
        invoice_code=_new_receipt_invoice_code(),
    )
    payment.receipt = receipt
    Payment.objects.filter(pk=payment.pk).update(succeeded_at=now, purpose_applied=apply)
    payment.succeeded_at, payment.purpose_applied = now, apply
    audit_record(
        actor=actor,
        action="payment.take",
        obj=payment,
        hall=payment.hall,
        data={
            "orders": [line.order.number for line in _lines(payment)],
            "purpose": payment.purpose,
            "reference": payment.reference,
            "method": payment.method,
            "amount": str(payment.amount),
            "change": str(payment.change) if payment.change is not None else None,
            "receipt": receipt.number,
            "applied": apply,
            **({"approved_by": payment.approved_by_id} if payment.approved_by_id else {}),
            **({"note": note} if note else {}),
        },
    )
    if apply:
        purpose = purpose_get(payment.purpose)
        assert purpose is not None
        purpose.on_succeeded(payment)
        promotion_services.points_earn_for_payment(payment=payment)


# --- purposes of the billing app (registered in purposes.py) --------------------------------------


def _lines(payment: Payment) -> list[PaymentLine]:
    """The orders a payment pays, with what each took (none for other purposes)."""
    return list(payment.lines.select_related("order").order_by("order_id"))


def order_fees_succeeded(payment: Payment) -> None:
    """Each order paid leaves the payment step the orders app's own way (paid_at, reference, history, audit)."""
    for line in _lines(payment):
        order_services.order_record_payment(order=line.order, actor=payment.clerk, reference=payment.receipt.number)


def order_fees_payable(payment: Payment) -> bool:
    """Whether every order of the payment still waits for exactly what its line paid (the orders locked)."""
    lines = _lines(payment)
    if not lines:
        return False
    locked = {
        o.pk: o
        for o in WorkOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=[line.order_id for line in lines])
        .order_by("pk")
    }
    for line in lines:
        order = locked.get(line.order_id)
        if order is None or order.status != OrderStatus.PAYMENT or _amount_due(order) != line.amount:
            return False
        line.order = order
    return True


def top_up_succeeded(payment: Payment) -> None:
    assert payment.service is not None
    customer_services.service_balance_change(
        actor=payment.clerk, hall=payment.hall, service=payment.service, amount=payment.amount, reason="top_up"
    )


def top_up_payable(payment: Payment) -> bool:
    if payment.service_id is None:
        return False
    service = Service.objects.select_for_update().filter(pk=payment.service_id).first()
    return service is not None and service.status != Service.Status.CANCELLED


def top_up_refunded(refund: Refund) -> None:
    payment = refund.payment
    assert payment is not None and payment.service is not None
    customer_services.service_balance_change(
        actor=refund.paid_by, hall=refund.hall, service=payment.service, amount=-refund.amount, reason="top_up_refund"
    )


# --- QR payments ----------------------------------------------------------------------------------


def qr_available() -> bool:
    """Whether QR payment can be offered: a provider is configured (`settings.QR_PROVIDER`)."""
    return bool(getattr(settings, "QR_PROVIDER", ""))


def _provider_down() -> Conflict:
    return Conflict(
        _("The QR payment service cannot be reached. Take the payment by cash or card."), code="provider_down"
    )


def _qr_start(payment: Payment) -> None:
    """Ask the provider for the QR code of a committed pending payment, outside any lock, then store it.

    The provider is called with `QR_PROVIDER_TIMEOUT_SECONDS` (real providers pass `provider.timeout` to
    their HTTP client). If it fails or times out, the payment is marked failed and the clerk is told to take
    cash or card (409 `provider_down`); nothing was charged, since no QR code was ever shown.
    """
    provider = providers.provider_get()
    try:
        charge = provider.charge_create(amount=payment.amount, description=payment.description or str(payment.purpose))
    except providers.ProviderError as exc:
        _qr_start_failed(payment)
        raise _provider_down() from exc
    now = timezone.now()
    payment.provider, payment.provider_ref, payment.qr_content = provider.code, charge.provider_ref, charge.qr_content
    payment.expires_at = now + dt.timedelta(seconds=settings.QR_PAYMENT_TIMEOUT_SECONDS)
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            provider=payment.provider,
            provider_ref=payment.provider_ref,
            qr_content=payment.qr_content,
            expires_at=payment.expires_at,
        )
        audit_record(
            actor=payment.clerk,
            action="payment.qr_start",
            obj=payment,
            hall=payment.hall,
            data={"purpose": payment.purpose, "amount": str(payment.amount), "provider": provider.code},
        )


def _qr_start_failed(payment: Payment) -> None:
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        if locked.status == PaymentStatus.PENDING:
            _move(locked, PaymentStatus.FAILED, note="provider unreachable", now=timezone.now())
            audit_record(actor=payment.clerk, action="payment.qr_failed", obj=locked, hall=payment.hall, data={})
        payment.status = locked.status


def _move(payment: Payment, to: str, *, note: str, now: dt.datetime, **changes: Any) -> None:
    """Compare-and-set of the status (under the row lock, so it always holds), with its history row."""
    old = payment.status
    if to not in PAYMENT_ALLOWED_MOVES.get(old, frozenset()):
        raise Conflict(_("This payment cannot change any more."), code="illegal_move")
    moved = Payment.objects.filter(pk=payment.pk, status=old).update(status=to, **changes)
    if not moved:
        raise Conflict(_("Someone else changed this payment just now. Please reload."), code="stale_status")
    payment.status = to
    for name, value in changes.items():
        setattr(payment, name, value)
    PaymentMove.objects.create(payment=payment, from_status=old, to_status=to, actor=None, at=now, note=note[:200])


def _qr_paid(payment: Payment, transaction_id: str, now: dt.datetime) -> None:
    """The provider says the customer paid: apply it now, or by the late-success rule."""
    if payment.status == PaymentStatus.SUCCEEDED:
        return
    late = payment.status != PaymentStatus.PENDING
    purpose = purpose_get(payment.purpose)
    payable = purpose is not None and (purpose.is_payable is None or purpose.is_payable(payment))
    note = "late success" if late else ""
    _move(payment, PaymentStatus.SUCCEEDED, note=note, now=now, provider_transaction=transaction_id[:64])
    applied = False
    if payable:
        try:
            with transaction.atomic():
                _succeed(payment, actor=payment.clerk, now=now, apply=True, note=note)
            applied = True
        except ApplicationError as exc:
            logger.warning("QR payment %s could not be applied: %s", payment.pk, exc.code)
            payment.purpose_applied = False
    if not applied:
        _succeed(payment, actor=payment.clerk, now=now, apply=False, note="not payable any more")
        _refund_create_system(payment, now=now)


def _qr_apply(payment_id: int, state: str, transaction_id: str) -> Payment:
    """Bring our payment in line with what the provider says, in one transaction: its customer, orders,
    service and the payment itself locked in the money lock order (`locks`). The provider is not called here."""
    with transaction.atomic():
        unlocked = Payment.objects.select_related("hall").get(pk=payment_id)
        order_ids = list(PaymentLine.objects.filter(payment_id=payment_id).values_list("order_id", flat=True))
        rows = money_rows_lock(hall=unlocked.hall, payments=[payment_id], orders=order_ids)
        payment = rows.payments[payment_id]
        now = timezone.now()
        if state == providers.PAID:
            _qr_paid(payment, transaction_id, now)
        elif state == providers.FAILED and payment.status == PaymentStatus.PENDING:
            _move(payment, PaymentStatus.FAILED, note="declined", now=now)
            audit_record(actor=None, action="payment.qr_failed", obj=payment, hall=payment.hall, data={})
        elif state == providers.CLOSED and payment.status == PaymentStatus.PENDING:
            _move(payment, PaymentStatus.EXPIRED, note="expired", now=now)
            audit_record(actor=None, action="payment.qr_expired", obj=payment, hall=payment.hall, data={})
    return Payment.objects.select_related("hall", "order", "receipt", "clerk").get(pk=payment_id)


def payment_qr_refresh(*, payment: Payment) -> Payment:
    """Ask the provider about a QR payment that is not settled (pending, or expired/failed: a late success)
    and apply the answer; a pending one past its time is closed at the provider (outside any lock) and
    expires. Returns the fresh payment."""
    if payment.method != PaymentMethod.QR or payment.status == PaymentStatus.SUCCEEDED or not payment.provider:
        return payment
    provider = providers.provider_get(payment.provider)
    status = provider.charge_query(provider_ref=payment.provider_ref)
    state, transaction_id = status.state, status.transaction_id
    if payment.status != PaymentStatus.PENDING and state != providers.PAID:
        return payment
    due = payment.expires_at is not None and timezone.now() >= payment.expires_at
    if state == providers.PENDING and due:
        final = provider.charge_close(provider_ref=payment.provider_ref)
        state, transaction_id = final.state, final.transaction_id or transaction_id
        if state == providers.PENDING:
            state = providers.CLOSED
    return _qr_apply(payment.pk, state, transaction_id)


def payment_qr_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every pending QR payment past its time (for a periodic job); answers how many were looked at."""
    due = Payment.objects.filter(
        method=PaymentMethod.QR, status=PaymentStatus.PENDING, expires_at__lte=now or timezone.now()
    )
    count = 0
    for payment in due:
        payment_qr_refresh(payment=payment)
        count += 1
    return count


def payment_qr_notification(*, provider_code: str, body: bytes, headers: Any) -> Payment:
    """A provider's notification: verified by the provider object (bad signature: 400, nothing changes),
    then applied; repeated notifications change nothing more."""
    provider = providers.provider_get()  # only the configured provider is listened to
    if provider.code != provider_code:
        raise NotFound(_("There is no such payment provider."))
    try:
        notice = provider.notification_verify(body=body, headers=headers)
    except providers.InvalidNotification as exc:
        raise ApplicationError(_("The notification's signature does not verify."), code="bad_signature") from exc
    payment = Payment.objects.filter(provider=provider.code, provider_ref=notice.provider_ref).first()
    if payment is None:
        raise NotFound(_("There is no such payment."))
    return _qr_apply(payment.pk, notice.state, notice.transaction_id)


# --- refunds --------------------------------------------------------------------------------------


def _held(refunds: Any) -> Decimal:
    total = refunds.filter(status__in=REFUND_HOLDING_STATUSES).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def refund_request_hash(*, target: str, amount: Any, reason: Any, method: Any = None) -> str:
    body = {"target": target, "amount": _normalised(amount), "reason": _text(reason, max_length=200)}
    body["method"] = str(method or "")
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _reason(reason: Any) -> str:
    text = _text(reason, max_length=200)
    if not text:
        raise Unprocessable(_("Say why the money is refunded."), code="reason_missing")
    return text


def _refund_replay(hall: Hall, key: str, request_hash: str) -> Refund | None:
    if not key:
        return None
    existing = Refund.objects.filter(hall=hall, idempotency_key=key).first()
    if existing is not None and existing.request_hash != request_hash:
        raise Unprocessable(
            _("This idempotency key was already used for a different refund request."), code="idempotency_mismatch"
        )
    return existing


def _refund_move(refund: Refund, to: str, *, actor: Any, now: dt.datetime, note: str = "", **changes: Any) -> None:
    old = refund.status
    if to not in REFUND_ALLOWED_MOVES.get(old, frozenset()):
        raise Conflict(
            _("This refund is %(status)s: it cannot be changed.") % {"status": RefundStatus(old).label},
            code="illegal_move",
        )
    moved = Refund.objects.filter(pk=refund.pk, status=old).update(status=to, **changes)
    if not moved:
        raise Conflict(_("Someone else changed this refund just now. Please reload."), code="stale_status")
    refund.status = to
    for name, value in changes.items():
        setattr(refund, name, value)
    RefundMove.objects.create(refund=refund, from_status=old, to_status=to, actor=_user(actor), at=now, note=note[:200])


def _within_limit(total: Decimal) -> bool:
    """Whether a refund is paid at once: `total` is everything refunded of the same payment (or order),
    paid or waiting, with this refund; so a refund split in parts needs the same approval as in one."""
    return total <= settings.REFUND_APPROVAL_ABOVE


def _refund_create(
    *,
    hall: Hall,
    actor: Any,
    amount: Decimal,
    reason: str,
    method: str,
    payment: Payment | None = None,
    order: WorkOrder | None = None,
    service: Service | None = None,
    key: str = "",
    request_hash: str = "",
    now: dt.datetime,
    held_before: Decimal = Decimal("0.00"),
) -> Refund:
    """Record the refund; pay it at once when what it and the refunds before it (`held_before`) add up to
    is within the clerk's limit, else it waits for a duty manager."""
    refund = Refund.objects.create(
        hall=hall,
        payment=payment,
        order=order,
        service=service,
        amount=amount,
        reason=reason,
        method=method,
        status=RefundStatus.REQUESTED,
        requested_by=_user(actor),
        requested_at=now,
        idempotency_key=key,
        request_hash=request_hash,
    )
    RefundMove.objects.create(
        refund=refund, from_status="", to_status=RefundStatus.REQUESTED, actor=_user(actor), at=now
    )
    audit_record(
        actor=actor,
        action="refund.request",
        obj=refund,
        hall=hall,
        data={
            "payment": payment.pk if payment else None,
            "order": order.number if order else None,
            "amount": str(amount),
            "method": method,
        },
    )
    if _within_limit(held_before + amount):
        _refund_pay_locked(refund, actor=actor, now=now, note="within the clerk's limit")
    return refund


def _refund_create_system(payment: Payment, *, now: dt.datetime) -> Refund:
    """The late-success refund: the whole amount back to the wallet, requested by nobody (the system)."""
    return _refund_create(
        hall=payment.hall,
        actor=None,
        payment=payment,
        amount=payment.amount,
        reason=str(_("Paid after the payment had expired or its purpose was paid another way.")),
        method=PaymentMethod.QR,
        now=now,
    )


def refund_request(
    *,
    actor: Any,
    payment: Payment,
    amount: Any,
    reason: Any,
    idempotency_key: str = "",
    request_hash: str = "",
) -> tuple[Refund, bool]:
    """Refund part or all of a succeeded payment to its original method (PAY06); returns (refund, created).

    At most what was paid less what other refunds hold (422 `refund_too_large`, nothing written). While
    everything refunded of the payment (paid, waiting, and this one) stays within REFUND_APPROVAL_ABOVE the
    refund is paid at once (cash from the requester's drawer); above it it waits for approval
    (`refund_approve`). An optional idempotency key works as for payments. Paying out a refund of an
    invoiced payment voids its invoices (see `_refund_pay_locked`).
    """
    hall = payment.hall
    _require(actor, hall)
    value = _amount(amount, field="refund")
    text = _reason(reason)
    key = idempotency_key.strip()[:IDEMPOTENCY_KEY_MAX] if isinstance(idempotency_key, str) else ""
    request_hash = request_hash or refund_request_hash(target=f"payment:{payment.pk}", amount=value, reason=text)
    first = _refund_replay(hall, key, request_hash)
    if first is not None:
        return first, False
    _check_day_open(hall)
    try:
        with transaction.atomic():
            # The payment (with its customer and service, in the money lock order) is locked before the sum
            # of its refunds is read, so concurrent refunds add up under the limit and the approval rule.
            locked = money_rows_lock(hall=hall, payments=[payment]).payments[payment.pk]
            first = _refund_replay(hall, key, request_hash)
            if first is not None:
                return first, False
            if locked.status != PaymentStatus.SUCCEEDED:
                raise Conflict(_("Only a succeeded payment can be refunded."), code="not_refundable")
            held = _held(locked.refunds.all())
            left = locked.amount - held
            if value > left:
                raise Unprocessable(
                    _("At most %(left)s yuan of this payment can still be refunded, not %(amount)s yuan.")
                    % {"left": left, "amount": value},
                    code="refund_too_large",
                )
            refund = _refund_create(
                hall=hall,
                actor=actor,
                amount=value,
                reason=text,
                method=locked.method,
                payment=locked,
                service=locked.service,
                key=key,
                request_hash=request_hash,
                now=timezone.now(),
                held_before=held,
            )
            return refund, True
    except IntegrityError as exc:
        first = _refund_replay(hall, key, request_hash)
        if first is not None:
            return first, False
        raise Conflict(_("This refund is still being recorded. Try again in a moment."), code="in_progress") from exc


def order_refund_due(order: WorkOrder) -> Decimal:
    """What the order's business action left to refund (a cancellation's remaining balance), or zero."""
    value = (order.action_result or {}).get("refund_due")
    try:
        due = money.parse_amount(str(value)) if value not in (None, "") else Decimal("0.00")
    except money.MoneyError:
        return Decimal("0.00")
    return due


def refund_balance_of_order(
    *,
    actor: Any,
    order: WorkOrder,
    reason: Any,
    amount: Any = None,
    method: str = PaymentMethod.CASH,
    idempotency_key: str = "",
    request_hash: str = "",
) -> tuple[Refund, bool]:
    """Pay out the balance a cancellation order left as "refund due" (销户退余额): a refund without a payment,
    linked to the order and its service; when paid, the service's balance goes down by the amount.

    `amount` defaults to what is still due (the due amount less refunds that hold part of it)."""
    hall = order.hall
    _require(actor, hall)
    if method not in (PaymentMethod.CASH, PaymentMethod.CARD):
        raise Unprocessable(_("A balance is refunded in cash or to a bank card."), code="bad_method")
    text = _reason(reason)
    value = _amount(amount, field="refund") if amount not in (None, "") else None
    key = idempotency_key.strip()[:IDEMPOTENCY_KEY_MAX] if isinstance(idempotency_key, str) else ""
    request_hash = request_hash or refund_request_hash(
        target=f"order:{order.pk}", amount=value, reason=text, method=method
    )
    first = _refund_replay(hall, key, request_hash)
    if first is not None:
        return first, False
    _check_day_open(hall)
    service_id = _balance_service_id(order)
    with transaction.atomic():
        rows = money_rows_lock(hall=hall, orders=[order], services=[service_id])
        locked = rows.orders[order.pk]
        first = _refund_replay(hall, key, request_hash)
        if first is not None:
            return first, False
        due = order_refund_due(locked)
        service = rows.services.get(service_id) if service_id else None
        if due <= 0 or service is None:
            raise Conflict(_("Nothing is due to be refunded on this order."), code="no_refund_due")
        held = _held(locked.refunds.all())
        left = due - held
        value = value if value is not None else left
        if value <= 0 or value > left:
            raise Unprocessable(
                _("At most %(left)s yuan is still due to be refunded on this order, not %(amount)s yuan.")
                % {"left": left, "amount": value},
                code="refund_too_large",
            )
        refund = _refund_create(
            hall=hall,
            actor=actor,
            amount=value,
            reason=text,
            method=method,
            order=locked,
            service=service,
            key=key,
            request_hash=request_hash,
            now=timezone.now(),
            held_before=held,
        )
    return refund, True


def _balance_service_id(order: WorkOrder) -> int | None:
    """The service a cancellation order left a balance on (its action result names it)."""
    value = (order.action_result or {}).get("service_id") or order.service_id
    return value if isinstance(value, int) and value > 0 else None


def _refund_pay_locked(refund: Refund, *, actor: Any, now: dt.datetime, note: str = "") -> None:
    """Money out: cash from the payer's drawer, back to the card or the QR wallet; the purpose's undo.

    An invoice that covers the payment is voided first (PAY03: it would claim money the hall gave back);
    what is left of the payment can then be invoiced again. Invoices come before the drawer in the money
    lock order (`locks`)."""
    payer = _user(actor)
    if refund.payment is not None:
        _void_invoices_of_refunded(refund.payment, actor=payer)
    if refund.method == PaymentMethod.CASH:
        if payer is None:
            raise Conflict(_("A cash refund is paid by a clerk at a counter."), code="cash_needs_clerk")
        cashdesk_services.drawer_record_cash(
            hall=refund.hall, clerk=payer, amount_in=Decimal("0.00"), amount_out=refund.amount, refund=refund
        )
    elif refund.method == PaymentMethod.QR and refund.payment is not None and refund.payment.provider:
        try:
            ref = providers.provider_get(refund.payment.provider).refund(
                provider_ref=refund.payment.provider_ref, amount=refund.amount, refund_ref=str(refund.pk)
            )
        except providers.ProviderError as exc:
            raise Conflict(
                _("The QR payment service cannot be reached. Try the refund again later."), code="provider_down"
            ) from exc
        Refund.objects.filter(pk=refund.pk).update(provider_ref=ref[:64])
        refund.provider_ref = ref[:64]
    _refund_move(refund, RefundStatus.PAID, actor=actor, now=now, note=note, paid_by=payer, paid_at=now)
    payment = refund.payment
    if payment is not None and payment.purpose_applied:
        purpose = purpose_get(payment.purpose)
        if purpose is not None and purpose.on_refunded is not None:
            purpose.on_refunded(refund)
    if payment is None and refund.service is not None:
        customer_services.service_balance_change(
            actor=actor, hall=refund.hall, service=refund.service, amount=-refund.amount, reason="balance_refund"
        )
    audit_record(
        actor=actor,
        action="refund.pay",
        obj=refund,
        hall=refund.hall,
        data={"amount": str(refund.amount), "method": refund.method},
    )


def _void_invoices_of_refunded(payment: Payment, *, actor: Any) -> None:
    """The invoicing app voids the issued invoices covering `payment` (where the app is installed)."""
    if not django_apps.is_installed("servicehall.invoicing"):
        return
    # Imported here: invoicing builds on billing, not the other way round.
    from servicehall.invoicing import services as invoicing_services

    invoicing_services.invoices_void_for_refund(payment=payment, actor=actor)


def _lock_refund(refund: Refund) -> Refund:
    """The refund locked after its payment, order and service and their customer (the money lock order)."""
    refund = Refund.objects.filter(pk=refund.pk).first() or refund
    money_rows_lock(
        hall=refund.hall, payments=[refund.payment_id], orders=[refund.order_id], services=[refund.service_id]
    )
    locked = (
        Refund.objects.select_for_update(of=("self",))
        .select_related("hall", "payment", "service")
        .filter(pk=refund.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("There is no such refund."))
    return locked


def _check_decider(actor: Any, refund: Refund) -> None:
    _require(actor, refund.hall, Capability.APPROVE_MONEY)
    if refund.requested_by_id is not None and refund.requested_by_id == getattr(actor, "pk", None):
        raise Forbidden(
            _("You asked for this refund: another duty manager must approve or reject it."), code="own_refund"
        )


def refund_approve(*, actor: Any, refund: Refund, note: str = "") -> Refund:
    """A duty manager (APPROVE_MONEY, never the requester) approves a refund above the limit. A card or QR
    refund is paid back at once; a cash refund waits for a clerk to hand the cash over (`refund_pay`)."""
    _check_decider(actor, refund)
    _check_day_open(refund.hall)
    with transaction.atomic():
        locked = _lock_refund(refund)
        _check_decider(actor, locked)
        now = timezone.now()
        _refund_move(
            locked,
            RefundStatus.APPROVED,
            actor=actor,
            now=now,
            note=_text(note, max_length=200),
            approved_by=actor,
            decided_at=now,
            decision_note=_text(note, max_length=200),
        )
        audit_record(
            actor=actor, action="refund.approve", obj=locked, hall=locked.hall, data={"amount": str(locked.amount)}
        )
        if locked.method != PaymentMethod.CASH:
            _refund_pay_locked(locked, actor=actor, now=now)
    return locked


def refund_reject(*, actor: Any, refund: Refund, reason: Any) -> Refund:
    """A duty manager (never the requester) rejects a refund, with the reason; its amount is free again."""
    text = _text(reason, max_length=200)
    if not text:
        raise Unprocessable(_("Say why the refund is rejected."), code="reason_missing")
    _check_decider(actor, refund)
    with transaction.atomic():
        locked = _lock_refund(refund)
        _check_decider(actor, locked)
        now = timezone.now()
        _refund_move(
            locked,
            RefundStatus.REJECTED,
            actor=actor,
            now=now,
            note=text,
            approved_by=actor,
            decided_at=now,
            decision_note=text,
        )
        audit_record(
            actor=actor, action="refund.reject", obj=locked, hall=locked.hall, data={"amount": str(locked.amount)}
        )
    return locked


def refund_pay(*, actor: Any, refund: Refund) -> Refund:
    """A clerk hands over an approved refund (cash from the clerk's own drawer)."""
    _require(actor, refund.hall)
    _check_day_open(refund.hall)
    with transaction.atomic():
        locked = _lock_refund(refund)
        if locked.status != RefundStatus.APPROVED:
            raise Conflict(
                _("This refund is %(status)s: only an approved refund is paid out.")
                % {"status": RefundStatus(locked.status).label},
                code="not_approved",
            )
        _refund_pay_locked(locked, actor=actor, now=timezone.now())
    return locked


def order_settle_nothing_due(*, hall: Hall, actor: Any, order: WorkOrder) -> WorkOrder:
    """An order whose promotions cover all its fees leaves the payment step with no money taken (PAY04).

    Payments are always more than zero, so such an order cannot be "paid"; this records that nothing was
    due instead (audited, the order's history says why). Refused while anything is still due.
    """
    _require(actor, hall)
    with transaction.atomic():
        locked = money_rows_lock(hall=hall, orders=[order]).orders[order.pk]
        _check_at_payment(locked)
        due = _amount_due(locked)
        if due != Decimal("0.00"):
            raise Unprocessable(
                _("Order %(number)s still has %(due)s yuan to pay.") % {"number": locked.number, "due": due},
                code="amount_due",
            )
        audit_record(
            actor=actor, action="payment.nothing_due", obj=locked, hall=hall, data={"fees": str(locked.fee_total)}
        )
        return order_services.order_record_payment(
            order=locked,
            actor=actor,
            reference="",
            action="order.nothing_due",
            note=_("Nothing to pay: promotions cover the fees"),
        )
