"""What the clerk types for a quote, checked: the card BIN, the quantity an enterprise buys, points to redeem."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from servicehall.core.errors import Unprocessable

QUANTITY_MAX = 100_000
POINTS_MAX = 100_000_000


def clean_card_bin(value: Any) -> str:
    """The card BIN the clerk typed: empty, or 6 to 8 ASCII digits (spaces ignored)."""
    if value is None:
        return ""
    text = str(value).replace(" ", "").strip()
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and 6 <= len(text) <= 8):
        raise Unprocessable(_("The card BIN is the first 6 to 8 digits of the card number."), code="bad_card_bin")
    return text


def _whole_number(value: Any, *, message: str, code: str, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (bool, float)):
        raise Unprocessable(message, code=code)
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("-").isdigit() and len(text) <= 12):
        raise Unprocessable(message, code=code)
    number = int(text)
    if not low <= number <= high:
        raise Unprocessable(message, code=code)
    return number


def clean_quantity(value: Any) -> int | None:
    return _whole_number(
        value,
        message=_("The quantity is a whole number from 1 to %(max)d.") % {"max": QUANTITY_MAX},
        code="bad_quantity",
        low=1,
        high=QUANTITY_MAX,
    )


def clean_points(value: Any) -> int:
    number = _whole_number(
        value,
        message=_("Points to redeem are a whole number, zero or more."),
        code="bad_points",
        low=0,
        high=POINTS_MAX,
    )
    number = number or 0
    step = settings.POINTS_PER_YUAN_REDEEMED
    if number % step:
        raise Unprocessable(
            _("Points are redeemed in steps of %(step)d (%(step)d points = 1 yuan).") % {"step": step},
            code="bad_points",
        )
    return number
