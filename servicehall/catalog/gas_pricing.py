"""Residential tiered gas price (阶梯气价) arithmetic, without Django.

A scheme is a list of tiers in order, each with the upper bound of the yearly
volume it covers (m³, None for the last, open-ended tier) and a price per m³.
What a household already bought this year decides where a purchase starts.

Rounding, chosen so that the customer is never credited gas not paid for:

* volumes are counted in hundredths of a cubic metre, money in cents;
* `volume_for_amount` fills whole tiers exactly and, in the tier where the
  money runs out, rounds the volume *down* to 0.01 m³ (a fraction of a cent
  may be left over unspent);
* `amount_for_volume` adds the exact cost of each tier's share and rounds the
  total *up* to the cent.

So `amount_for_volume(volume_for_amount(a)) <= a` for every amount `a`, and
`volume_for_amount(amount_for_volume(v)) >= v` for every volume `v`.
The arithmetic is done on integers (cents, hundredths of m³), so no decimal
context or binary fraction can tip a result across a boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Tier:
    up_to_m3: Decimal | None  # upper bound of the yearly volume this tier covers; None: no bound
    price_per_m3: Decimal


def _hundredths(value: Decimal) -> int:
    """A value with at most two decimals as a whole number of hundredths."""
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than two decimals")
    return int(scaled)


def _from_hundredths(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(HUNDREDTH)


def _shares(tiers: Sequence[Tier], used: int) -> list[tuple[int | None, int]]:
    """(room left in hundredths of m³ or None for no bound, price in cents per m³) for each tier still open."""
    shares: list[tuple[int | None, int]] = []
    lower = 0
    for tier in tiers:
        price = _hundredths(tier.price_per_m3)
        if tier.up_to_m3 is None:
            shares.append((None, price))
            break
        upper = _hundredths(tier.up_to_m3)
        start = max(lower, used)
        if start < upper:
            shares.append((upper - start, price))
        lower = upper
    return shares


def _check(tiers: Sequence[Tier], *values: Decimal) -> None:
    if not tiers or tiers[-1].up_to_m3 is not None:
        raise ValueError("a price scheme needs tiers, the last one open-ended")
    if any(value < 0 for value in values):
        raise ValueError("amounts and volumes are zero or more")


def volume_for_amount(tiers: Sequence[Tier], amount: Decimal, used_this_year: Decimal = Decimal("0")) -> Decimal:
    """The gas (m³, two decimals) that `amount` (yuan, two decimals) buys after `used_this_year` m³."""
    _check(tiers, amount, used_this_year)
    # Money and cost in hundredths of a cent: a volume in hundredths of m³ times a price in cents per m³.
    money = _hundredths(amount) * 100
    volume = 0
    for room, price in _shares(tiers, _hundredths(used_this_year)):
        affordable = money // price
        if room is None or affordable < room:
            return _from_hundredths(volume + affordable)
        volume += room
        money -= room * price
    return _from_hundredths(volume)  # pragma: no cover - the last tier has no bound


def amount_for_volume(tiers: Sequence[Tier], volume: Decimal, used_this_year: Decimal = Decimal("0")) -> Decimal:
    """What `volume` m³ (two decimals) costs after `used_this_year` m³, rounded up to the cent."""
    _check(tiers, volume, used_this_year)
    wanted = _hundredths(volume)
    cost = 0  # hundredths of a cent
    for room, price in _shares(tiers, _hundredths(used_this_year)):
        share = wanted if room is None else min(wanted, room)
        cost += share * price
        wanted -= share
        if wanted == 0:
            break
    cents = -(-cost // 100)  # ceiling division
    return _from_hundredths(cents)
