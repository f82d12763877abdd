"""Money arithmetic for the counter (PAY01, PAY02, PAY05, CASH01). Pure Python, no Django.

Amounts are CNY as `Decimal` with exactly 2 places (yuan and fen); floats are
refused everywhere, because 0.1 + 0.2 is not 0.3 in binary.

House rounding (written down once, used everywhere):

- ROUND_HALF_UP (四舍五入) is the rule for every amount that is *computed*:
  prices, percentage discounts, fees (principal × fee rate), tax. This is what
  customers and the tax office expect, and it is the same rule whether the
  result favours the hall or the customer, so nobody can argue a rule was
  picked per case. A discount is therefore not rounded down "in the customer's
  favour": a promotion that wants to be generous says so in its own rule.
- ROUND_DOWN is used only where a whole amount is *split* into parts (the
  equal installments of a schedule, a total fee spread over the months): each
  part is rounded down to the fen and the remainder, which is always less than
  one fen per part, is put on the first part. Nothing is lost or invented: the
  parts add up exactly to the whole.

Input precision: an amount is refused as `too_precise` only if it carries a
non-zero digit below the fen ("12.345"); trailing zeros ("12.500") are harmless
and accepted as 12.50.

Denominations (CASH01): the notes and coins in circulation today — 100, 50, 20,
10, 5 and 1 yuan, 5 jiao and 1 jiao. Fen coins are still legal tender but are
not taken into a drawer, so counting them is refused.

Installments (PAY05): 3, 6, 12 or 24 months. Principal parts are the principal
divided equally and rounded down to the fen, the remainder on installment 1;
the flat total fee (principal × fee rate, half-up) is split the same way. Due
dates fall monthly on the day of the first due date, clamped to the month's
last day (first due Jan 31 → Feb 28 or 29 → Mar 31).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_CAP = Decimal("1000000.00")
ROUNDING_COMPUTED = ROUND_HALF_UP
ROUNDING_SPLIT = ROUND_DOWN

DENOMINATIONS: tuple[Decimal, ...] = tuple(
    Decimal(text) for text in ("100.00", "50.00", "20.00", "10.00", "5.00", "1.00", "0.50", "0.10")
)
INSTALLMENT_TERMS = frozenset({3, 6, 12, 24})
# The highest monthly fee rate an installment plan may carry (2 % of the principal per month), and so an
# installment offer too.
MONTHLY_FEE_RATE_MAX = Decimal("0.0200")
MAX_FEE_RATE = Decimal("1")

_AMOUNT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_MAX_TEXT_LENGTH = 64


class MoneyError(ValueError):
    """A refused amount or operation; `code` is machine-readable.

    Codes: `not_a_number`, `float_refused`, `too_precise`, `negative`, `too_large`,
    `tender_short`, `unknown_denomination`, `duplicate_denomination`, `bad_count`,
    `negative_count`, `not_positive`, `bad_term`, `bad_rate`.
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


type AmountInput = str | int | Decimal


