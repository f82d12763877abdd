"""QR payments (PAY01) through the providers (`billing.providers`).

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
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import ApplicationError, Conflict, NotFound
from servicehall.core.services import audit_record
from servicehall.core.states import transition

from .. import providers
from ..locks import money_rows_lock
from ..models import Payment, PaymentLine, PaymentMethod
from ..purposes import purpose_get
from ..states import PAYMENT_TABLE, PaymentStatus
from .receipts import _succeed
from .refunds import _refund_create_system, refunds_send_waiting

# The package's logger, as before the split, so log settings for servicehall.billing.services still apply.
logger = logging.getLogger(__package__)


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
        # Not a status move, so not `transition`: it stores the provider's fields, and only on a payment still
        # pending (one moved meanwhile keeps what it has).
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
    """Move a payment along `PAYMENT_TABLE`, with its history row (by nobody: the provider moved it).

    The callers hold the payment's row lock, so the compare-and-set always holds; it still refuses a second
    writer should a caller ever move a payment it has not locked."""
    transition(
        payment,
        to,
        table=PAYMENT_TABLE,
        refuse=lambda status: Conflict(_("This payment cannot change any more."), code="illegal_move"),
        lost=lambda: Conflict(_("Someone else changed this payment just now. Please reload."), code="stale_status"),
        changes=changes,
        actor=None,
        note=note[:200],
        now=now,
    )


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
    # A late success refunded by the system: the provider is asked now, with no row locked.
    refunds_send_waiting(payment_id=payment_id)
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
