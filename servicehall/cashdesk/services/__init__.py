"""Every write of drawers, suspect notes, handovers and settlements (CASH01-CASH04).

Billing calls `drawer_record_cash` inside a cash payment's or refund's own transaction:
when it refuses, the payment rolls back with it and nothing is written.

Locks are taken in one order: counter, then drawer session, then handover, then settlement.
Statuses move along the tables of `cashdesk.states` with `core.states.transition`.

This package re-exports every public name of its modules, so `from servicehall.cashdesk import services`
and `services.drawer_open(...)` work whatever module holds the function. The modules, each importing only
the ones listed above it (never the other way round):

* `_common`: counts by denomination (`parse_counts`, `counts_total`), free text and amounts as typed, the
  role check, the closed-day check (`day_open_require`), count lines written.
* `drawers`: drawer sessions (CASH01): open, cash in and out (`drawer_record_cash`), close; the drawer's lock.
* `suspect_notes`: suspect banknotes (CASH02).
* `handovers`: handovers with two signatures (CASH03); signing closes the drawer (and opens the incoming
  clerk's), so it uses the drawer's lock and opening from `drawers`.
* `settlement`: the daily settlement (CASH04): deposit slip, closing the day, corrections.
"""

from ._common import MAX_QUANTITY, NOTE_MAX, counts_total, day_open_require, parse_counts
from .drawers import drawer_close, drawer_open, drawer_record_cash
from .handovers import handover_amend, handover_sign, handover_start, handover_withdraw
from .settlement import (
    ESCORT_MAX,
    NAME_MAX,
    SLIP_RE,
    settlement_close,
    settlement_correct,
    settlement_record_deposit,
)
from .suspect_notes import SERIAL_RE, SUSPECT_NOTE_MAX, serial_parse, suspect_note_record

__all__ = [
    "ESCORT_MAX",
    "MAX_QUANTITY",
    "NAME_MAX",
    "NOTE_MAX",
    "SERIAL_RE",
    "SLIP_RE",
    "SUSPECT_NOTE_MAX",
    "counts_total",
    "day_open_require",
    "drawer_close",
    "drawer_open",
    "drawer_record_cash",
    "handover_amend",
    "handover_sign",
    "handover_start",
    "handover_withdraw",
    "parse_counts",
    "serial_parse",
    "settlement_close",
    "settlement_correct",
    "settlement_record_deposit",
    "suspect_note_record",
]
