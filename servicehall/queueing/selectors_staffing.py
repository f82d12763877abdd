"""Reads of the queue's history for the staffing planner (reports, RPT03): when tickets arrived, how long
their service took, and the head start each kind of ticket gets. Always one hall, one period."""

from __future__ import annotations

import datetime as dt

from servicehall.org.models import Hall

from .models import PriorityRule, Ticket, TicketInterval
from .states import TicketStatus


def ticket_arrivals(*, hall: Hall, since: dt.datetime, until: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    """(category id, kind, issued at) of every ticket issued in [since, until)."""
    return list(
        Ticket.objects.filter(hall=hall, issued_at__gte=since, issued_at__lt=until)
        .order_by()
        .values_list("category_id", "kind", "issued_at")
    )


def serving_seconds(*, hall: Hall, since: dt.datetime, until: dt.datetime) -> list[tuple[int, float]]:
    """(category id, seconds) of every finished stretch of service that started in [since, until)."""
    rows = (
        TicketInterval.objects.filter(
            ticket__hall=hall,
            status=TicketStatus.SERVING,
            ended_at__isnull=False,
            started_at__gte=since,
            started_at__lt=until,
        )
        .order_by()
        .values_list("ticket__category_id", "started_at", "ended_at")
    )
    return [(category, (end - start).total_seconds()) for category, start, end in rows if end and end > start]


def head_starts(*, hall: Hall) -> dict[str, int]:
    """Ticket kind → head start in minutes (Q02's priority rules)."""
    return dict(PriorityRule.objects.filter(hall=hall).values_list("kind", "head_start_minutes"))
