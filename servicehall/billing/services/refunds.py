"""Refunds and their approvals (PAY06).

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
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cashdesk import services as cashdesk_services
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers import services as customer_services
from servicehall.customers.models import Service
from servicehall.lib import money
from servicehall.orders.models import WorkOrder
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import providers
from ..hooks import refund_payout_hooks_run
from ..locks import money_rows_lock
from ..models import Payment, PaymentMethod, Refund
from ..purposes import purpose_get
from ..states import REFUND_HOLDING_STATUSES, REFUND_TABLE, PaymentStatus, RefundStatus
from ._common import IDEMPOTENCY_KEY_MAX, _amount, _check_day_open, _normalised, _text

logger = logging.getLogger(__package__)
# A refund still SENDING this long after it was asked for is asked again by the periodic job.
RESEND_AFTER_SECONDS = 120


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


def _refund_move(refund: Refund, to: str, *, actor: Actor, now: dt.datetime, note: str = "", **changes: Any) -> None:
    """Move a refund along `REFUND_TABLE` (compare-and-set on the status it was read in), with its history row."""
    transition(
        refund,
        to,
        table=REFUND_TABLE,
        refuse=lambda status: Conflict(
            _("This refund is %(status)s: it cannot be changed.") % {"status": RefundStatus(status).label},
            code="illegal_move",
        ),
        lost=lambda: Conflict(_("Someone else changed this refund just now. Please reload."), code="stale_status"),
        changes=changes,
        actor=actor,
        note=note[:200],
        now=now,
    )


def _within_limit(total: Decimal) -> bool:
    """Whether a refund is paid at once: `total` is everything refunded of the same payment (or order),
    paid or waiting, with this refund; so a refund split in parts needs the same approval as in one."""
    return total <= settings.REFUND_APPROVAL_ABOVE


def _refund_create(
    *,
    hall: Hall,
    actor: Actor,
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
        requested_by=acting_user(actor),
        requested_at=now,
        idempotency_key=key,
        request_hash=request_hash,
    )
    REFUND_TABLE.record(refund, from_status="", to_status=RefundStatus.REQUESTED, actor=actor, at=now)
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
    actor: Actor,
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
    require_capability(actor, hall, Capability.SERVE)
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
    except IntegrityError as exc:
        first = _refund_replay(hall, key, request_hash)
        if first is not None:
            return first, False
        raise Conflict(_("This refund is still being recorded. Try again in a moment."), code="in_progress") from exc
    return refund_send(refund, actor=actor), True


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
    actor: Actor,
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
    require_capability(actor, hall, Capability.SERVE)
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


def _through_provider(refund: Refund) -> bool:
    return refund.method == PaymentMethod.QR and refund.payment is not None and bool(refund.payment.provider)


def _refund_pay_locked(refund: Refund, *, actor: Actor, now: dt.datetime, note: str = "") -> None:
    """Money out: cash from the payer's drawer or back to the card, and the refund is paid; a refund to a QR
    wallet only moves to SENDING here: the provider is asked after the transaction (`refund_send`), so a slow
    provider never holds a money row (issue 10)."""
    if _through_provider(refund):
        _refund_move(refund, RefundStatus.SENDING, actor=actor, now=now, note=note)
        return
    payer = acting_user(actor)
    _void_invoices(refund, payer)
    if refund.method == PaymentMethod.CASH:
        if payer is None:
            raise Conflict(_("A cash refund is paid by a clerk at a counter."), code="cash_needs_clerk")
        cashdesk_services.drawer_record_cash(
            hall=refund.hall, clerk=payer, amount_in=Decimal("0.00"), amount_out=refund.amount, refund=refund
        )
    _refund_paid(refund, actor=actor, payer=payer, now=now, note=note)


def _void_invoices(refund: Refund, payer: Any) -> None:
    """An invoice that covers the payment is voided first (PAY03: it would claim money the hall gave back);
    what is left of the payment can then be invoiced again. Invoices come before the drawer in the money
    lock order (`locks`); the invoicing app does it (`hooks`, registered in its `ready()`)."""
    if refund.payment is not None:
        refund_payout_hooks_run(payment=refund.payment, actor=payer)


def _refund_paid(refund: Refund, *, actor: Actor, payer: Any, now: dt.datetime, note: str = "") -> None:
    """The refund is paid: its status, the purpose's undo (a top-up's balance back), a balance refund's
    balance, the audit entry."""
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


def refund_send(refund: Refund, *, actor: Actor, fail_on_error: bool = True) -> Refund:
    """Ask the QR provider to pay a SENDING refund back, with no row locked while it answers (issue 10,
    QR_PROVIDER_TIMEOUT_SECONDS); then, in a new transaction in the money lock order, the refund is paid
    (its payment's invoices voided first) or, when the provider cannot be reached, failed (409
    `provider_down`; the amount is free again and the clerk may ask anew). The provider's refund is keyed
    by our refund's id, so asking again for the same refund never pays twice. A refund no longer SENDING
    (another request finished it) is returned as it is. Without `fail_on_error` (the system's late-success
    refund, nobody waiting for an answer) an unreachable provider leaves the refund SENDING for
    `refunds_resend_due`."""
    if refund.status != RefundStatus.SENDING or refund.payment is None:
        return refund
    payment = refund.payment
    try:
        reference = providers.provider_get(payment.provider).refund(
            provider_ref=payment.provider_ref, amount=refund.amount, refund_ref=str(refund.pk)
        )
    except providers.ProviderError as exc:
        if not fail_on_error:
            logger.warning("QR refund %s: the payment service cannot be reached; it is asked again later", refund.pk)
            return refund
        _refund_fail(refund, actor=actor)
        raise Conflict(
            _("The QR payment service cannot be reached. Try the refund again later."), code="provider_down"
        ) from exc
    with transaction.atomic():
        locked = _lock_refund(refund)
        if locked.status != RefundStatus.SENDING:
            return locked
        Refund.objects.filter(pk=locked.pk).update(provider_ref=reference[:64])
        locked.provider_ref = reference[:64]
        payer = acting_user(actor)
        _void_invoices(locked, payer)
        _refund_paid(locked, actor=actor, payer=payer, now=timezone.now(), note="paid back by the payment service")
    return locked


def refunds_send_waiting(*, payment_id: int) -> None:
    """Send the payment's SENDING refunds (the late-success refund written while its payment was locked)."""
    waiting = Refund.objects.filter(payment_id=payment_id, status=RefundStatus.SENDING)
    for refund in waiting.select_related("hall", "payment", "service"):
        refund_send(refund, actor=None, fail_on_error=False)


