"""The demo hotel (HOTEL01): rooms on three floors, guests arriving today, booked by phone, online and walk-in."""

import pytest
from django.core.management import call_command

from servicehall.hotel.models import Reservation, Room

pytestmark = pytest.mark.django_db


def test_hotel01_the_demo_hotel_has_rooms_and_arrivals_and_loading_again_adds_nothing():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Room.objects.count(), Reservation.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    # 7: two of them in house (HOTEL03), one leaving today (HOTEL04)
    assert (Room.objects.count(), Reservation.objects.count()) == counts == (10, 7)
    hotel = Reservation.objects.first().hall
    arriving_today = Reservation.objects.filter(arrival=hotel.local_date())
    assert arriving_today.count() == 5 and arriving_today.filter(vip=True).exists()
    assert {r.channel for r in Reservation.objects.all()} == {"phone", "online", "walk_in"}
    assert hotel.packs == ["hotel"]


def test_hotel04_the_demo_has_a_guest_leaving_today_with_charges_a_deposit_and_yesterdays_audit():
    from servicehall.hotel.models import NightAuditDay
    from servicehall.hotel.selectors_folio import folio_summary

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    hotel = Reservation.objects.first().hall
    leaving = Reservation.objects.get(hall=hotel, departure=hotel.local_date(), status="checked_in")
    summary = folio_summary(reservation=leaving, today=hotel.local_date())
    assert summary["deposit"] > 0 and len([c for c in summary["charges"] if c.kind != "room_night"]) == 4
    assert summary["balance"] == summary["total"] - summary["deposit"]
    day = NightAuditDay.objects.get(hall=hotel)
    assert day.business_date == leaving.arrival and day.rooms_sold == 1 and day.occupancy > 0
