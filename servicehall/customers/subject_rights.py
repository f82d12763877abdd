"""What apps above customers add to a person's rights over their data (PRIV02; imports go down only).

A customer's export and erasure on request live in `customers.services.subject_rights`, but the customer's
orders, payments and credit plans are higher apps' rows. Those apps register in their `AppConfig.ready()`:

* `register_hold(name, fn)`: `fn(customer)` answers the reasons (translated sentences, no personal data) that
  keep the customer's personal data from being erased now (a legal hold: open orders, unpaid installments,
  payments still in flight). Any reason refuses the erasure and the screen lists them all.
* `register_activity(name, fn)`: `fn(since)` answers a `Q` on `Customer` for customers with a record of the
  app since that time (an order, a payment): they are not inactive and not due for anonymisation.
* `register_export_section(name, fn, order=…)`: `fn(customer)` answers `(title, rows)`, rows being lists of
  `(label, value)` pairs of the customer's own data in full and anyone else's masked (a clerk's name, another
  customer of a transfer).
* `register_erasure(name, fn)`: `fn(customer, now)` clears or anonymises the app's own rows that hold the
  customer's personal data (free-text notes, typed-in details, names, phones, ID numbers), keeping every money
  amount, count and number; it answers how many rows it changed. It runs inside the customer's anonymisation
  (on request and for inactive customers), before the customer's own fields are cleared, so it may still match
  rows by the customer's phone or document numbers.

An app that is not installed registers nothing: its holds, activity and sections simply do not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

Rows = list[list[tuple[str, Any]]]


@dataclass(frozen=True)
class ExportSection:
    fn: Callable[[Any], tuple[str, Rows]]
    order: int


_HOLDS: dict[str, Callable[[Any], list[str]]] = {}
_ACTIVITY: dict[str, Callable[[dt.datetime], Q]] = {}
_SECTIONS: dict[str, ExportSection] = {}
_ERASURES: dict[str, Callable[[Any, dt.datetime], int]] = {}


def register_hold(name: str, fn: Callable[[Any], list[str]]) -> None:
    _HOLDS[name] = fn


def register_activity(name: str, fn: Callable[[dt.datetime], Q]) -> None:
    _ACTIVITY[name] = fn


def register_export_section(name: str, fn: Callable[[Any], tuple[str, Rows]], *, order: int = 100) -> None:
    _SECTIONS[name] = ExportSection(fn=fn, order=order)


def register_erasure(name: str, fn: Callable[[Any, dt.datetime], int]) -> None:
    _ERASURES[name] = fn


def phones_of(customer: Any) -> list[str]:
    """The customer's phone as stored (digits only for a Chinese number): to find rows that name it, e.g. a
    booking or a hotel reservation made by phone. Empty when the customer has none."""
    phone = (customer.phone or "").strip()
    return [phone] if phone else []


def document_numbers_of(customer: Any) -> list[str]:
    """The customer's identity document numbers (stored normalised): to find a guest's or visitor's record."""
    return [number for number in customer.documents.values_list("number", flat=True) if number]


def erase_linked(customer: Any, now: dt.datetime) -> dict[str, int]:
    """Every registered app's rows of this customer cleared of personal data: rows changed per app."""
    return {name: _ERASURES[name](customer, now) for name in sorted(_ERASURES)}


def holds_of(customer: Any) -> list[str]:
    """Every reason that keeps this customer's personal data from being erased now."""
    reasons: list[str] = []
    for name in sorted(_HOLDS):
        reasons.extend(str(reason) for reason in _HOLDS[name](customer))
    return reasons


def active_since(since: dt.datetime) -> Q:
    """Customers with a record of any registered app since `since` (a `Q` on `Customer`)."""
    condition = Q(pk__in=[])
    for name in sorted(_ACTIVITY):
        condition |= _ACTIVITY[name](since)
    return condition


def export_sections(customer: Any) -> list[tuple[str, Rows]]:
    return [section.fn(customer) for section in sorted(_SECTIONS.values(), key=lambda s: s.order)]
