"""The demo halls can be booked (APT01): appointment types from their packs and bookings on the next open days."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from servicehall.appointments.checkin import booking_check_in
from servicehall.appointments.demo import CHECK_IN_PHONE
from servicehall.appointments.models import AppointmentType, Booking
from servicehall.org.models import HallClosedDay
from servicehall.queueing.models import TicketKind

pytestmark = pytest.mark.django_db


def test_apt01_the_demo_halls_offer_bookings_and_loading_again_adds_nothing():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (AppointmentType.objects.count(), Booking.objects.count(), HallClosedDay.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    assert (AppointmentType.objects.count(), Booking.objects.count(), HallClosedDay.objects.count()) == counts
    demo_types = AppointmentType.objects.filter(hall__code="demo")
    assert {t.business_type.code for t in demo_types} == {"mobile_open", "broadband_open", "credit_handset"}
    assert {t.business_type.code for t in AppointmentType.objects.filter(hall__code="gas")} == {
        "gas_new_household",
        "gas_transfer",
    }
    demo_bookings = Booking.objects.filter(hall__code="demo").exclude(phone=CHECK_IN_PHONE)
    assert demo_bookings.count() == 6
    assert {b.channel for b in demo_bookings} == {"public", "phone", "counter"}
    assert len({b.starts_at.date() for b in demo_bookings}) == 2


def test_apt02_the_demo_has_a_booking_due_now_to_check_in_with_its_phone():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 5, tzinfo=shanghai), tick=False):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        due = Booking.objects.get(hall__code="demo", phone=CHECK_IN_PHONE)
        assert due.starts_at.astimezone(shanghai).time() >= dt.time(9, 55)
        assert due.starts_at.astimezone(shanghai).date() == dt.date(2026, 12, 7)
        ticket = booking_check_in(hall=due.hall, booking=due).ticket
    assert ticket.kind == TicketKind.APPOINTMENT
