"""Reads for the staffing planner (RPT03), one hall at a time: the demand of a weekday from the queue's
history (through queueing's selectors), the roster's open counters (through duty's), and the hall's counters
with the categories they call in order (through org's)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.utils import timezone

from servicehall.catalog.selectors import categories_for_hall
from servicehall.duty.selectors import roster_between
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import counters_for_hall, user_capabilities
from servicehall.queueing.selectors_staffing import head_starts, serving_seconds, ticket_arrivals

from .planning import INTERVAL_MINUTES, Demand, Window, at_minutes, interval_starts, minutes

# The duty manager and the hall administrator (manage the queue) and the service manager (customer care).
PLANNER_CAPABILITIES = frozenset({Capability.MANAGE_QUEUE, Capability.HANDLE_CARE})
# Kinds of ticket the simulator moves ahead by their priority rule's head start.
HEAD_START_KINDS = ("appointment", "vip", "green")
# An empirical handle-time distribution needs this many samples; fewer: exponential around the mean.
MIN_SAMPLES = 20
MINUTES_A_DAY = 24 * 60


def may_plan(*, user: Any, hall: Hall) -> bool:
    return bool(PLANNER_CAPABILITIES & set(user_capabilities(user=user, hall=hall)))


def history_days(*, hall: Hall, day: dt.date, weeks: int) -> list[dt.date]:
    """The same weekday in the `weeks` weeks before `day`, never today or later (those are not over)."""
    today = timezone.localdate(timezone=hall.tz)
    days = [day - dt.timedelta(weeks=k) for k in range(1, weeks + 53)]
    return [d for d in days if d < today][:weeks]


def history_demand(
    *, hall: Hall, day: dt.date, weeks: int, interval_minutes: int = INTERVAL_MINUTES
) -> tuple[list[dt.time], list[Demand], dict[str, Any]]:
    """Mean arrivals per category and interval on the same weekday over the past `weeks` weeks, the hall's
    opening hours as the intervals; handle times from the same days' finished services (else the category's
    typical handle time)."""
    days = history_days(hall=hall, day=day, weeks=weeks)
    starts = interval_starts(opens=hall.opens_at, closes=hall.closes_at, interval_minutes=interval_minutes)
    categories = list(categories_for_hall(hall=hall))
    counts: dict[int, list[float]] = {c.pk: [0.0] * len(starts) for c in categories}
    kinds: dict[int, int] = defaultdict(int)
    totals: dict[int, int] = defaultdict(int)
    handles: dict[int, list[float]] = defaultdict(list)
    rules = head_starts(hall=hall)
    tickets = 0
    served_days = 0  # a day without any ticket (before the hall's history, or closed) says nothing of demand
    first = minutes(hall.opens_at)
    for each in days:
        since = dt.datetime.combine(each, dt.time.min, tzinfo=hall.tz)
        until = since + dt.timedelta(days=1)
        arrivals = list(ticket_arrivals(hall=hall, since=since, until=until))
        served_days += bool(arrivals)
        for category_id, kind, issued_at in arrivals:
            local = timezone.localtime(issued_at, hall.tz)
            index = (local.hour * 60 + local.minute - first) // interval_minutes
            if category_id not in counts or not 0 <= index < len(starts):
                continue
            counts[category_id][index] += 1
            totals[category_id] += 1
            tickets += 1
            if kind in HEAD_START_KINDS and rules.get(kind):
                kinds[category_id] += 1
        for category_id, seconds in serving_seconds(hall=hall, since=since, until=until):
            handles[category_id].append(seconds)
    weeks_seen = max(served_days, 1)
    head_start = max((rules.get(k, 0) for k in HEAD_START_KINDS), default=0) * 60
    demand = []
    for category in categories:
        samples = handles.get(category.pk, [])
        mean = sum(samples) / len(samples) if samples else category.typical_handle_minutes * 60.0
        if totals[category.pk] == 0:
            continue
        demand.append(
            Demand(
                code=category.code,
                name=category.display_name,
                arrivals=[c / weeks_seen for c in counts[category.pk]],
                handle_seconds=max(mean, 1.0),
                handle_samples=tuple(samples) if len(samples) >= MIN_SAMPLES else (),
                head_start_share=kinds[category.pk] / totals[category.pk],
                head_start_seconds=float(head_start),
            )
        )
    summary = {"days": days, "tickets": tickets, "services": sum(len(v) for v in handles.values())}
    return starts, demand, summary


def roster_windows(*, hall: Hall, day: dt.date) -> list[Window]:
    """The roster's counters on `day`: each entry's shift, less its break (the person's own or the shift's).

    A night shift counts on `day` from its start to midnight, and on the next day from midnight to its end.
    """
    windows = []
    for entry in roster_between(hall=hall, start=day - dt.timedelta(days=1), end=day):
        shift = entry.shift
        # Minutes from midnight of `day` (negative: the day before), the break cut out.
        begins = minutes(shift.starts_at) - (MINUTES_A_DAY if entry.day < day else 0)
        pieces = [(begins, begins + shift.length_minutes)]
        start = entry.break_start or shift.break_start
        if start is not None and shift.break_minutes and shift.covers(start):
            away = begins + shift.offset_minutes(start)
            pieces = [(begins, away), (away + shift.break_minutes, begins + shift.length_minutes)]
        for opens, closes in pieces:
            opens, closes = max(opens, 0), min(closes, MINUTES_A_DAY)
            if opens < closes:
                # Midnight at the day's end becomes its last minute (at_minutes), so it stays after the opening.
                windows.append(Window(entry.counter.number, at_minutes(opens), at_minutes(closes)))
    return windows


def counter_priorities(*, hall: Hall) -> dict[int, dict[str, int]]:
    """Counter number → {category code: priority} as the counter calls them."""
    return {
        counter.number: {served.category.code: served.priority for served in counter.served.all()}
        for counter in counters_for_hall(hall=hall)
    }


def counter_numbers(*, hall: Hall) -> list[int]:
    return [counter.number for counter in counters_for_hall(hall=hall)]
