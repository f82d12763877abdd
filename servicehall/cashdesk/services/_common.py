"""What every module of `cashdesk.services` shares: counts by denomination, free text and amounts as typed,
the role check, the closed-day check, count lines written."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from servicehall.core.errors import Conflict, Unprocessable
from servicehall.lib import money
from servicehall.org.models import Hall

from .. import selectors

NOTE_MAX = 500
MAX_QUANTITY = 100000


def parse_counts(counts: Mapping[Any, Any] | None) -> dict[Decimal, int]:
    """A count by denomination → {denomination: quantity} for every denomination (missing or blank = 0).

    Refuses unknown denominations, the same denomination twice, and quantities that are not whole
    numbers of notes (422 `bad_count`).
    """
    if counts is None:
        counts = {}
    if not isinstance(counts, Mapping):
        raise Unprocessable(_("Count the cash by denomination."), code="bad_count")
    result: dict[Decimal, int] = dict.fromkeys(money.DENOMINATIONS, 0)
    seen: set[Decimal] = set()
    for key, raw in counts.items():
        try:
            denomination = money.denomination_parse(key)
        except money.MoneyError as exc:
            raise Unprocessable(
                _("%(value)s is not a note or coin the drawer takes.") % {"value": str(key)[:20]},
                code="unknown_denomination",
            ) from exc
        if denomination in seen:
            raise Unprocessable(
                _("The denomination %(value)s is counted twice.") % {"value": money.format_yuan(denomination)},
                code="bad_count",
            )
        seen.add(denomination)
        quantity = _quantity(raw, denomination)
        result[denomination] = quantity
    return result


def _quantity(raw: Any, denomination: Decimal) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    text = str(raw).strip() if not isinstance(raw, bool) else "x"
    if isinstance(raw, float) or not text.isascii() or not text.isdigit() or int(text) > MAX_QUANTITY:
        raise Unprocessable(
            _("Enter how many %(value)s yuan notes or coins, as a whole number from 0 to %(max)d.")
            % {"value": money.format_yuan(denomination), "max": MAX_QUANTITY},
            code="bad_count",
        )
    return int(text)


def counts_total(counts: Mapping[Decimal, int]) -> Decimal:
    return money.count_total({d: q for d, q in counts.items()})


def _text(value: Any, *, limit: int, label: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        raise Unprocessable(
            _("%(label)s may have at most %(max)d characters.") % {"label": label, "max": limit}, code="too_long"
        )
    if "\x00" in text:
        raise Unprocessable(
            _("%(label)s contains characters that are not allowed.") % {"label": label}, code="bad_text"
        )
    return text


def _amount(value: Any, *, label: str, allow_negative: bool = False) -> Decimal:
    try:
        return money.parse_amount(
            value if isinstance(value, (str, int, Decimal)) else "", allow_negative=allow_negative
        )
    except money.MoneyError as exc:
        messages = {
            "negative": _("%(label)s cannot be negative."),
            "too_large": _("%(label)s is too large."),
            "too_precise": _("%(label)s may have at most two decimal places (fen)."),
        }
        raise Unprocessable(
            messages.get(exc.code, _("%(label)s must be a number of yuan.")) % {"label": label}, code="bad_amount"
        ) from exc


def day_open_require(*, hall: Hall, day: datetime.date | None = None, refusal: str = "") -> None:
    """409 `day_closed` when the hall's money of `day` (default: today, hall time) is settled and closed
    (CASH04). Billing and invoicing call it before every money record; `refusal` is their own wording."""
    day = day or hall.local_date()
    if selectors.day_is_closed(hall=hall, day=day):
        raise Conflict(
            refusal
            or _("The settlement of %(day)s is closed: no more money records for that day.") % {"day": day.isoformat()},
            code="day_closed",
        )


def _count_lines(model: Any, counts: Mapping[Decimal, int], **fields: Any) -> None:
    model.objects.bulk_create([model(denomination=d, quantity=q, **fields) for d, q in counts.items()])
