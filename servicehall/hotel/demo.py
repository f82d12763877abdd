"""Demo data of the hotel (HOTEL01): rooms on three floors and reservations arriving today and in the next days,
booked by phone, walk-in and online. Loading it again leaves what it made as it is."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from servicehall.billing.models import PaymentMethod
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_staff

from . import night_audit, services, services_folio
from .demo_stay import stay_demo_load
from .models import RatePlan, Reservation, Room, RoomType
from .states import ReservationStatus

# (room type code, floor, numbers)
DEMO_ROOMS = [
    ("standard_twin", 6, ["601", "602", "603", "604"]),
    ("king", 7, ["701", "702", "703", "704"]),
    ("family_suite", 8, ["801", "802"]),
]
# (days from today, nights, room type, plan, guests, name, phone, channel, guarantee, vip, requests). A deposit
# guarantee asks for 500.00: 周明's is still to be taken on the bill's page; the walk-in guest 冯佳 paid it on the
# card terminal at booking, so it is recorded through billing (DEMO_DEPOSIT_PAID_AT_BOOKING: the terminal's
# reference).
DEMO_RESERVATIONS = [
    (0, 2, "king", "bed_breakfast", 2, "周明", "13800138101", "phone", "deposit", False, "高楼层，远离电梯"),
    (0, 1, "standard_twin", "corporate", 2, "吴海", "13800138102", "online", "card", True, "商务客人，需开发票"),
    (0, 3, "family_suite", "bed_breakfast", 4, "郑雪", "13800138103", "phone", "none", False, "需要加一张婴儿床"),
    (1, 2, "king", "room_only", 1, "冯佳", "13800138104", "walk_in", "deposit", False, ""),
]


DEMO_DEPOSIT_PAID_AT_BOOKING = {"13800138104": "DEMO104DEP"}


@transaction.atomic
def hotel_demo_load(*, hall: Hall) -> None:
    services.hotel_load(hall=hall)
    types = {t.code: t for t in RoomType.objects.filter(hall=hall)}
    for code, floor, numbers in DEMO_ROOMS:
        for number in numbers:
            Room.objects.get_or_create(hall=hall, number=number, defaults={"floor": floor, "room_type": types[code]})
    folio_demo_load(hall=hall)
    if Reservation.objects.filter(hall=hall).exclude(request_key=LEAVING_KEY).exists():
        return
    plans = {p.code: p for p in RatePlan.objects.filter(hall=hall)}
    clerk = next(iter(hall_staff(hall=hall, capability=Capability.ISSUE)), (None,))[0]
    today = hall.local_date()
    for days, nights, type_code, plan, guests, name, phone, channel, guarantee, vip, requests in DEMO_RESERVATIONS:
        arrival = today + dt.timedelta(days=days)
        services_folio.reservation_book(
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
            deposit_pos_reference=DEMO_DEPOSIT_PAID_AT_BOOKING.get(phone, ""),
            card_token="DEMO-POS-20261" if guarantee == "card" else "",
            card_last4="8866" if guarantee == "card" else "",
            vip=vip,
            requests=requests,
            request_key=f"demo-hotel-{phone}",
            actor=clerk,
        )
    housekeeper = next(iter(hall_staff(hall=hall, capability=Capability.HOUSEKEEP)), (None,))[0]
    stay_demo_load(hall=hall, actor=clerk, housekeeper=housekeeper or clerk)  # HOTEL03


# --- Departure (HOTEL04) ------------------------------------------------------------------------------------

LEAVING_KEY = "demo-hotel-leaving"


def folio_demo_load(*, hall: Hall) -> None:
    """A guest leaving today (arrived yesterday, room 601): a deposit taken by card, minibar and a meal on the
    bill; and yesterday's night audit run, so the departures, the bill and the manager's figures show data."""
    if Reservation.objects.filter(hall=hall, request_key=LEAVING_KEY).exists():
        return
    clerk = next(iter(hall_staff(hall=hall, capability=Capability.SERVE)), (None,))[0]
    if clerk is None:
        return
    today = hall.local_date()
    yesterday = today - dt.timedelta(days=1)
    booked_at = dt.datetime.combine(yesterday, dt.time(9, 0), tzinfo=hall.tz)
    arrived_at = dt.datetime.combine(yesterday, dt.time(15, 0), tzinfo=hall.tz)
    twin = RoomType.objects.get(hall=hall, code="standard_twin")
    plan = RatePlan.objects.get(hall=hall, code="bed_breakfast")
    reservation = services.reservation_create(
        hall=hall,
        room_type=twin,
        rate_plan=plan,
        arrival=yesterday,
        departure=today,
        guests=2,
        guest_name="何静",
        phone="13800138109",
        channel="phone",
        guarantee="deposit",
        deposit="300.00",
        request_key=LEAVING_KEY,
        actor=clerk,
        now=booked_at,
    )
    room = Room.objects.get(hall=hall, number="601")
    Room.objects.filter(pk=room.pk).update(housekeeping=Room.Housekeeping.VACANT_CLEAN, inspected=True)
    services.room_assign(reservation=reservation, room=room, actor=clerk)
    services.guest_check_in(
        reservation=reservation,
        guests=[
            {"name": "何静", "kind": "resident_id", "number": "110101199003070038"},
            {"name": "林涛", "kind": "resident_id", "number": "110101198807150012"},
        ],
        room_card="RC-0601-1",
        actor=clerk,
        now=arrived_at,
    )
    services_folio.folio_deposit_take(
        reservation=reservation,
        method=PaymentMethod.CARD,
        pos_reference="DEMO601DEP",
        idempotency_key=f"{LEAVING_KEY}-deposit",
        actor=clerk,
    )
    evening = arrived_at + dt.timedelta(hours=5)
    for kind, price, quantity, what in (
        ("minibar", "12.00", 2, "矿泉水"),
        ("minibar", "18.00", 1, "坚果"),
        ("meal", "128.00", 1, "客房送餐：晚餐"),
        ("laundry", "35.00", 1, "衬衫干洗"),
    ):
        services_folio.folio_charge_post(
            reservation=reservation,
            kind=kind,
            unit_price=price,
            quantity=quantity,
            description=what,
            request_key=f"{LEAVING_KEY}-{kind}-{price}",
            actor=clerk,
            now=evening,
        )
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_IN
    night_audit.night_audit_run(hall=hall, business_date=yesterday)
