"""Every write of the queue: issue, call, recall, skip, hold, transfer, finish.

Concurrency: call-next locks the counter row, then picks the best waiting
ticket with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite the
IMMEDIATE transaction already serialises writers), and moves it with a
compare-and-set update whose row count is checked. The unique constraint
`one_active_ticket_per_counter` backs the rule in the database.

This package re-exports every public name of its modules, so `from servicehall.queueing import services` and
`from servicehall.queueing.services import ticket_issue` work whatever module holds the function. A test that
patches a name patches it in the module that holds it (e.g. `services.calling._just_called_by`).

The modules, each importing only `_common` (none imports another):

* `_common`: a ticket's move along the table with its interval (`_move`) and the refusal of a move, head starts,
  the row locks of a ticket and a counter, who may act at a counter (`counter_check_operator`), the checks
  that a counter is free, the pushes to the hall's screens (queue changed, a call announced).
* `issuing`: taking a number (Q01): the category's hours and daily cap, the daily sequence, the phone.
* `calling`: the counter's work on a ticket (Q03): call next (a double press calls once, `AlreadyCalling`),
  recall, start, script step, finish, no-show; `callable_tickets` is also read by the selectors.
* `holding`: a ticket leaving its counter unfinished: hold, resume, transfer, a missed customer's return,
  abandon, and the close of past business days.
* `counters`: open, pause or close a counter, the clerk leaving it (Q04).
* `screens`: pairing a board or kiosk as a device (the screen cookie) and unpairing all of them; the public
  screens' heartbeats (SITE03).
"""

from ._common import S, counter_check_operator, head_start_of, head_start_seconds, lock_ticket_for_user
from .calling import (
    DOUBLE_PRESS_SECONDS,
    AlreadyCalling,
    callable_tickets,
    ticket_call_next,
    ticket_call_next_at,
    ticket_finish,
    ticket_finish_and_call_next,
    ticket_no_show,
    ticket_recall,
    ticket_set_script_step,
    ticket_start,
)
from .counters import counter_release, counter_set_status
from .holding import ticket_abandon, ticket_hold, ticket_resume, ticket_return_late, ticket_transfer, tickets_close_day
from .issuing import MOBILE_RE, ticket_issue
from .screens import (
    SCREEN_COOKIE,
    SCREEN_MAX_AGE_DAYS,
    SCREEN_SALT,
    screen_heartbeat,
    screen_pair,
    screens_unpair_all,
)

__all__ = [
    "DOUBLE_PRESS_SECONDS",
    "MOBILE_RE",
    "SCREEN_COOKIE",
    "SCREEN_MAX_AGE_DAYS",
    "SCREEN_SALT",
    "AlreadyCalling",
    "S",
    "callable_tickets",
    "counter_check_operator",
    "counter_release",
    "counter_set_status",
    "head_start_of",
    "head_start_seconds",
    "lock_ticket_for_user",
    "screen_heartbeat",
    "screen_pair",
    "screens_unpair_all",
    "ticket_abandon",
    "ticket_call_next",
    "ticket_call_next_at",
    "ticket_finish",
    "ticket_finish_and_call_next",
    "ticket_hold",
    "ticket_issue",
    "ticket_no_show",
    "ticket_recall",
    "ticket_resume",
    "ticket_return_late",
    "ticket_set_script_step",
    "ticket_start",
    "ticket_transfer",
    "tickets_close_day",
]
