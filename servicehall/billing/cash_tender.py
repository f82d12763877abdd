"""What the clerk says and presses when cash changes hands (PAY01, PAY02): shared by every payment screen."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language

from servicehall.lib import money

# Quick amounts on the cash keypad: the notes customers hand over most.
KEYPAD_NOTES = ("10", "20", "50", "100")


def tender_phrase(*, tendered: Decimal, change: Decimal) -> str:
    """ "收您××元，找您××元" in the clerk's language."""
    if (get_language() or "").startswith("zh"):
        return money.tender_phrase_zh(tendered, change)
    return money.tender_phrase_en(tendered, change)
