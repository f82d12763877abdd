"""Appointment statistics for the hall's managers (APT03): bookings, changes, cancellations, no-shows, came late,
checked in on time, the wait after check-in (p50/p90) and calls before the slot time — in total, by business
and by day.

How each figure is counted, for the bookings whose slot starts in the period (the hall's local days
`date_from` … `date_to`, both included):

* bookings: every booking made for the period, whatever became of it;
* changes: the sum of the bookings' `change_count` (cancelled bookings included);
* cancellations, no-shows, came late, checked in on time: the bookings in that status;
* due: the bookings whose outcome is known or whose slot has ended — checked in, came late, did not come, and
  those still "booked" after their slot's end; the cancelled ones and those still ahead are not due;
  "checked in, share of those due" = checked in on time ÷ due, in % with one decimal (half up);
* waited after check-in: for the bookings checked in on time whose ticket has been called, the first call
  (the earliest `called` interval of the ticket) less `checked_in_at`. Those who came late got a walk-in ticket
  and are not counted: their wait is the walk-in queue's. p50 and p90 by the nearest-rank method: the smallest
  wait such that at least 50 % (90 %) of the waits are no longer — always a wait that happened; shown in
  minutes with one decimal (half up); None when nobody was called;
* called before the slot time: the bookings checked in on time whose ticket's first call was before the
  booking's start.

Two queries whatever the number of bookings: the bookings with their ticket's first call, and the hall's
appointment types.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import Unprocessable
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_capabilities
from servicehall.queueing.states import TicketStatus

from .models import AppointmentType, Booking
from .states import BookingStatus

# Who may read the statistics: the duty manager and hall administrator (manage the queue) and the service
# manager (handles customer care); a clerk or lobby guide may not.
STATISTICS_CAPABILITIES = frozenset({Capability.MANAGE_QUEUE, Capability.HANDLE_CARE})
# As the service commitments' page (CARE07): `date_to` at most 366 days after `date_from`.
MAX_PERIOD_DAYS = 366
ONE_DECIMAL = Decimal("0.1")


def may_see_statistics(*, user: Any, hall: Hall) -> bool:
    return bool(STATISTICS_CAPABILITIES & set(user_capabilities(user=user, hall=hall)))


def period_check(*, date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise Unprocessable(_("The period ends before it starts."), code="bad_period")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise Unprocessable(_("Choose a period of at most a year."), code="bad_period")


def nearest_rank(values: list[int], percent: int) -> int | None:
    """The nearest-rank percentile: the smallest value with at least `percent` % of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


def _minutes(seconds: int | None) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(seconds) / 60).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    bookings: int = 0
    changes: int = 0
    cancelled: int = 0
    no_shows: int = 0
    late: int = 0
    checked_in: int = 0
    due: int = 0
    called_before_slot: int = 0
    # Seconds from check-in to the first call, one for each booking checked in on time and called.
    waits: list[int] = field(default_factory=list)

    @property
    def checked_in_percent(self) -> Decimal | None:
        if not self.due:
            return None
        return (Decimal(100 * self.checked_in) / self.due).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)

    @property
    def wait_p50_minutes(self) -> Decimal | None:
        return _minutes(nearest_rank(self.waits, 50))

    @property
    def wait_p90_minutes(self) -> Decimal | None:
        return _minutes(nearest_rank(self.waits, 90))

    def add(self, row: Mapping[str, Any], now: dt.datetime) -> None:
        status = row["status"]
        self.bookings += 1
        self.changes += row["change_count"]
        self.cancelled += status == BookingStatus.CANCELLED
        self.no_shows += status == BookingStatus.NO_SHOW
        self.late += status == BookingStatus.LATE
        self.checked_in += status == BookingStatus.CHECKED_IN
        outcome_known = status in (BookingStatus.CHECKED_IN, BookingStatus.LATE, BookingStatus.NO_SHOW)
        self.due += outcome_known or (status == BookingStatus.BOOKED and row["ends_at"] <= now)
        first_call = row["first_call"]
        if status == BookingStatus.CHECKED_IN and first_call is not None:
            if row["checked_in_at"] is not None:
                self.waits.append(round((first_call - row["checked_in_at"]).total_seconds()))
            self.called_before_slot += first_call < row["starts_at"]


@dataclass(frozen=True)
class TypeRow:
    name: str
    figures: Figures


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    figures: Figures


@dataclass(frozen=True)
class BookingStatistics:
    date_from: dt.date
    date_to: dt.date
    totals: Figures
    by_type: list[TypeRow]
    # Only the days with bookings, in order.
    by_day: list[DayRow]


def booking_statistics(
    *, hall: Hall, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None
) -> BookingStatistics:
    """The hall's booking figures for the slots starting on its local days `date_from` … `date_to`."""
    period_check(date_from=date_from, date_to=date_to)
    now = now or timezone.now()
    since = dt.datetime.combine(date_from, dt.time.min, tzinfo=hall.tz)
    until = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=hall.tz)
    rows = (
        Booking.objects.filter(hall=hall, starts_at__gte=since, starts_at__lt=until)
        .values("id", "type_id", "starts_at", "ends_at", "status", "change_count", "checked_in_at")
        .annotate(
            first_call=Min("ticket__intervals__started_at", filter=Q(ticket__intervals__status=TicketStatus.CALLED))
        )
        .order_by()
    )
    totals = Figures()
    by_type: dict[int, Figures] = {}
    by_day: dict[dt.date, Figures] = {}
    for row in rows:
        totals.add(row, now)
        by_type.setdefault(row["type_id"], Figures()).add(row, now)
        day = timezone.localtime(row["starts_at"], hall.tz).date()
        by_day.setdefault(day, Figures()).add(row, now)
    # Every active business of the hall gets its row (zero when nobody booked it); inactive ones only if booked.
    types = AppointmentType.objects.filter(Q(active=True) | Q(pk__in=list(by_type)), hall=hall).select_related(
        "category", "business_type"
    )
    return BookingStatistics(
        date_from=date_from,
        date_to=date_to,
        totals=totals,
        by_type=[TypeRow(name=t.display_name, figures=by_type.get(t.pk, Figures())) for t in types],
        by_day=[DayRow(day=day, figures=by_day[day]) for day in sorted(by_day)],
    )
