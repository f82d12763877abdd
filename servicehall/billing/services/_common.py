"""What every module of `billing.services` shares: limits, amounts as typed, the request digest's view of an
amount, the role and closed-day checks, free text, the acting user, an order's amount due and a payment's lines."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from servicehall.cashdesk import services as cashdesk_services
from servicehall.core.errors import Unprocessable
from servicehall.lib import money
from servicehall.orders.models import WorkOrder
from servicehall.org.models import Hall
from servicehall.promotions import selectors as promotion_selectors

from ..models import Payment, PaymentLine

CENT = Decimal("0.01")
AMOUNT_MAX = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds
AMOUNT_INPUT_MAX_CHARS = 32
IDEMPOTENCY_KEY_MAX = 64


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


# --- shared checks ------------------------------------------------------------------------------


def _check_day_open(hall: Hall) -> None:
    cashdesk_services.day_open_require(
        hall=hall,
        refusal=_("Today's money in this hall is already settled and closed: no payment or refund can be recorded."),
    )


def _text(value: Any, *, max_length: int) -> str:
    return " ".join(str(value or "").split())[:max_length]


# --- orders and lines ----------------------------------------------------------------------------


def _amount_due(order: WorkOrder) -> Decimal:
    due: Decimal = promotion_selectors.order_amount_due(order=order)
    return due


def _lines(payment: Payment) -> list[PaymentLine]:
    """The orders a payment pays, with what each took (none for other purposes)."""
    return list(payment.lines.select_related("order").order_by("order_id"))
