"""The demo hotel (HOTEL01): rooms on three floors, guests arriving today, booked by phone, online and walk-in."""

import pytest
from django.core.management import call_command

from servicehall.hotel.models import Reservation, Room

pytestmark = pytest.mark.django_db


def test_hotel01_the_demo_hotel_has_rooms_and_arrivals_and_loading_again_adds_nothing():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Room.objects.count(), Reservation.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    assert (Room.objects.count(), Reservation.objects.count()) == counts == (10, 6)  # 2 of them in house (HOTEL03)
    hotel = Reservation.objects.first().hall
    arriving_today = Reservation.objects.filter(arrival=hotel.local_date())
    assert arriving_today.count() == 5 and arriving_today.filter(vip=True).exists()
    assert {r.channel for r in Reservation.objects.all()} == {"phone", "online", "walk_in"}
    assert hotel.packs == ["hotel"]
