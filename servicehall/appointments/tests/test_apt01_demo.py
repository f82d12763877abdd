"""The demo halls can be booked (APT01): appointment types from their packs and bookings on the next open days."""

import pytest
from django.core.management import call_command

from servicehall.appointments.models import AppointmentType, Booking
from servicehall.org.models import HallClosedDay

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
    demo_bookings = Booking.objects.filter(hall__code="demo")
    assert demo_bookings.count() == 6
    assert {b.channel for b in demo_bookings} == {"public", "phone", "counter"}
    assert len({b.starts_at.date() for b in demo_bookings}) == 2
