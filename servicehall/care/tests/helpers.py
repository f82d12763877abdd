"""Serving a ticket at counter 1 of the test hall, for the care tests."""

from __future__ import annotations

from servicehall.queueing import services as queue
from servicehall.queueing.models import Ticket


def served(world, *, finish: bool = True) -> Ticket:
    """A ticket of category A called, started (and finished) at counter 1 by `world.clerk`."""
    queue.ticket_issue(hall=world.hall, category=world.a)
    ticket = queue.ticket_call_next(counter=world.counter1, staff=world.clerk)
    assert ticket is not None
    queue.ticket_start(ticket=ticket, staff=world.clerk)
    if finish:
        queue.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    ticket.refresh_from_db()
    return ticket
