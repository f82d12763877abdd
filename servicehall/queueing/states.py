"""The life of a ticket as a table (Q01–Q04).

The status of a ticket changes only through the `services` package, along the moves in
`ALLOWED_MOVES` (with `core.states.transition`); every change closes the
ticket's open interval and opens the next (`TicketInterval`, not a from/to
history row, so the table declares no history model).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.states import StateTable


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    HELD = "held", _("On hold")
    NO_SHOW = "no_show", _("Missed (no-show)")
    DONE = "done", _("Done")
    ABANDONED = "abandoned", _("Left without service")
    CLOSED = "closed", _("Closed at day end")


S = TicketStatus
# The ticket life as a table: from -> the statuses it may move to.
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.WAITING: frozenset({S.CALLED, S.ABANDONED, S.CLOSED}),
    S.CALLED: frozenset({S.CALLED, S.SERVING, S.NO_SHOW, S.HELD, S.WAITING, S.CLOSED}),
    S.SERVING: frozenset({S.DONE, S.HELD, S.WAITING, S.CLOSED}),
    S.HELD: frozenset({S.SERVING, S.WAITING, S.ABANDONED, S.CLOSED}),
    S.NO_SHOW: frozenset({S.WAITING, S.ABANDONED, S.CLOSED}),
    S.DONE: frozenset(),
    S.ABANDONED: frozenset(),
    S.CLOSED: frozenset(),
}
TICKET_TABLE = StateTable(moves=ALLOWED_MOVES)
ACTIVE_STATUSES = (S.CALLED, S.SERVING)
OPEN_STATUSES = (S.WAITING, S.CALLED, S.SERVING, S.HELD, S.NO_SHOW)
