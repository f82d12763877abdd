"""A payment succeeds (PAY01, PAY02): its receipt numbered, the audit entry, the purpose applied, points earned.

`_succeed` is shared by cash and card (at once, in `payments`) and by QR (at the provider's confirmation, in `qr`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from servicehall.core.actors import Actor
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.org.models import Hall
from servicehall.promotions import services as promotion_services

from ..models import RECEIPT_CODE_ALPHABET, RECEIPT_CODE_LENGTH, Payment, Receipt, ReceiptSequence, receipt_number
from ..purposes import purpose_get
from ._common import _lines

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


# --- success ---------------------------------------------------------------------------------------


def _succeed(payment: Payment, *, actor: Actor, now: dt.datetime, apply: bool, note: str = "") -> None:
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
