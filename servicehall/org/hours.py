"""A hall's working hours (its opening hours, Monday to Friday, less the days its calendar closes) for the time
limits counted in them: complaints (CARE04) and repairs (CARE05)."""

from __future__ import annotations

import datetime as dt

from servicehall.core.dates import add_working_hours, working_hours_between

from .models import Hall, HallClosedDay


def hall_closed_days(hall: Hall, *, since: dt.date, until: dt.date | None = None) -> frozenset[dt.date]:
    """The hall's holidays and blackout days from `since` (to `until`, when given)."""
    rows = HallClosedDay.objects.filter(hall=hall, date__gte=since)
    if until is not None:
        rows = rows.filter(date__lte=until)
    return frozenset(rows.values_list("date", flat=True))


def hall_is_closed_on(hall: Hall, day: dt.date) -> bool:
    return HallClosedDay.objects.filter(hall=hall, date=day).exists()


def hall_working_hours_after(hall: Hall, start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` working hours of `hall` after `start`."""
    closed = hall_closed_days(hall, since=start.astimezone(hall.tz).date())
    return add_working_hours(start, hours, tz=hall.tz, opens=hall.opens_at, closes=hall.closes_at, closed=closed)


def hall_working_hours_between(hall: Hall, start: dt.datetime, end: dt.datetime) -> float:
    """How many working hours of `hall` lie between two moments; 0 when `end` is first."""
    closed = hall_closed_days(hall, since=start.astimezone(hall.tz).date(), until=end.astimezone(hall.tz).date())
    return working_hours_between(start, end, tz=hall.tz, opens=hall.opens_at, closes=hall.closes_at, closed=closed)
