"""Tickets' phone numbers kept only as long as needed (PRIV02), registered in `QueueingConfig.ready()`.

A phone number typed for a ticket (to be texted when called) is cleared `RETENTION_TICKET_PHONES_DAYS` after
the ticket was issued, once the ticket is over; the ticket stays, so every count and wait of the reports is
unchanged.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from .models import Ticket
from .states import TicketStatus

S = TicketStatus
OVER = (S.NO_SHOW, S.DONE, S.ABANDONED, S.CLOSED)


def phones_due(cutoff: dt.datetime) -> QuerySet[Ticket]:
    return Ticket.objects.exclude(phone="").filter(issued_at__lt=cutoff, status__in=OVER)


def phones_clear(rows: QuerySet[Ticket], now: dt.datetime) -> int:
    return rows.update(phone="")
