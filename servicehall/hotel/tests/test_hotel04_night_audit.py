"""The night audit (HOTEL04): each in-house guest's room night posted once at the quoted price, bookings not
arrived marked no-show and charged the policy's fee, the day's occupancy, ADR and RevPAR against a hand count;
run twice, it changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from servicehall.core.errors import Forbidden, Unprocessable
from servicehall.core.schedule import SCHEDULE
from servicehall.hotel import night_audit, services
from servicehall.hotel.models import FolioCharge, NightAuditDay, Reservation, Room
from servicehall.hotel.states import ReservationStatus
from testsupport.customers import make_resident_id

from .conftest import NOW, TODAY
from .test_hotel04_folio import in_house

pytestmark = pytest.mark.django_db
AFTER_MIDNIGHT = NOW + dt.timedelta(days=1)


def booked(hotel, *, phone="13912340001", room_type=None, plan=None, nights=2):
    return services.reservation_create(
        hall=hotel.hall,
        room_type=room_type or hotel.twin,
        rate_plan=plan or hotel.room_only,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=nights),
        guests=1,
        guest_name="王五",
        phone=phone,
        channel="phone",
        actor=hotel.world.clerk,
        now=NOW,
    )


def test_hotel04_night_audit_posts_room_nights_charges_no_shows_and_counts_the_day(hotel):
    # Hand count: 3 rooms (801, 802 king; 701 twin), 801 out of order is not → all 3 available.
    # 801: 2 guests with breakfast, 428 + 2 × 38 = 504.00; 802: corporate, 1 guest, 428 × 0.85 + 38 = 401.80.
    first = in_house(hotel, nights=2, number="801")
    second = services.reservation_create(
        hall=hotel.hall,
        room_type=hotel.king,
        rate_plan=hotel.corporate,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=1),
        guests=1,
        guest_name="赵六",
        phone="13912340002",
        channel="phone",
        actor=hotel.world.clerk,
        now=NOW,
    )
    room = Room.objects.get(hall=hotel.hall, number="802")
    services.room_inspect(room=room, actor=hotel.world.clerk)
    services.room_assign(reservation=second, room=room, actor=hotel.world.clerk)
    services.guest_check_in(
        reservation=second,
        guests=[{"name": "赵六", "kind": "resident_id", "number": make_resident_id()}],
        room_card="RC-2",
        actor=hotel.world.clerk,
        now=NOW,
    )
    absent = booked(hotel)  # twin, room only, 388.00 a night: never came

    day, created = night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=AFTER_MIDNIGHT)

    assert created
    nights = FolioCharge.objects.filter(kind="room_night", night=TODAY)
    assert sorted(nights.values_list("amount", flat=True)) == [Decimal("401.80"), Decimal("504.00")]
    absent.refresh_from_db()
    assert absent.status == ReservationStatus.NO_SHOW
    fee = FolioCharge.objects.get(reservation=absent, kind="no_show_fee")
    assert fee.amount == Decimal("388.00")  # the policy: the first night
    revenue = Decimal("504.00") + Decimal("401.80")
    assert (day.rooms_available, day.rooms_sold, day.room_revenue) == (3, 2, revenue)
    assert day.occupancy == Decimal("66.67")
    assert day.adr == (revenue / 2).quantize(Decimal("0.01"))  # 452.90
    assert day.revpar == Decimal("301.93")  # 905.80 / 3
    assert (day.no_shows, day.no_show_fees) == (1, Decimal("388.00"))
    assert first.folio_charges.count() == 1


def test_hotel04_night_audit_is_idempotent_per_hall_and_business_date(hotel):
    in_house(hotel, nights=2)
    booked(hotel)
    first, created = night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=AFTER_MIDNIGHT)
    again, created_again = night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=AFTER_MIDNIGHT)
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        call_command("hotel_night_audit", hall=hotel.hall.code, date=TODAY.isoformat())
    assert created and not created_again and again.pk == first.pk
    assert NightAuditDay.objects.count() == 1
    assert FolioCharge.objects.filter(kind="room_night").count() == 1
    assert FolioCharge.objects.filter(kind="no_show_fee").count() == 1


def test_hotel04_the_clock_audits_yesterday_once_and_is_scheduled(hotel):
    in_house(hotel, nights=2)
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        assert night_audit.night_audits_due() == 1
        assert night_audit.night_audits_due() == 0
    assert NightAuditDay.objects.get(hall=hotel.hall).business_date == TODAY
    assert "hotel_night_audit" in {entry.command for entry in SCHEDULE}


def test_hotel04_a_day_not_over_is_not_audited_and_only_the_duty_manager_runs_it(hotel, other_world):
    with pytest.raises(Unprocessable):
        night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=NOW)
    with pytest.raises(Forbidden):
        night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, actor=hotel.world.clerk, now=AFTER_MIDNIGHT)
    with pytest.raises(Forbidden):
        night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, actor=other_world.manager, now=AFTER_MIDNIGHT)
    assert not NightAuditDay.objects.exists()
    assert not Reservation.objects.filter(status=ReservationStatus.NO_SHOW).exists()


def test_hotel04_an_empty_hotel_counts_zero_not_an_error(hotel):
    Room.objects.filter(hall=hotel.hall).update(housekeeping=Room.Housekeeping.OUT_OF_ORDER)
    day, _created = night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=AFTER_MIDNIGHT)
    assert (day.rooms_available, day.occupancy, day.adr, day.revpar) == (0, 0, 0, 0)
