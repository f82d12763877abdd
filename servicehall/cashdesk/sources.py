"""What the daily settlement reads of the apps above cashdesk (issue 11: imports go down only).

The settlement (CASH04) sums the day's payments, refunds and invoices, but cashdesk sits below billing and
invoicing: their writes use its drawer and its closed-day check. So those apps register a reader of their
own rows in their `AppConfig.ready()`, and the settlement reads through here without importing them:

* `payments`: the hall's payments that succeeded on the day (billing), each with `amount`, `method`,
  `get_method_display()`, `clerk`/`clerk_id` and, once issued, a `receipt` with its `number`;
* `refunds`: the hall's refunds paid out on the day (billing), each with `pk`, `amount`, `method`,
  `get_method_display()` and `paid_by`/`paid_by_id`;
* `invoices`: the hall's invoices issued and voided on the day, as a `DayInvoices` (invoicing).

A reader is called as `read(hall=hall, day=day)`. An app that is not installed registers nothing, and the
settlement shows none of its rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from servicehall.lib.money import ZERO
from servicehall.org.models import Hall

PAYMENTS = "payments"
REFUNDS = "refunds"
INVOICES = "invoices"

DayReader = Callable[..., Any]


@dataclass(frozen=True)
class DayInvoices:
    """Invoices of a hall's local day: those issued that day (whatever they are now) and those voided that day."""

    issued: list[Any] = field(default_factory=list)
    voided: list[Any] = field(default_factory=list)
    issued_count: int = 0
    issued_total: Decimal = ZERO
    voided_count: int = 0
    voided_total: Decimal = ZERO


@dataclass(frozen=True)
class DaySource:
    name: str
    read: DayReader


_SOURCES: dict[str, DaySource] = {}


def register_day_source(name: str, read: DayReader) -> None:
    """Add (or replace, on a second `ready()`) the reader of `name`: one of PAYMENTS, REFUNDS, INVOICES."""
    if name not in (PAYMENTS, REFUNDS, INVOICES):
        raise ValueError(f"unknown settlement source {name!r}")
    _SOURCES[name] = DaySource(name=name, read=read)


def _read(name: str, hall: Hall, day: datetime.date) -> Any:
    source = _SOURCES.get(name)
    return None if source is None else source.read(hall=hall, day=day)


def payments_of_day(*, hall: Hall, day: datetime.date) -> list[Any]:
    payments = _read(PAYMENTS, hall, day)
    return [] if payments is None else list(payments)


def refunds_of_day(*, hall: Hall, day: datetime.date) -> list[Any]:
    refunds = _read(REFUNDS, hall, day)
    return [] if refunds is None else list(refunds)


def invoices_of_day(*, hall: Hall, day: datetime.date) -> DayInvoices:
    invoices = _read(INVOICES, hall, day)
    return DayInvoices() if invoices is None else invoices
