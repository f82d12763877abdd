"""The hall's calendar (APT01): holidays and blackout days stop the working-hours clock of complaints and
repairs."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from servicehall.org.hours import hall_working_hours_after, hall_working_hours_between
from servicehall.org.models import HallClosedDay

pytestmark = pytest.mark.django_db


def _at(hall, day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz)


def test_apt01_working_hours_skip_the_halls_closed_days(world):
    hall = world.hall
    thursday = dt.date(2026, 12, 31)
    start = _at(hall, thursday, 17)  # 08:30–18:00: one hour left on Thursday
    assert hall_working_hours_after(hall, start, 4) == _at(hall, dt.date(2027, 1, 1), 11, 30)
    HallClosedDay.objects.create(hall=hall, date=dt.date(2027, 1, 1), kind="holiday", reason="New Year")
    # Friday is a holiday and the weekend follows: the clock runs on on Monday.
    assert hall_working_hours_after(hall, start, 4) == _at(hall, dt.date(2027, 1, 4), 11, 30)
    assert hall_working_hours_between(hall, start, _at(hall, dt.date(2027, 1, 4), 11, 30)) == 4


def test_apt01_another_halls_closed_day_changes_nothing_here(world, other_world):
    HallClosedDay.objects.create(hall=other_world.hall, date=dt.date(2027, 1, 1), kind="blackout")
    start = _at(world.hall, dt.date(2026, 12, 31), 17)
    assert hall_working_hours_after(world.hall, start, 4) == _at(world.hall, dt.date(2027, 1, 1), 11, 30)


def test_apt01_a_hall_has_one_calendar_entry_per_day(world):
    HallClosedDay.objects.create(hall=world.hall, date=dt.date(2027, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        HallClosedDay.objects.create(hall=world.hall, date=dt.date(2027, 1, 1), kind="blackout")
