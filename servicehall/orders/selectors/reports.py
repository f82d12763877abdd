"""Reads of work orders for the daily and monthly reports (reports, RPT02): one hall's local day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from servicehall.org.models import Hall

from ..models import OrderMove, WorkOrder
from ..states import OrderStatus


def _bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return since, since + dt.timedelta(days=1)


def day_orders_by_type_and_status(*, hall: Hall, day: dt.date) -> list[tuple[int, str, int]]:
    """(business type id, status now, count) of the orders opened on the hall's local day."""
    since, until = _bounds(hall, day)
    return list(
        WorkOrder.objects.filter(hall=hall, created_at__gte=since, created_at__lt=until)
        .order_by()
        .values_list("business_type_id", "status")
        .annotate(n=Count("pk"))
        .values_list("business_type_id", "status", "n")
    )


def day_reverted_by_type(*, hall: Hall, day: dt.date) -> list[tuple[int, int]]:
    """(business type id, count) of the orders reverted (退受理) on the hall's local day."""
    since, until = _bounds(hall, day)
    return list(
        OrderMove.objects.filter(Q(to_status=OrderStatus.REVERTED), order__hall=hall, at__gte=since, at__lt=until)
        .order_by()
        .values_list("order__business_type_id")
        .annotate(n=Count("pk"))
        .values_list("order__business_type_id", "n")
    )


def _range_bounds(hall: Hall, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(first, dt.time.min, tzinfo=hall.tz)
    return since, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)


def days_with_orders(*, hall: Hall, first: dt.date, last: dt.date) -> set[dt.date]:
    """The hall's local days of `first`..`last` on which an order was opened or reverted (the reports' bulk
    rebuild reads the day's figures only for those), in two queries."""
    since, until = _range_bounds(hall, first, last)
    opened = WorkOrder.objects.filter(hall=hall, created_at__gte=since, created_at__lt=until).order_by()
    reverted = OrderMove.objects.filter(
        Q(to_status=OrderStatus.REVERTED), order__hall=hall, at__gte=since, at__lt=until
    ).order_by()
    return {at.date() for at in opened.datetimes("created_at", "day", tzinfo=hall.tz)} | {
        at.date() for at in reverted.datetimes("at", "day", tzinfo=hall.tz)
    }
