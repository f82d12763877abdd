"""APT01 reminders: a text a day before (for bookings made at least a day ahead) and an hour before, each sent
once, none for a cancelled booking; a changed booking gets the reminders of its new time."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from servicehall.appointments import services
from servicehall.appointments.models import Booking
from servicehall.core.models import OutgoingMessage

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)


def booked(appointment_type, starts_at, phone: str) -> Booking:
    with time_machine.travel(NOW, tick=False):  # made on Monday 09:00
        return services.booking_create(
            appointment_type=appointment_type,
            starts_at=starts_at,
            name="张三",
            phone=phone,
            channel=Booking.Channel.PUBLIC,
            now=NOW,
        )


def reminders() -> list[str]:
    return list(
        OutgoingMessage.objects.filter(purpose=services.SMS_REMINDER).order_by("id").values_list("body", flat=True)
    )


def test_apt01_reminders_a_day_and_an_hour_before_each_sent_once(world, business):
    soon = booked(business, at(MONDAY, 13), phone="13912340001")  # booked 4 hours ahead: the hour's reminder only
    later = booked(business, at(WEDNESDAY, 10), phone="13912340002")  # two days ahead: both
    assert services.bookings_remind(now=at(MONDAY, 11, 59)) == 0
    assert services.bookings_remind(now=at(MONDAY, 12)) == 1
    assert services.bookings_remind(now=at(MONDAY, 12, 5)) == 0
    assert services.bookings_remind(now=at(TUESDAY, 9, 59)) == 0
    assert services.bookings_remind(now=at(TUESDAY, 10)) == 1
    assert services.bookings_remind(now=at(TUESDAY, 10, 5)) == 0
    assert services.bookings_remind(now=at(WEDNESDAY, 9)) == 1
    assert services.bookings_remind(now=at(WEDNESDAY, 9, 30)) == 0
    texts = reminders()
    assert len(texts) == 3
    assert soon.code in texts[0] and "2026-12-07 13:00" in texts[0] and "reminds you" in texts[0]
    assert later.code in texts[1] and later.code in texts[2] and "2026-12-09 10:00" in texts[2]
    phones = (
        OutgoingMessage.objects.filter(purpose=services.SMS_REMINDER).order_by("id").values_list("phone", flat=True)
    )
    assert list(phones) == ["13912340001", "13912340002", "13912340002"]


def test_apt01_a_cancelled_booking_gets_no_reminder(world, business):
    booking = booked(business, at(WEDNESDAY, 10), phone="13912340003")
    services.booking_cancel(booking=booking, now=NOW)
    assert services.bookings_remind(now=at(TUESDAY, 10)) == 0
    assert services.bookings_remind(now=at(WEDNESDAY, 9, 30)) == 0
    assert reminders() == []


def test_apt01_a_changed_booking_is_reminded_of_its_new_time(world, business):
    booking = booked(business, at(WEDNESDAY, 10), phone="13912340004")
    assert services.bookings_remind(now=at(TUESDAY, 10)) == 1  # the day before Wednesday 10:00
    with time_machine.travel(at(TUESDAY, 11), tick=False):
        services.booking_change(booking=booking, starts_at=at(WEDNESDAY, 15), now=at(TUESDAY, 11))
    # The new time is more than a day away: its own day-before reminder, then the hour's.
    assert services.bookings_remind(now=at(TUESDAY, 14, 59)) == 0
    assert services.bookings_remind(now=at(TUESDAY, 15)) == 1
    assert services.bookings_remind(now=at(WEDNESDAY, 14)) == 1
    assert len(reminders()) == 3 and "2026-12-09 15:00" in reminders()[-1]
    # Moved again to less than a day away: the change's own text stands for the day-before reminder.
    with time_machine.travel(at(WEDNESDAY, 9), tick=False):
        services.booking_change(booking=booking, starts_at=at(WEDNESDAY, 16), now=at(WEDNESDAY, 9))
    assert services.bookings_remind(now=at(WEDNESDAY, 10)) == 0
    assert services.bookings_remind(now=at(WEDNESDAY, 15)) == 1


def test_apt01_the_reminder_command_is_scheduled_and_runs(world, business):
    from servicehall.core.schedule import SCHEDULE

    assert "appointment_reminders" in {job.command for job in SCHEDULE}
    booked(business, at(WEDNESDAY, 10), phone="13912340005")
    out = StringIO()
    with time_machine.travel(at(TUESDAY, 10, 1), tick=False):
        call_command("appointment_reminders", stdout=out)
    assert "1 appointment reminder(s) sent." in out.getvalue()
