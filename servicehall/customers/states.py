"""The status tables of a customer's things: services, pool numbers, gas card writes.

Their statuses are the models' own `Status` choices, so this module imports
the models (unlike the apps whose `models.py` imports their `states.py`).
Moves go through `core.states.transition`; a service and a card write append a
history row on every move, a pool number has only its audit rows.
"""

from __future__ import annotations

from servicehall.core.states import StateTable

from .models import CardWrite, NumberPoolEntry, Service

# The only moves `service_set_status` makes; a cancelled service stays cancelled
# (its number may go to someone else: a new service is opened instead).
SERVICE_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    Service.Status.PENDING: frozenset({Service.Status.ACTIVE, Service.Status.CANCELLED}),
    Service.Status.ACTIVE: frozenset({Service.Status.SUSPENDED, Service.Status.CANCELLED}),
    Service.Status.SUSPENDED: frozenset({Service.Status.ACTIVE, Service.Status.CANCELLED}),
    Service.Status.CANCELLED: frozenset(),
}
SERVICE_TABLE = StateTable(moves=SERVICE_ALLOWED_MOVES, history="customers.ServiceStatusChange", history_fk="service")

# reserved → free when the clerk lets the number go (or the order is withdrawn);
# taken → free when an opening is reverted (退受理).
NUMBER_POOL_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    NumberPoolEntry.Status.FREE: frozenset({NumberPoolEntry.Status.RESERVED}),
    NumberPoolEntry.Status.RESERVED: frozenset({NumberPoolEntry.Status.FREE, NumberPoolEntry.Status.TAKEN}),
    NumberPoolEntry.Status.TAKEN: frozenset({NumberPoolEntry.Status.FREE}),
}
NUMBER_POOL_TABLE = StateTable(moves=NUMBER_POOL_ALLOWED_MOVES)

# A failed write goes back to pending when it is retried; a written card stays written.
CARD_WRITE_ALLOWED_MOVES: dict[str, frozenset[str]] = {
    CardWrite.Status.PENDING: frozenset({CardWrite.Status.CONFIRMED, CardWrite.Status.FAILED}),
    CardWrite.Status.FAILED: frozenset({CardWrite.Status.PENDING}),
    CardWrite.Status.CONFIRMED: frozenset(),
}
CARD_WRITE_TABLE = StateTable(
    moves=CARD_WRITE_ALLOWED_MOVES, history="customers.CardWriteChange", history_fk="card_write"
)

# The msgids the program stores as notes in a card write's history (`services.gas_cards`; the order's revert
# note is orders'), shown in the reader's language through `core.stored_notes` (`CustomersConfig.ready()`).
SYSTEM_NOTES = ("Retried",)
