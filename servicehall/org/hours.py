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


# The steps of a time limit counted in working hours (complaints, repairs): a warning shortly before it, the duty
# manager at it, the service manager some working hours later; and, when a later limit of the same record
# passes while it is already escalated for an earlier one, a "time up" step that says so once.
WARNING, ESCALATION, TIME_UP = "warning", "escalation", "time_up"
# Who is chasing the record: the values of care's `ComplaintLevel` and orders' `RepairLevel`.
LEVEL_DUTY_MANAGER, LEVEL_SERVICE_MANAGER = 1, 2


def hall_time_limit_step(
    hall: Hall,
    *,
    due: dt.datetime,
    now: dt.datetime,
    level: int,
    escalated_at: dt.datetime | None,
    warned_for: dt.datetime | None,
    warn_hours: float,
    second_escalation_hours: float,
) -> tuple[str, int] | None:
    """The step the clock calls for now: (WARNING, level), (ESCALATION, new level) or (TIME_UP, level); None when
    there is nothing to write. The caller records it (`warned_for = due`; `level`, `escalated_at = now`)."""
    if now >= due:
        if level < LEVEL_DUTY_MANAGER:
            return (ESCALATION, LEVEL_DUTY_MANAGER)
        if escalated_at is None or escalated_at < due:
            return (TIME_UP, level)
        second = hall_working_hours_after(hall, due, second_escalation_hours)
        if level < LEVEL_SERVICE_MANAGER and now >= second:
            return (ESCALATION, LEVEL_SERVICE_MANAGER)
        return None
    if warned_for != due and hall_working_hours_between(hall, now, due) <= warn_hours:
        return (WARNING, level)
    return None
