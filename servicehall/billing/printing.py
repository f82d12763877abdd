"""Printing receipts (PAY02): the slip's content, the print count and the hall-scoped read of a receipt.

This module holds its own read and write instead of billing's services package and
selectors.py on purpose: printing is a separate concern from taking money (it
never changes an amount), and keeping it in one module lets it evolve without
touching the payment code that another part of the team owns.

A receipt is printed as an 80 mm slip in the browser or as a PDF. Every print is
counted (`Receipt.printed_copies`); each print after the first is marked
"副本 / COPY", so a customer can never hold two originals. Merely looking at the
slip counts nothing: only the print button and the PDF download do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.masking import mask_name, mask_phone
from servicehall.core.services import audit_record
from servicehall.lib import money
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from .models import PaymentMethod, Receipt

# --- reads -------------------------------------------------------------------------------------


def no_such_receipt() -> str:
    return _("There is no such receipt.")


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def receipt_get_for_user(*, user: Any, receipt_id: Any, capability: str = Capability.SERVE) -> Receipt:
    """The receipt with what the slip shows, if the user holds `capability` in its hall (clerk, duty manager).

    A receipt of a hall the user has no role in is "not found": its existence does not leak.
    """
    pk = _pk(receipt_id)
    receipt = (
        Receipt.objects.select_related(
            "hall", "payment", "payment__clerk", "payment__order", "payment__customer", "payment__service"
        )
        .select_related("payment__order__customer")
        .prefetch_related("payment__order__fee_lines", "payment__lines__order__fee_lines")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if receipt is None or not any(m.hall_id == receipt.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(no_such_receipt())
    if not user_can(user=user, hall=receipt.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return receipt


# --- the write ---------------------------------------------------------------------------------


def receipt_record_print(*, receipt: Receipt, actor: Actor) -> Receipt:
    """Count one print of the receipt (the browser slip or the PDF) and audit it.

    The count is taken under the receipt's row lock, so two clerks pressing "print" at once get copy 1
    and copy 2, never two originals. Returns the receipt with `printed_copies` as it is now: 1 means this
    print is the original, more means it is a copy.
    """
    if not user_can(user=actor, hall=receipt.hall, capability=Capability.SERVE):
        raise Forbidden(_("Your role in this hall does not allow this."))
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().filter(pk=receipt.pk).first()
        if locked is None:
            raise NotFound(no_such_receipt())
        Receipt.objects.filter(pk=locked.pk).update(printed_copies=F("printed_copies") + 1)
        copies = locked.printed_copies + 1
        audit_record(
            actor=actor,
            action="receipt.print",
            obj=locked,
            hall=receipt.hall,
            data={"receipt": locked.number, "copy": copies},
        )
    receipt.printed_copies = copies
    return receipt


# --- what the slip shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class SlipLine:
    description: str
    amount: Decimal


@dataclass(frozen=True)
class Slip:
    hall_name: str
    hall_address: str
    number: str
    issued_at: Any  # an aware datetime in the hall's time zone
    clerk: str
    order_number: str
    lines: list[SlipLine]
    method: str
    amount: Decimal
    tender_phrase: str
    customer_name: str
    customer_phone: str
    is_copy: bool
    copy_number: int
    # With the receipt number they lead to the invoice online (PAY03); printed on copies too, as a customer
    # who lost the original asks for a copy.
    hall_code: str = ""
    invoice_code: str = ""
    # Card: the terminal's reference (POS 参考号), so the customer and the bank can find the charge.
    pos_reference: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _customer(payment: Any) -> Any:
    customer = payment.customer
    if customer is None and payment.order_id is not None:
        customer = payment.order.customer
    return customer


def _fee_lines(order: Any, paid: Decimal, language: str, prefix: str) -> list[SlipLine]:
    """An order's fee lines, and what promotions took off them when less was paid."""
    lines = [
        SlipLine(prefix + (fee.description_zh if language.startswith("zh") else fee.description_en), fee.amount)
        for fee in order.fee_lines.all()
    ]
    discount = sum((line.amount for line in lines), Decimal("0.00")) - paid
    if discount > 0:
        lines.append(SlipLine(prefix + _("Promotions"), -discount))
    return lines


def _paid_for(payment: Any, language: str) -> tuple[str, list[SlipLine]]:
    """The numbers of the orders paid and their fee lines (each prefixed by its order's number when the
    payment paid several), or a description of a top-up or installment."""
    paid = [(line.order, line.amount) for line in payment.lines.all()]
    if not paid and payment.order is not None:
        paid = [(payment.order, payment.amount)]
    if paid:
        several = len(paid) > 1
        lines = [
            line
            for order, amount in paid
            for line in _fee_lines(order, amount, language, f"{order.number} " if several else "")
        ]
        return ", ".join(order.number for order, _amount in paid), lines
    description = payment.description or str(payment.get_purpose_display())
    service = payment.service
    if service is not None and service.number and service.number not in description:
        description = f"{description} {mask_phone(service.number) if service.kind == 'mobile' else service.number}"
    return "", [SlipLine(description, payment.amount)]


def receipt_slip(*, receipt: Receipt, is_copy: bool) -> Slip:
    """What the slip of `receipt` shows, in the active language; the customer masked."""
    payment = receipt.payment
    language = translation.get_language() or "zh-hans"
    order_number, lines = _paid_for(payment, language)
    phrase = ""
    if payment.method == PaymentMethod.CASH and payment.tendered is not None and payment.change is not None:
        phrase = (
            money.tender_phrase_zh(payment.tendered, payment.change)
            if language.startswith("zh")
            else money.tender_phrase_en(payment.tendered, payment.change)
        )
    customer = _customer(payment)
    clerk = payment.clerk
    return Slip(
        hall_name=receipt.hall.name,
        hall_address=receipt.hall.address,
        number=receipt.number,
        issued_at=timezone.localtime(receipt.issued_at, receipt.hall.tz),
        clerk=clerk.get_full_name() or clerk.username,
        order_number=order_number,
        lines=lines,
        method=str(payment.get_method_display()),
        amount=payment.amount,
        tender_phrase=phrase,
        customer_name=mask_name(getattr(customer, "name", "")),
        customer_phone=mask_phone(getattr(customer, "phone", "")),
        is_copy=is_copy,
        copy_number=receipt.printed_copies,
        hall_code=receipt.hall.code,
        invoice_code=receipt.invoice_code,
        pos_reference=payment.pos_reference,
    )
