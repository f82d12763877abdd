"""Taking money for a purpose (PAY01, PAY02).

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
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cashdesk import services as cashdesk_services
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.customers.models import Customer, Service
from servicehall.lib import money
from servicehall.orders import services as order_services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can
from servicehall.promotions import selectors as promotion_selectors

from ..locks import money_rows_lock
from ..models import Payment, PaymentLine, PaymentMethod, PaymentPurpose
from ..purposes import purpose_get
from ..states import PAYMENT_TABLE, PaymentStatus
from ._common import IDEMPOTENCY_KEY_MAX, _amount, _amount_due, _check_day_open, _normalised, _text
from .qr import _provider_down, _qr_start
from .receipts import _succeed

MAX_ORDERS_PER_PAYMENT = 10


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
    actor: Actor,
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
    actor: Actor,
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
    require_capability(actor, hall, Capability.SERVE)
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


def _top_up_approval(hall: Hall, actor: Actor, approver: Any, purpose: str, amount: Decimal) -> Any:
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
    PAYMENT_TABLE.record(payment, from_status="", to_status=payment.status, actor=fields["clerk"], at=now)
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


def order_settle_nothing_due(*, hall: Hall, actor: Actor, order: WorkOrder) -> WorkOrder:
    """An order whose promotions cover all its fees leaves the payment step with no money taken (PAY04).

    Payments are always more than zero, so such an order cannot be "paid"; this records that nothing was
    due instead (audited, the order's history says why). Refused while anything is still due.
    """
    require_capability(actor, hall, Capability.SERVE)
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
