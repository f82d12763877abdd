"""Reads of the queue for the live dashboard (reports, RPT01): what waits now per category, the counters'
states, and today's tickets by how they ended. Each for many halls at once (one hall's dashboard or every hall
on the company screen), each from one aggregate query whatever the number of halls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q

from servicehall.catalog.models import QueueCategory
from servicehall.org.models import Counter, Hall

from .models import Ticket
from .states import ACTIVE_STATUSES, TicketStatus

S = TicketStatus


def halls_waiting_by_category(
    *, halls: list[Hall], now: dt.datetime, long_wait_minutes: int
) -> dict[int, list[dict[str, Any]]]:
    """Per hall (by id), per active category: how many wait, since when the longest has waited (seconds), how
    many have waited longer than the category's target and longer than `long_wait_minutes`. Two queries."""
    ids = [hall.pk for hall in halls]
    categories: dict[int, list[QueueCategory]] = {pk: [] for pk in ids}
    for category in QueueCategory.objects.filter(hall_id__in=ids, active=True).order_by("sort_order", "code"):
        categories[category.hall_id].append(category)
    long_since = now - dt.timedelta(minutes=long_wait_minutes)
    queued: dict[int, list[dt.datetime]] = {}
    for category_id, queued_at in (
        Ticket.objects.filter(hall_id__in=ids, status=S.WAITING).order_by().values_list("category_id", "queued_at")
    ):
        queued.setdefault(category_id, []).append(queued_at)
    rows: dict[int, list[dict[str, Any]]] = {}
    for hall_id, hall_categories in categories.items():
        rows[hall_id] = []
        for category in hall_categories:
            times = queued.get(category.pk, [])
            target_since = now - dt.timedelta(minutes=category.target_wait_minutes)
            rows[hall_id].append(
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


def halls_counter_states(*, halls: list[Hall]) -> dict[int, dict[str, int]]:
    """Per hall (by id): how many counters are open, paused, closed, and serving (a ticket called or served).
    Two queries."""
    ids = [hall.pk for hall in halls]
    by_status: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for hall_id, status, n in (
        Counter.objects.filter(hall_id__in=ids)
        .order_by()
        .values_list("hall_id", "status")
        .annotate(n=Count("pk"))
        .values_list("hall_id", "status", "n")
    ):
        by_status[hall_id][status] = n
    serving = dict(
        Ticket.objects.filter(hall_id__in=ids, status__in=ACTIVE_STATUSES, counter__isnull=False)
        .order_by()
        .values_list("hall_id")
        .annotate(n=Count("counter_id", distinct=True))
        .values_list("hall_id", "n")
    )
    return {
        pk: {
            "open": by_status[pk].get(Counter.Status.OPEN, 0),
            "paused": by_status[pk].get(Counter.Status.PAUSED, 0),
            "closed": by_status[pk].get(Counter.Status.CLOSED, 0),
            "serving": serving.get(pk, 0),
        }
        for pk in ids
    }


def _of_their_day(days: dict[int, dt.date]) -> Q:
    """Tickets of each hall's own business day (halls may be in different time zones): one condition per
    distinct day, `hall IN (…) AND service_date = day`, which the (hall, service_date) index answers (an OR of
    one condition per hall made PostgreSQL scan the table)."""
    halls_of: dict[dt.date, list[int]] = {}
    for hall_id, day in days.items():
        halls_of.setdefault(day, []).append(hall_id)
    condition = Q(pk__in=[])
    for day, hall_ids in sorted(halls_of.items()):
        condition |= Q(hall_id__in=hall_ids, service_date=day)
    return condition


def halls_day_tickets(*, days: dict[int, dt.date]) -> dict[int, dict[str, int]]:
    """Per hall (by id), its business day's (`days[hall id]`) tickets: issued, served (done), abandoned (left
    without service) and no-shows. One query."""
    counts = {pk: {"issued": 0, "served": 0, "abandoned": 0, "no_show": 0} for pk in days}
    for row in (
        Ticket.objects.filter(_of_their_day(days))
        .order_by()
        .values("hall_id")
        .annotate(
            issued=Count("pk"),
            served=Count("pk", filter=Q(status=S.DONE)),
            abandoned=Count("pk", filter=Q(status=S.ABANDONED)),
            no_show=Count("pk", filter=Q(status=S.NO_SHOW)),
        )
    ):
        counts[row["hall_id"]] = {name: row[name] for name in ("issued", "served", "abandoned", "no_show")}
    return counts


def halls_day_first_calls(*, days: dict[int, dt.date]) -> dict[int, list[tuple[dt.datetime, dt.datetime, int]]]:
    """Per hall (by id): (issued at, first called at, the category's target wait in minutes) of every ticket of
    its business day (`days[hall id]`) called to a counter at least once. One query."""
    calls: dict[int, list[tuple[dt.datetime, dt.datetime, int]]] = {pk: [] for pk in days}
    for hall_id, issued, first, target in (
        Ticket.objects.filter(_of_their_day(days))
        .order_by()
        .annotate(first_call=Min("intervals__started_at", filter=Q(intervals__status=S.CALLED)))
        .filter(first_call__isnull=False)
        .values_list("hall_id", "issued_at", "first_call", "category__target_wait_minutes")
    ):
        calls[hall_id].append((issued, first, target))
    return calls
