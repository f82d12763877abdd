"""Guests in house for the stay's tests (HOTEL03)."""

import datetime as dt

from servicehall.hotel import services
from servicehall.hotel.models import Room
from testsupport.customers import make_resident_id

from .conftest import NOW, TODAY


def booked(hotel, *, room_type=None, guests=1, nights=2, phone="13912345678", name="张三"):
    return services.reservation_create(
        hall=hotel.hall,
        room_type=room_type or hotel.king,
        rate_plan=hotel.breakfast,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=nights),
        guests=guests,
        guest_name=name,
        phone=phone,
        channel="phone",
        actor=hotel.world.clerk,
        now=NOW,
    )


def ready(hotel, number):
    room = Room.objects.get(hall=hotel.hall, number=number)
    if room.housekeeping == Room.Housekeeping.VACANT_CLEAN and not room.inspected:
        services.room_inspect(room=room, actor=hotel.world.clerk)
    room.refresh_from_db()
    return room


def in_house(hotel, number="801", *, guests=1, nights=2, phone="13912345678", name="张三"):
    """A guest checked in to room `number` at NOW."""
    room = ready(hotel, number)
    reservation = booked(hotel, room_type=room.room_type, guests=guests, nights=nights, phone=phone, name=name)
    services.room_assign(reservation=reservation, room=room, actor=hotel.world.clerk)
    reservation.refresh_from_db()
    services.guest_check_in(
        reservation=reservation,
        guests=[{"name": f"住客{n}", "kind": "resident_id", "number": make_resident_id()} for n in range(guests)],
        room_card=f"RC-{number}",
        actor=hotel.world.clerk,
        now=NOW,
    )
    reservation.refresh_from_db()
    return reservation
