"""Demo data of appointments (APT01): what the demo halls let customers book, and a few bookings on the next two
days the hall is open (today when it is a working day), booked online, by phone and at the counter."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from servicehall.catalog.models import BusinessType
from servicehall.core.errors import ApplicationError
from servicehall.org.models import Hall, HallClosedDay
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_staff

from . import services
from .models import AppointmentType, Booking
from .slots import bookable_days, is_open_day, slot_starts

# (business type code, slot minutes, capacity override)
DEMO_TYPES: dict[str, list[tuple[str, int, int | None]]] = {
    "telecom": [("mobile_open", 30, None), ("broadband_open", 30, 2), ("credit_handset", 60, 1)],
    "gas": [("gas_new_household", 30, None), ("gas_transfer", 30, None)],
}
# (hour, minute, name, phone, channel, notes) on each of the two days
DEMO_BOOKINGS = [
    (10, 0, "陈晓明", "13800138001", "public", ""),
    (10, 0, "刘芳", "13800138002", "phone", "老人办理，需要协助填表"),
    (14, 30, "周杰", "13800138003", "counter", "上次资料不全，补齐后再来"),
]


# A booking due now, made again whenever the demo starts on an open day: check it in at the kiosk with this
# mobile number (README, "Try it").
CHECK_IN_PHONE = "13800138009"


def _booking_to_check_in(hall: Hall, appointment_type: AppointmentType) -> None:
    """A booking in the slot that starts next (from ten minutes ago), unless the number has one today."""
    now = hall.local_now()
    today = now.date()
    start_of_day = dt.datetime.combine(today, dt.time(0), tzinfo=hall.tz)
    if Booking.objects.filter(hall=hall, phone=CHECK_IN_PHONE, starts_at__gte=start_of_day).exists():
        return
    if not is_open_day(appointment_type, today):
        return
    upcoming = [s for s in slot_starts(appointment_type, today) if s >= now - dt.timedelta(minutes=10)]
    for starts_at in upcoming:
        try:
            services.booking_create(
                appointment_type=appointment_type,
                starts_at=starts_at,
                name="赵敏",
                phone=CHECK_IN_PHONE,
                channel=Booking.Channel.PUBLIC,
                notes="演示：请在取号机上用手机号签到",
                request_key=f"demo-checkin-{today:%Y%m%d}",
                now=starts_at - dt.timedelta(days=1),  # booked the day before
            )
        except ApplicationError:
            continue  # that slot is full: the next one
        return


@transaction.atomic
def appointments_demo_load(*, hall: Hall) -> None:
    """Loading it again leaves what it made as it is."""
    for pack in hall.packs or []:
        for order, (code, minutes, capacity) in enumerate(DEMO_TYPES.get(pack, [])):
            business = BusinessType.objects.filter(hall=hall, code=code).first()
            if business is None:
                continue
            AppointmentType.objects.get_or_create(
                hall=hall,
                business_type=business,
                defaults={
                    "category": business.category,
                    "slot_minutes": minutes,
                    "capacity_override": capacity,
                    "lead_minutes": 30,
                    "sort_order": order,
                },
            )
    new_year = dt.date(hall.local_date().year + 1, 1, 1)
    HallClosedDay.objects.get_or_create(
        hall=hall, date=new_year, defaults={"kind": HallClosedDay.Kind.HOLIDAY, "reason": "元旦"}
    )
    first = AppointmentType.objects.filter(hall=hall, active=True).order_by("sort_order", "id").first()
    if first is None:
        return
    if not Booking.objects.filter(hall=hall).exclude(phone=CHECK_IN_PHONE).exists():
        _demo_bookings(hall, first)
    _booking_to_check_in(hall, first)


def _demo_bookings(hall: Hall, first: AppointmentType) -> None:
    yesterday = hall.local_now() - dt.timedelta(days=1)
    staff = next(iter(hall_staff(hall=hall, capability=Capability.ISSUE)), (None,))[0]
    days = [day for day in bookable_days(first, now=yesterday) if day >= hall.local_date()][:2]
    for day in days:
        for hour, minute, name, phone, channel, notes in DEMO_BOOKINGS:
            services.booking_create(
                appointment_type=first,
                starts_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=hall.tz),
                name=name,
                phone=phone,
                channel=channel,
                notes=notes,
                request_key=f"demo-{day:%Y%m%d}-{phone}",
                actor=None if channel == Booking.Channel.PUBLIC else staff,
                now=yesterday,
            )
