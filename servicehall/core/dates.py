"""The days and times a hall works with, checked once for every page, form and API.

Python's dates end at 9999-12-31: a query for that day asks for the next
midnight and overflows (a 500), and a day in year 1 cannot be put in the hall's
time zone. No hall business is older than 2000 or planned more than ten years
ahead, so every date and time a user sends is refused outside that range with
a 4xx and a message giving the range in the user's date format.

* `parse_day(raw)`: a query parameter ("2026-12-01") → date, or `ValidationError`.
* `day_or_today(raw, tz)`: an API's `?day=`: the hall's today when absent, else `parse_day` as a 422.
* `day_in_range` / `moment_in_range`: validators for form and serializer fields
  (`validators=[day_in_range]`); `DayField` / `DateTimeInRangeField` build them.
* `day_check(day)`: the same check for a service that got a date some other way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .errors import Unprocessable

FIRST_DAY = dt.date(2000, 1, 1)
YEARS_AHEAD = 10
# An ID document may be valid twenty years from its issue; a little margin beyond.
DOCUMENT_YEARS_AHEAD = 30


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def last_day(*, years_ahead: int = YEARS_AHEAD, today: dt.date | None = None) -> dt.date:
    """The latest day a user may name: today (in the active time zone) plus `years_ahead` years."""
    return _years_after(today or timezone.localdate(), years_ahead)


def out_of_range_message(*, years_ahead: int = YEARS_AHEAD) -> str:
    return _("Give a date between %(first)s and %(last)s.") % {
        "first": formats.date_format(FIRST_DAY),
        "last": formats.date_format(last_day(years_ahead=years_ahead)),
    }


def day_check(day: dt.date, *, years_ahead: int = YEARS_AHEAD) -> dt.date:
    """`day` when it lies between 2000-01-01 and today + `years_ahead` years, else ValidationError."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not FIRST_DAY <= day <= last_day(years_ahead=years_ahead):
        raise ValidationError(out_of_range_message(years_ahead=years_ahead), code="date_out_of_range")
    return day


def day_in_range(value: Any) -> None:
    """Field validator: a date (or the date of a datetime) within the hall's range."""
    if isinstance(value, dt.date):
        day_check(value)


def document_day_in_range(value: Any) -> None:
    """Field validator for an ID document's expiry: up to thirty years ahead."""
    if isinstance(value, dt.date):
        day_check(value, years_ahead=DOCUMENT_YEARS_AHEAD)


def moment_in_range(value: Any) -> None:
    """Field validator for a datetime: its day (in the active time zone when aware) within the range."""
    if isinstance(value, dt.datetime):
        day = value.date()
        if timezone.is_aware(value) and FIRST_DAY < day < dt.date.max - dt.timedelta(days=1):
            day = timezone.localtime(value).date()
        day_check(day)


def parse_day(raw: Any, *, years_ahead: int = YEARS_AHEAD) -> dt.date:
    """A day sent as text ("2026-12-01") within the range, or ValidationError saying what is expected."""
    text = str(raw or "").strip()
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(
            _("Give the day as a date such as 2026-12-01."),
            code="bad_date",
        )
    return day_check(day, years_ahead=years_ahead)


def day_or_today(raw: Any, tz: dt.tzinfo) -> dt.date:
    """An API's `?day=` parameter: the hall's today when it is not given; a bad day is refused with a 422."""
    if not raw:
        return timezone.localdate(timezone=tz)
    try:
        return parse_day(raw)
    except ValidationError as exc:
        raise Unprocessable(exc.messages[0], code="bad_day") from None


def add_working_days(moment: dt.datetime, days: int, *, tz: dt.tzinfo) -> dt.datetime:
    """The same wall time `days` working days (Monday to Friday, in `tz`) after `moment`: a Friday's entry
    due in one working day is due on Monday; one written on a weekend counts from Monday, so is due on
    Tuesday. Holidays come with the hall's calendar (APT01)."""
    local = moment.astimezone(tz)
    while local.weekday() >= 5:  # the clock starts on the next working day
        local += dt.timedelta(days=1)
    while days > 0:
        local += dt.timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local


def _working_span(day: dt.date, *, tz: dt.tzinfo, opens: dt.time, closes: dt.time) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime.combine(day, opens, tzinfo=tz), dt.datetime.combine(day, closes, tzinfo=tz)


def _is_working_day(day: dt.date, closed: Container[dt.date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_hours(
    moment: dt.datetime,
    hours: float,
    *,
    tz: dt.tzinfo,
    opens: dt.time,
    closes: dt.time,
    closed: Container[dt.date] = (),
) -> dt.datetime:
    """The moment `hours` working hours after `moment`, the clock running only from `opens` to `closes` on
    Monday to Friday in `tz`: a complaint due in 4 working hours recorded on Friday at 17:00 in a hall open
    08:30–18:00 is due on Monday at 11:30. `closed`: the hall's holidays and blackout days (APT01), skipped too."""
    if opens >= closes:
        raise ValueError("a working day must open before it closes")
    left = dt.timedelta(hours=hours)
    local = moment.astimezone(tz)
    day = local.date()
    while True:
        start, end = _working_span(day, tz=tz, opens=opens, closes=closes)
        if _is_working_day(day, closed) and local < end:
            begin = max(local, start)
            if begin + left <= end:
                return begin + left
            left -= end - begin
        day += dt.timedelta(days=1)


def working_hours_between(
    start: dt.datetime,
    end: dt.datetime,
    *,
    tz: dt.tzinfo,
    opens: dt.time,
    closes: dt.time,
    closed: Container[dt.date] = (),
) -> float:
    """How many working hours (as for `add_working_hours`) lie between two moments; 0 when `end` is first."""
    first, last = start.astimezone(tz), end.astimezone(tz)
    total = dt.timedelta()
    day = first.date()
    while day <= last.date():
        if _is_working_day(day, closed):
            open_at, close_at = _working_span(day, tz=tz, opens=opens, closes=closes)
            begin, finish = max(first, open_at), min(last, close_at)
            if finish > begin:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
