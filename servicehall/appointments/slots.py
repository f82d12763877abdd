"""The slots of an appointment type (APT01): the hall's opening hours (Monday to Friday, like `org.hours`) cut
into slots of the type's length, less the hall's closed days; each with its capacity and the places taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from servicehall.org.hours import hall_closed_days
from servicehall.org.models import Counter

from .models import AppointmentType, Booking
from .states import HOLDING_STATUSES


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int
    # False when it is too soon (minimum notice) or already past.
    open: bool

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def bookable(self) -> bool:
        return self.open and self.free > 0


def type_capacity(appointment_type: AppointmentType) -> int:
    """Places per slot: the manager's number, else one per counter that serves the category (at least one)."""
    if appointment_type.capacity_override:
        return appointment_type.capacity_override
    counters = Counter.objects.filter(
        hall_id=appointment_type.hall_id, served__category_id=appointment_type.category_id
    ).count()
    return max(counters, 1)


def last_bookable_day(appointment_type: AppointmentType, *, now: dt.datetime | None = None) -> dt.date:
    today = (now or timezone.now()).astimezone(appointment_type.hall.tz).date()
    return today + dt.timedelta(days=appointment_type.horizon_days)


def slot_starts(appointment_type: AppointmentType, day: dt.date) -> list[dt.datetime]:
    """The start of every slot of `day` within opening hours, whether or not the hall is open that day."""
    hall = appointment_type.hall
    step = dt.timedelta(minutes=appointment_type.slot_minutes)
    start = dt.datetime.combine(day, hall.opens_at, tzinfo=hall.tz)
    closes = dt.datetime.combine(day, hall.closes_at, tzinfo=hall.tz)
    starts = []
    while start + step <= closes:
        starts.append(start)
        start += step
    return starts


def is_open_day(appointment_type: AppointmentType, day: dt.date, closed: frozenset[dt.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if closed is None:
        closed = hall_closed_days(appointment_type.hall, since=day, until=day)
    return day not in closed


def bookable_days(appointment_type: AppointmentType, *, now: dt.datetime | None = None) -> list[dt.date]:
    """The days from today to the end of the horizon on which the hall is open."""
    now = now or timezone.now()
    today = now.astimezone(appointment_type.hall.tz).date()
    last = last_bookable_day(appointment_type, now=now)
    closed = hall_closed_days(appointment_type.hall, since=today, until=last)
    days = []
    day = today
    while day <= last:
        if is_open_day(appointment_type, day, closed):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def day_slots(appointment_type: AppointmentType, day: dt.date, *, now: dt.datetime | None = None) -> list[Slot]:
    """The slots of `day` with the places taken; none on a weekend, a closed day or beyond the horizon."""
    now = now or timezone.now()
    if not is_open_day(appointment_type, day) or day > last_bookable_day(appointment_type, now=now):
        return []
    starts = slot_starts(appointment_type, day)
    if not starts:
        return []
    taken = dict(
        Booking.objects.filter(
            type=appointment_type,
            status__in=HOLDING_STATUSES,
            starts_at__gte=starts[0],
            starts_at__lte=starts[-1],
        )
        .values_list("starts_at")
        .annotate(n=Count("id"))
        .values_list("starts_at", "n")
    )
    capacity = type_capacity(appointment_type)
    earliest = now + dt.timedelta(minutes=appointment_type.lead_minutes)
    step = dt.timedelta(minutes=appointment_type.slot_minutes)
    return [
        Slot(
            starts_at=start,
            ends_at=start + step,
            capacity=capacity,
            taken=taken.get(start, 0),
            open=start >= earliest,
        )
        for start in starts
    ]
