"""Demo history for the staffing planner (RPT03): four weeks of finished tickets in the demo hall, busier
mid-morning and mid-afternoon, so the planner has arrivals and handle times to plan tomorrow from. Loading it
again leaves the history as it is."""

from __future__ import annotations

import datetime as dt
import random

from servicehall.catalog.models import QueueCategory
from servicehall.org.models import Counter, Hall, Membership
from servicehall.org.roles import Role
from servicehall.queueing.models import Ticket, TicketInterval

from .services import rollup_rebuild_bulk

WEEKS = 4
# Mean arrivals per half hour over the day (08:30 … 18:00), a morning and an afternoon peak.
PROFILE = [4, 8, 12, 16, 18, 16, 12, 9, 7, 8, 11, 14, 15, 13, 10, 7, 5, 4, 3]
CATEGORY_SHARE = {"A": 0.55, "B": 0.35, "V": 0.10}


def staffing_demo_load(*, hall: Hall) -> None:
    today = hall.local_date()
    first = today - dt.timedelta(weeks=WEEKS)
    if Ticket.objects.filter(hall=hall, service_date__gte=first, service_date__lt=today).exists():
        return
    categories = [c for c in QueueCategory.objects.filter(hall=hall, active=True) if c.code in CATEGORY_SHARE]
    counters = list(Counter.objects.filter(hall=hall).order_by("number"))
    if not categories or not counters:
        return
    rng = random.Random(hall.pk)  # noqa: S311 (demo figures, not secrets)
    # Each counter's clerk served its tickets (counter 1: clerk1 …), so the reports show them by clerk.
    clerks = [
        m.user
        for m in Membership.objects.filter(hall=hall, role=Role.CLERK).select_related("user").order_by("user__username")
    ]
    clerk_of = {counter.pk: clerks[i % len(clerks)] for i, counter in enumerate(counters)} if clerks else {}
    tickets, spans = [], []
    for offset in range(WEEKS * 7, 0, -1):
        day = today - dt.timedelta(days=offset)
        opens = dt.datetime.combine(day, hall.opens_at, tzinfo=hall.tz)
        weekend = 0.6 if day.weekday() >= 5 else 1.0
        sequences = dict.fromkeys((c.pk for c in categories), 0)
        for index, mean in enumerate(PROFILE):
            for category in categories:
                count = _poisson(rng, mean * weekend * CATEGORY_SHARE[category.code])
                for _ in range(count):
                    sequences[category.pk] += 1
                    n = sequences[category.pk]
                    issued = opens + dt.timedelta(minutes=30 * index + rng.uniform(0, 30))
                    called = issued + dt.timedelta(minutes=rng.expovariate(1 / 6))
                    handle = rng.expovariate(1 / (category.typical_handle_minutes * 60))
                    ended = called + dt.timedelta(seconds=max(handle, 30))
                    ticket = Ticket(
                        hall=hall,
                        category=category,
                        service_date=day,
                        sequence=n,
                        number=f"{category.prefix}{n:03d}",
                        channel="kiosk",
                        status="done",
                        rank=int(issued.timestamp()),
                        issued_at=issued,
                        queued_at=issued,
                        counter=(counter := rng.choice(counters)),
                        staff=clerk_of.get(counter.pk),
                        outcome="completed",
                        closed_at=ended,
                    )
                    tickets.append(ticket)
                    spans.append((ticket, issued, called, ended))
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    intervals = []
    for ticket, issued, called, ended in spans:
        intervals.append(TicketInterval(ticket=ticket, status="waiting", started_at=issued, ended_at=called))
        intervals.append(
            TicketInterval(
                ticket=ticket,
                status="serving",
                counter=ticket.counter,
                actor=ticket.staff,
                started_at=called,
                ended_at=ended,
            )
        )
    TicketInterval.objects.bulk_create(intervals, batch_size=1000)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here are small."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def reports_demo_load(*, hall: Hall) -> None:
    """Roll up the demo history and today (RPT02), so the reports page has figures at once."""

    today = hall.local_date()
    # The bulk rebuild writes the rows `rollup_day` writes, in a few queries instead of a few per day.
    rollup_rebuild_bulk(day_from=today - dt.timedelta(weeks=WEEKS), day_to=today, halls=[hall])
