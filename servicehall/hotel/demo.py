"""Demo data of the hotel (HOTEL01): rooms on three floors and reservations arriving today and in the next days,
booked by phone, walk-in and online. Loading it again leaves what it made as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_staff

from . import services
from .demo_stay import stay_demo_load
from .models import RatePlan, Reservation, Room, RoomType

# (room type code, floor, numbers)
DEMO_ROOMS = [
    ("standard_twin", 6, ["601", "602", "603", "604"]),
    ("king", 7, ["701", "702", "703", "704"]),
    ("family_suite", 8, ["801", "802"]),
]
# (days from today, nights, room type, plan, guests, name, phone, channel, guarantee, vip, requests)
DEMO_RESERVATIONS = [
    (0, 2, "king", "bed_breakfast", 2, "周明", "13800138101", "phone", "deposit", False, "高楼层，远离电梯"),
    (0, 1, "standard_twin", "corporate", 2, "吴海", "13800138102", "online", "card", True, "商务客人，需开发票"),
    (0, 3, "family_suite", "bed_breakfast", 4, "郑雪", "13800138103", "phone", "none", False, "需要加一张婴儿床"),
    (1, 2, "king", "room_only", 1, "冯佳", "13800138104", "walk_in", "deposit", False, ""),
]


@transaction.atomic
def hotel_demo_load(*, hall: Hall) -> None:
    services.hotel_load(hall=hall)
    types = {t.code: t for t in RoomType.objects.filter(hall=hall)}
    for code, floor, numbers in DEMO_ROOMS:
        for number in numbers:
            Room.objects.get_or_create(hall=hall, number=number, defaults={"floor": floor, "room_type": types[code]})
    if Reservation.objects.filter(hall=hall).exists():
        return
    plans = {p.code: p for p in RatePlan.objects.filter(hall=hall)}
    clerk = next(iter(hall_staff(hall=hall, capability=Capability.ISSUE)), (None,))[0]
    today = hall.local_date()
    for days, nights, type_code, plan, guests, name, phone, channel, guarantee, vip, requests in DEMO_RESERVATIONS:
        arrival = today + dt.timedelta(days=days)
        services.reservation_create(
            hall=hall,
            room_type=types[type_code],
            rate_plan=plans[plan],
            arrival=arrival,
            departure=arrival + dt.timedelta(days=nights),
            guests=guests,
            guest_name=name,
            phone=phone,
            channel=channel,
            guarantee=guarantee,
            deposit="500.00" if guarantee == "deposit" else None,
            card_token="DEMO-POS-20261" if guarantee == "card" else "",
            card_last4="8866" if guarantee == "card" else "",
            vip=vip,
            requests=requests,
            request_key=f"demo-hotel-{phone}",
            actor=clerk,
        )
    housekeeper = next(iter(hall_staff(hall=hall, capability=Capability.HOUSEKEEP)), (None,))[0]
    stay_demo_load(hall=hall, actor=clerk, housekeeper=housekeeper or clerk)  # HOTEL03
