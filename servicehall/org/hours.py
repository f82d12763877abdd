"""A hall's working hours (its opening hours, Monday to Friday) for the time limits counted in them: complaints
(CARE04) and repairs (CARE05)."""

from __future__ import annotations

import datetime as dt

from servicehall.core.dates import add_working_hours, working_hours_between

from .models import Hall


def hall_working_hours_after(hall: Hall, start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` working hours of `hall` after `start`."""
    return add_working_hours(start, hours, tz=hall.tz, opens=hall.opens_at, closes=hall.closes_at)


def hall_working_hours_between(hall: Hall, start: dt.datetime, end: dt.datetime) -> float:
    """How many working hours of `hall` lie between two moments; 0 when `end` is first."""
    return working_hours_between(start, end, tz=hall.tz, opens=hall.opens_at, closes=hall.closes_at)
