"""Reads of the queue for the live dashboard (reports, RPT01): what waits now per category, the counters'
states, and today's tickets by how they ended. Always one hall, each from one aggregate query."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q

from servicehall.catalog.models import QueueCategory
from servicehall.org.models import Counter, Hall

from .models import Ticket
from .states import ACTIVE_STATUSES, TicketStatus

S = TicketStatus


def waiting_by_category(*, hall: Hall, now: dt.datetime, long_wait_minutes: int) -> list[dict[str, Any]]:
    """Per active category of the hall: how many wait, since when the longest has waited (seconds), how many
    have waited longer than the category's target and longer than `long_wait_minutes`."""
    categories = list(QueueCategory.objects.filter(hall=hall, active=True).order_by("sort_order", "code"))
    long_since = now - dt.timedelta(minutes=long_wait_minutes)
    queued: dict[int, list[dt.datetime]] = {}
    for category_id, queued_at in (
        Ticket.objects.filter(hall=hall, status=S.WAITING).order_by().values_list("category_id", "queued_at")
    ):
        queued.setdefault(category_id, []).append(queued_at)
    rows = []
    for category in categories:
        times = queued.get(category.pk, [])
        target_since = now - dt.timedelta(minutes=category.target_wait_minutes)
        rows.append(
            {
                "code": category.code,
                "name": category.display_name,
                "target_wait_minutes": category.target_wait_minutes,
                "waiting": len(times),
                "longest_wait_seconds": max(int((now - min(times)).total_seconds()), 0) if times else 0,
                "over_target": sum(1 for t in times if t < target_since),
                "over_long": sum(1 for t in times if t < long_since),
            }
        )
    return rows


def counter_states(*, hall: Hall) -> dict[str, int]:
    """How many of the hall's counters are open, paused, closed, and serving (a ticket called or served)."""
    by_status = dict(
        Counter.objects.filter(hall=hall)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    serving = (
        Ticket.objects.filter(hall=hall, status__in=ACTIVE_STATUSES, counter__isnull=False)
        .order_by()
        .values("counter_id")
        .distinct()
        .count()
    )
    return {
        "open": by_status.get(Counter.Status.OPEN, 0),
        "paused": by_status.get(Counter.Status.PAUSED, 0),
        "closed": by_status.get(Counter.Status.CLOSED, 0),
        "serving": serving,
    }


def day_tickets(*, hall: Hall, day: dt.date) -> dict[str, int]:
    """The business day's tickets: issued, served (done), abandoned (left without service) and no-shows."""
    return Ticket.objects.filter(hall=hall, service_date=day).aggregate(
        issued=Count("pk"),
        served=Count("pk", filter=Q(status=S.DONE)),
        abandoned=Count("pk", filter=Q(status=S.ABANDONED)),
        no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
    )


def day_first_calls(*, hall: Hall, day: dt.date) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """(issued at, first called at, the category's target wait in minutes) of every ticket of the business day
    that has been called to a counter at least once."""
    return list(
        Ticket.objects.filter(hall=hall, service_date=day)
        .order_by()
        .annotate(first_call=Min("intervals__started_at", filter=Q(intervals__status=S.CALLED)))
        .filter(first_call__isnull=False)
        .values_list("issued_at", "first_call", "category__target_wait_minutes")
    )