def refunds_resend_due(*, now: dt.datetime | None = None) -> int:
    """Ask the provider again for every refund left SENDING (an unreachable provider, a stopped process) for
    a periodic job; answers how many were asked."""
    before = (now or timezone.now()) - dt.timedelta(seconds=RESEND_AFTER_SECONDS)
    due = Refund.objects.filter(status=RefundStatus.SENDING, requested_at__lte=before).select_related(
        "hall", "payment", "service"
    )
    count = 0
    for refund in due:
        refund_send(refund, actor=None, fail_on_error=False)
        count += 1
    return count


def _refund_fail(refund: Refund, *, actor: Actor) -> None:
    with transaction.atomic():
        locked = _lock_refund(refund)
        if locked.status != RefundStatus.SENDING:
            return
        _refund_move(locked, RefundStatus.FAILED, actor=actor, now=timezone.now(), note="provider unreachable")
        audit_record(
            actor=actor, action="refund.fail", obj=locked, hall=locked.hall, data={"amount": str(locked.amount)}
        )


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


def _check_decider(actor: Actor, refund: Refund) -> None:
    require_capability(actor, refund.hall, Capability.APPROVE_MONEY)
    if refund.requested_by_id is not None and refund.requested_by_id == getattr(actor, "pk", None):
        raise Forbidden(
            _("You asked for this refund: another duty manager must approve or reject it."), code="own_refund"
        )


def refund_approve(*, actor: Actor, refund: Refund, note: str = "") -> Refund:
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
    return refund_send(locked, actor=actor)


def refund_reject(*, actor: Actor, refund: Refund, reason: Any) -> Refund:
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


def refund_pay(*, actor: Actor, refund: Refund) -> Refund:
    """A clerk hands over an approved refund (cash from the clerk's own drawer)."""
    require_capability(actor, refund.hall, Capability.SERVE)
    _check_day_open(refund.hall)
    with transaction.atomic():
        locked = _lock_refund(refund)
        # Stricter than REFUND_TABLE: its requested -> paid is only for a refund within the clerk's limit,
        # paid as it is recorded (`_refund_create`); one waiting for approval is never paid out here.
        if locked.status != RefundStatus.APPROVED:
            raise Conflict(
                _("This refund is %(status)s: only an approved refund is paid out.")
                % {"status": RefundStatus(locked.status).label},
                code="not_approved",
            )
        _refund_pay_locked(locked, actor=actor, now=timezone.now())
    return locked