def _to_decimal(value: object) -> Decimal:
    """Any accepted input as a finite Decimal, without judging sign, size or precision."""
    if isinstance(value, float):
        raise MoneyError("float_refused")
    if isinstance(value, bool):
        raise MoneyError("not_a_number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("not_a_number")
        return value
    if isinstance(value, str):
        # NFKC turns full-width digits and points typed with a Chinese IME into ASCII.
        text = unicodedata.normalize("NFKC", value).strip()
        # Strict shape: Decimal() alone would accept "1_000", "1e3", "NaN" and "Infinity".
        if len(text) > _MAX_TEXT_LENGTH or not _AMOUNT_TEXT.fullmatch(text):
            raise MoneyError("not_a_number")
        return Decimal(text)
    raise MoneyError("not_a_number")


def _without_negative_zero(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value


def _has_sub_fen_digits(value: Decimal) -> bool:
    # Enough precision that quantizing any capped amount can never itself round or fail.
    with localcontext() as context:
        shape = value.as_tuple()
        context.prec = max(context.prec, len(shape.digits) + abs(int(shape.exponent)) + 4)
        return value != value.quantize(FEN)


def parse_amount(value: AmountInput, *, allow_negative: bool = False, cap: Decimal = DEFAULT_CAP) -> Decimal:
    """`value` as a CNY amount with 2 places, or `MoneyError`.

    Checks in this order: a number at all, sign, magnitude against `cap` (the cap
    limits the absolute value when negatives are allowed), then precision.
    """
    amount = _to_decimal(value)
    if amount < 0 and not allow_negative:
        raise MoneyError("negative")
    if abs(amount) > cap:
        raise MoneyError("too_large")
    if _has_sub_fen_digits(amount):
        raise MoneyError("too_precise")
    return _without_negative_zero(amount.quantize(FEN))


def quantize_cny(value: Decimal | int, rounding: str = ROUNDING_COMPUTED) -> Decimal:
    """A computed amount rounded to the fen; half-up unless a split asks for ROUND_DOWN."""
    if isinstance(value, str):
        raise MoneyError("not_a_number")  # text is input: it goes through parse_amount
    amount = _to_decimal(value)
    try:
        return _without_negative_zero(amount.quantize(FEN, rounding=rounding))
    except InvalidOperation as exc:
        raise MoneyError("too_large") from exc


def format_yuan(amount: Decimal) -> str:
    """Two places, no grouping: 12.5 → "12.50"."""
    return f"{quantize_cny(amount):.2f}"


# --- PAY02: cash tendered and change ---------------------------------------------------------


def change_due(price: AmountInput, tendered: AmountInput) -> Decimal:
    """What to hand back when the customer pays `price` with `tendered`; never negative."""
    price_amount = parse_amount(price)
    tendered_amount = parse_amount(tendered)
    if tendered_amount < price_amount:
        raise MoneyError("tender_short")
    return tendered_amount - price_amount


def tender_phrase_zh(tendered: AmountInput, change: AmountInput) -> str:
    """What the clerk says and the receipt prints: "收您100.00元，找您12.50元"."""
    return f"收您{format_yuan(parse_amount(tendered))}元，找您{format_yuan(parse_amount(change))}元"


def tender_phrase_en(tendered: AmountInput, change: AmountInput) -> str:
    """The English twin: "Received ¥100.00, your change is ¥12.50"."""
    return f"Received ¥{format_yuan(parse_amount(tendered))}, your change is ¥{format_yuan(parse_amount(change))}"


# --- CASH01: counting a drawer by denomination ------------------------------------------------


def denomination_parse(value: str | Decimal | int) -> Decimal:
    """One of `DENOMINATIONS` ("0.5", "0.50" and Decimal("0.5") are the same), or `MoneyError`."""
    try:
        amount = parse_amount(value)
    except MoneyError as exc:
        raise MoneyError("unknown_denomination") from exc
    if amount not in DENOMINATIONS:
        raise MoneyError("unknown_denomination")
    return amount


def count_total(counts: Mapping[str | Decimal, int]) -> Decimal:
    """The value of a count by denomination, e.g. {"100": 3, "0.5": 2} → 301.00."""
    seen: set[Decimal] = set()
    total = ZERO
    for key, count in counts.items():
        denomination = denomination_parse(key)
        if denomination in seen:
            # "0.5" and "0.50" in one count: adding or overwriting would both hide a typing error.
            raise MoneyError("duplicate_denomination")
        seen.add(denomination)
        if isinstance(count, bool) or not isinstance(count, int):
            raise MoneyError("bad_count")
        if count < 0:
            raise MoneyError("negative_count")
        total += denomination * count
    return total


# --- PAY05: installment schedules --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due_date: dt.date
    principal_part: Decimal
    fee_part: Decimal
    total: Decimal


def split_evenly(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` equal parts rounded down to the fen, the remainder on the first part."""
    if parts < 1:
        raise MoneyError("bad_term")
    share = quantize_cny(amount / parts, rounding=ROUNDING_SPLIT)
    remainder = amount - share * parts
    return [share + remainder, *([share] * (parts - 1))]


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the last day of that month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def _fee_rate(value: Decimal | int | str) -> Decimal:
    try:
        rate = _to_decimal(value)
    except MoneyError as exc:
        raise MoneyError("float_refused" if exc.code == "float_refused" else "bad_rate") from exc
    if rate < 0 or rate > MAX_FEE_RATE:
        raise MoneyError("bad_rate")
    return rate


def installment_schedule(
    principal: AmountInput,
    months: int,
    *,
    fee_rate: Decimal = Decimal("0"),
    first_due: dt.date,
) -> list[Installment]:
    """The schedule of a credit purchase: `months` installments that add up exactly.

    `fee_rate` is the flat rate over the whole term (0.06 = 6 % of the principal in
    total, not per month); 0 for interest-free promotions.
    """
    amount = parse_amount(principal)
    if amount <= 0:
        raise MoneyError("not_positive")
    if isinstance(months, bool) or months not in INSTALLMENT_TERMS:
        raise MoneyError("bad_term")
    total_fee = quantize_cny(amount * _fee_rate(fee_rate))
    principal_parts = split_evenly(amount, months)
    fee_parts = split_evenly(total_fee, months)
    return [
        Installment(
            number=index + 1,
            due_date=add_months(first_due, index),
            principal_part=principal_part,
            fee_part=fee_part,
            total=principal_part + fee_part,
        )
        for index, (principal_part, fee_part) in enumerate(zip(principal_parts, fee_parts, strict=True))
    ]
