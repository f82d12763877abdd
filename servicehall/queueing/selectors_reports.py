"""Reads of the queue for the daily and monthly reports (reports, RPT02): one business day's tickets of one
hall, each with where it ended, who served it and its times. The reports app folds these into its nightly
rollups (`reports.TicketDayRollup`) and never reads the tickets for a page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, Q

from servicehall.org.models import Hall

from .models import Ticket, TicketInterval
from .states import TicketStatus

S = TicketStatus


@dataclass(frozen=True)
class TicketFact:
    """One ticket of the day as the reports count it.

    `wait_seconds`: from issue to the first call (None if never called). `service_seconds`: the finished
    stretches of service added up, for a served (done) ticket only (None otherwise)."""

    category_id: int
    counter_id: int | None
    clerk_id: int | None
    issued_at: dt.datetime
    status: str
    wait_seconds: int | None
    service_seconds: int | None


def day_ticket_facts(*, hall: Hall, day: dt.date) -> list[TicketFact]:
    """Every ticket of the hall's business day `day`, in two queries (the tickets with their first call, and
    their finished stretches of service)."""
    return range_ticket_facts(hall=hall, day_from=day, day_to=day).get(day, [])


def range_ticket_facts(*, hall: Hall, day_from: dt.date, day_to: dt.date) -> dict[dt.date, list[TicketFact]]:
    """Every ticket of the hall's business days `day_from`..`day_to` (inclusive) by day, in two queries
    whatever the number of days (the reports' bulk rebuild reads a month or a year at once)."""
    days = Ticket.objects.filter(hall=hall, service_date__gte=day_from, service_date__lte=day_to)
    tickets = list(
        days.order_by()
        # The first call; a ticket is served only after a call, so a serving stretch stands for one in rows
        # written without it (imported or generated history).
        .annotate(first_call=Min("intervals__started_at", filter=Q(intervals__status__in=(S.CALLED, S.SERVING))))
        .values_list("pk", "service_date", "category_id", "counter_id", "staff_id", "issued_at", "status", "first_call")
    )
    served: dict[object, float] = defaultdict(float)
    for ticket_id, started, ended in (
        # By the tickets' keys, not a join: SQLite's planner drives a join from the intervals' status index
        # and visits every hall's serving stretches (50 times slower on the demo).
        TicketInterval.objects.filter(
            ticket_id__in=days.order_by().values("pk"),
            status=S.SERVING,
            ended_at__isnull=False,
        )
        .order_by()
        .values_list("ticket_id", "started_at", "ended_at")
    ):
        if ended and ended > started:
            served[ticket_id] += (ended - started).total_seconds()
    facts: dict[dt.date, list[TicketFact]] = defaultdict(list)
    for pk, day, category_id, counter_id, staff_id, issued_at, status, first_call in tickets:
        wait = None if first_call is None else max(int((first_call - issued_at).total_seconds()), 0)
        service = int(served.get(pk, 0.0)) if status == S.DONE else None
        facts[day].append(TicketFact(category_id, counter_id, staff_id, issued_at, status, wait, service))
    return dict(facts)
