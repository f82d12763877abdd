"""Test helpers: open a clerk's drawer so cash payments have somewhere to go (CASH01)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from servicehall.cashdesk import services
from servicehall.cashdesk.models import DrawerSession
from servicehall.lib.money import DENOMINATIONS


def counts_for(amount: str | Decimal) -> dict[str, int]:
    """A count by denomination worth exactly `amount` (largest notes first)."""
    rest = Decimal(amount)
    counts: dict[str, int] = {}
    for denomination in DENOMINATIONS:
        quantity = int(rest // denomination)
        if quantity:
            counts[str(denomination)] = quantity
            rest -= denomination * quantity
    if rest:
        raise ValueError(f"{amount} cannot be counted in whole jiao")
    return counts


def open_drawer(world: Any, clerk: Any = None, counter: Any = None, float_amount: str = "500.00") -> DrawerSession:
    """Open `clerk`'s (default: world.clerk) drawer at `counter` (default: the clerk's own counter)."""
    clerk = clerk or world.clerk
    if counter is None:
        counter = world.counter2 if clerk == getattr(world, "clerk2", None) else world.counter1
        if clerk not in (world.clerk, getattr(world, "clerk2", None)):
            counter = world.counter3
    return services.drawer_open(hall=world.hall, counter=counter, clerk=clerk, counts=counts_for(float_amount))
