"""What the promotion reads share: zero, yuan and percent as a clerk reads them, a rule's offer in words."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from servicehall.lib import money

from ..models import BankCardOffer, DiscountKind, Promotion

ZERO = Decimal("0.00")


def _yuan(amount: Decimal) -> str:
    return money.format_yuan(amount)


def _percent(value: Decimal) -> str:
    """12.50 → "12.5", 10.00 → "10"."""
    text = format(value.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _offer_text(rule: Promotion | BankCardOffer) -> str:
    if rule.kind == DiscountKind.PERCENT:
        text = _("%(percent)s%% off") % {"percent": _percent(rule.percent or ZERO)}
    elif rule.kind == DiscountKind.AMOUNT:
        text = _("%(amount)s yuan off") % {"amount": _yuan(rule.amount_off or ZERO)}
    else:
        return _("gift: %(gift)s") % {"gift": rule.gift}  # type: ignore[union-attr]
    if rule.cap is not None:
        text += " " + _("(at most %(cap)s yuan)") % {"cap": _yuan(rule.cap)}
    return text
