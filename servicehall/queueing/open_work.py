"""Work still open on a ticket, as the apps above the queue report it (issue 11: imports go down only).

A ticket must not finish while the counter has work of it open (a work order not yet done, Q04), and the
workbench lists that work beside the ticket. The queue does not know what the work is: the orders app
registers a source in its `AppConfig.ready()` that names a ticket's open work orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Ticket


@dataclass(frozen=True)
class OpenWork:
    """One piece of open work, in the words the workbench shows: its number, what it is, where it stands,
    and the page that holds it."""

    number: str
    what: str
    status: str
    url: str


_SOURCES: dict[str, Callable[[Ticket], list[OpenWork]]] = {}


def register_open_work(name: str, source: Callable[[Ticket], list[OpenWork]]) -> None:
    """Add (or replace, on a second `ready()`) the source `name`: a function from a ticket to its open work."""
    _SOURCES[name] = source


def ticket_open_work(ticket: Ticket) -> list[OpenWork]:
    return [work for source in _SOURCES.values() for work in source(ticket)]
