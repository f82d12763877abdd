"""Reads of bookings for the daily and monthly reports (reports, RPT02): one hall's local day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from servicehall.org.models import Hall

from .models import Booking


def day_bookings_by_status(*, hall: Hall, day: dt.date) -> list[tuple[str, int]]:
    """(status now, count) of the bookings whose slot starts on the hall's local day (no-shows among them)."""
    since = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    until = since + dt.timedelta(days=1)
    return list(
        Booking.objects.filter(hall=hall, starts_at__gte=since, starts_at__lt=until)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def days_with_bookings(*, hall: Hall, first: dt.date, last: dt.date) -> set[dt.date]:
    """The hall's local days of `first`..`last` on which a booked slot starts, in one query."""
    since = dt.datetime.combine(first, dt.time.min, tzinfo=hall.tz)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)
    bookings = Booking.objects.filter(hall=hall, starts_at__gte=since, starts_at__lt=until).order_by()
    return {at.date() for at in bookings.datetimes("starts_at", "day", tzinfo=hall.tz)}
