"""Reads of customer care for the daily and monthly reports (reports, RPT02): one hall's local day."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from servicehall.org.models import Hall

from .models import Complaint, Rating
from .states import RatingStatus


def _bounds(hall: Hall, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return since, since + dt.timedelta(days=1)


def day_ratings_by_score(*, hall: Hall, day: dt.date) -> list[tuple[str, int]]:
    """(score, count) of the ratings given on the hall's local day."""
    since, until = _bounds(hall, day)
    return list(
        Rating.objects.filter(hall=hall, status=RatingStatus.RATED, rated_at__gte=since, rated_at__lt=until)
        .order_by()
        .values_list("score")
        .annotate(n=Count("pk"))
        .values_list("score", "n")
    )


def day_complaints_by_category(*, hall: Hall, day: dt.date) -> list[tuple[int, int]]:
    """(complaint category id, count) of the complaints recorded on the hall's local day."""
    since, until = _bounds(hall, day)
    return list(
        Complaint.objects.filter(hall=hall, recorded_at__gte=since, recorded_at__lt=until)
        .order_by()
        .values_list("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )


def _range_bounds(hall: Hall, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = dt.datetime.combine(first, dt.time.min, tzinfo=hall.tz)
    return since, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)


def days_with_care(*, hall: Hall, first: dt.date, last: dt.date) -> set[dt.date]:
    """The hall's local days of `first`..`last` with a rating given or a complaint recorded, in two queries."""
    since, until = _range_bounds(hall, first, last)
    ratings = Rating.objects.filter(
        hall=hall, status=RatingStatus.RATED, rated_at__gte=since, rated_at__lt=until
    ).order_by()
    complaints = Complaint.objects.filter(hall=hall, recorded_at__gte=since, recorded_at__lt=until).order_by()
    return {at.date() for at in ratings.datetimes("rated_at", "day", tzinfo=hall.tz)} | {
        at.date() for at in complaints.datetimes("recorded_at", "day", tzinfo=hall.tz)
    }
