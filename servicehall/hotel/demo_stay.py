"""Demo data of the stay (HOTEL03): two guests in house (walk-ins checked in today) with requests open, overdue
and done, a dirty room and a room out of order. Made once, with the hotel's other demo data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from servicehall.core.actors import Actor
from servicehall.org.models import Hall

from . import services, services_stay
from .models import RatePlan, Room, RoomType

# (room type, room, nights, guests, name, phone, passport numbers)
IN_HOUSE = [
    ("king", "703", 2, 1, "王磊", "13800138111", ["E20261101"]),
    ("standard_twin", "602", 3, 2, "陈静", "13800138112", ["E20261102", "E20261103"]),
]
# (room, kind, minutes ago, done minutes later or None, note)
REQUESTS = [
    ("703", "towels", 40, None, "两条浴巾"),
    ("703", "meal", 15, None, "一份牛肉面"),
    ("602", "extra_bed", 120, 25, ""),
    ("602", "amenities", 70, 12, ""),
]


def stay_demo_load(*, hall: Hall, actor: Actor, housekeeper: Actor) -> None:
    now = timezone.now()
    today = hall.local_date()
    day_start = dt.datetime.combine(today, dt.time(0, 5), tzinfo=hall.tz)
    checked_in = max(now - dt.timedelta(hours=3), day_start)
    plan = RatePlan.objects.get(hall=hall, code="bed_breakfast")
    stays = {}
    for type_code, number, nights, guests, name, phone, passports in IN_HOUSE:
        room = Room.objects.get(hall=hall, number=number)
        reservation = services.reservation_create(
            hall=hall,
            room_type=RoomType.objects.get(hall=hall, code=type_code),
            rate_plan=plan,
            arrival=today,
            departure=today + dt.timedelta(days=nights),
            guests=guests,
            guest_name=name,
            phone=phone,
            channel="walk_in",
            request_key=f"demo-stay-{phone}",
            actor=actor,
            now=checked_in,
        )
        services.room_assign(reservation=reservation, room=room, actor=actor)
        services.room_inspect(room=room, actor=actor)
        reservation.refresh_from_db()
        services.guest_check_in(
            reservation=reservation,
            guests=[{"name": name, "kind": "passport", "number": p} for p in passports],
            room_card=f"C{number}01",
            actor=actor,
            now=checked_in,
        )
        stays[number] = reservation
    for number, kind, ago, done_after, note in REQUESTS:
        asked = max(now - dt.timedelta(minutes=ago), checked_in)
        request = services_stay.guest_request_create(
            reservation=stays[number], kind=kind, note=note, actor=actor, now=asked
        )
        if done_after is not None:
            services_stay.guest_request_start(request=request, actor=housekeeper, now=asked + dt.timedelta(minutes=2))
            services_stay.guest_request_done(
                request=request, actor=housekeeper, now=asked + dt.timedelta(minutes=done_after)
            )
    wake_up = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(6, 30), tzinfo=hall.tz)
    services_stay.guest_request_create(
        reservation=stays["602"], kind="wake_up", due_at=wake_up, actor=actor, now=checked_in
    )
    # A room left dirty and a room out of order on the housekeeping board.
    Room.objects.filter(hall=hall, number="604").update(housekeeping=Room.Housekeeping.VACANT_DIRTY)
    services_stay.room_out_of_order(
        room=Room.objects.get(hall=hall, number="704"), reason="空调漏水，已报工程部维修", actor=housekeeper, now=now
    )
