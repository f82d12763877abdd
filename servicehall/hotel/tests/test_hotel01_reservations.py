"""Reservations (HOTEL01): prices from the rate plan and the nights' rates, never more reservations than rooms of
a type on any night (also at once, on PostgreSQL), the cancellation policy, and card data never stored."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.hotel import services
from servicehall.hotel.models import Reservation, Room, RoomRate
from servicehall.hotel.states import ReservationStatus

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def reserve(hotel, *, room_type=None, plan=None, arrival=TODAY, nights=2, guests=2, key="", **kwargs):
    kwargs.setdefault("actor", hotel.world.clerk)
    return services.reservation_create(
        hall=hotel.hall,
        room_type=room_type or hotel.king,
        rate_plan=plan or hotel.room_only,
        arrival=arrival,
        departure=arrival + dt.timedelta(days=nights),
        guests=guests,
        guest_name=kwargs.pop("guest_name", "张三"),
        phone=kwargs.pop("phone", PHONE),
        channel=kwargs.pop("channel", Reservation.Channel.PHONE),
        request_key=key,
        now=NOW,
        **kwargs,
    )


def test_hotel01_the_price_is_each_nights_rate_under_the_plan_plus_breakfast(hotel):
    RoomRate.objects.create(room_type=hotel.king, night=TODAY + dt.timedelta(days=1), rate=Decimal("528.00"))
    plain = reserve(hotel, nights=3)
    assert plain.total == Decimal("428.00") + Decimal("528.00") + Decimal("428.00")
    assert list(plain.nights_quoted.values_list("price", flat=True)) == [
        Decimal("428.00"),
        Decimal("528.00"),
        Decimal("428.00"),
    ]
    corporate = reserve(hotel, plan=hotel.corporate, nights=1, guests=2)
    # 428 less 15 % is 363.80; breakfast 38 for each of the two guests.
    assert corporate.total == Decimal("363.80") + Decimal("76.00")
    assert isinstance(corporate.total, Decimal)


def test_hotel01_never_more_reservations_than_rooms_of_the_type_on_any_night(hotel):
    reserve(hotel, nights=2, phone="13900000001")
    reserve(hotel, arrival=TODAY + dt.timedelta(days=1), nights=2, phone="13900000002")
    # Tonight one king room is left; tomorrow night both are taken.
    reserve(hotel, nights=1, phone="13900000003")
    with pytest.raises(Conflict) as sold_out:
        reserve(hotel, arrival=TODAY + dt.timedelta(days=1), nights=1, phone="13900000004")
    assert sold_out.value.code == "sold_out" and "2026-12-08" in str(sold_out.value.message)
    assert Reservation.objects.count() == 3
    # The twin room is another type, and a king room back in order is another room to sell.
    reserve(hotel, room_type=hotel.twin, arrival=TODAY + dt.timedelta(days=1), nights=1)
    Room.objects.create(hall=hotel.hall, number="803", floor=8, room_type=hotel.king)
    reserve(hotel, arrival=TODAY + dt.timedelta(days=1), nights=1, phone="13900000005")


def test_hotel01_an_out_of_order_room_is_not_sold_and_a_cancelled_night_is_free_again(hotel):
    Room.objects.filter(number="802").update(housekeeping=Room.Housekeeping.OUT_OF_ORDER)
    first = reserve(hotel)
    with pytest.raises(Conflict):
        reserve(hotel, phone="13900000002")
    services.reservation_cancel(reservation=first, actor=hotel.world.clerk, now=NOW)
    reserve(hotel, phone="13900000002")


def test_hotel01_the_same_form_sent_twice_books_once(hotel):
    first = reserve(hotel, key="form-1")
    assert reserve(hotel, key="form-1") == first and Reservation.objects.count() == 1


def test_hotel01_cancelling_is_free_until_the_policy_hour_then_the_first_night_is_charged(hotel):
    ahead = reserve(hotel, arrival=TODAY + dt.timedelta(days=3), nights=2)
    late = reserve(hotel, arrival=TODAY + dt.timedelta(days=1), nights=2, phone="13900000002")
    # Check-in is at 14:00: free until 14:00 the day before arrival.
    assert services.reservation_cancel(reservation=ahead, actor=hotel.world.clerk, now=NOW).cancel_fee == 0
    cancelled = services.reservation_cancel(reservation=late, actor=hotel.world.clerk, now=NOW.replace(hour=15))
    assert cancelled.cancel_fee == Decimal("428.00")
    assert Reservation.objects.get(pk=late.pk).status == ReservationStatus.CANCELLED
    with pytest.raises(Conflict):
        services.reservation_cancel(reservation=late, actor=hotel.world.clerk, now=NOW)
    assert OutgoingMessage.objects.filter(purpose="hotel_cancelled").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("requests", "card 6222 0210 0110 1234 567"),
        ("card_token", "6222021001101234"),
        ("guest_name", "4111111111111111"),
    ],
)
def test_hotel01_a_card_number_is_refused_wherever_it_is_typed(hotel, field, value):
    kwargs = {"guarantee": Reservation.Guarantee.CARD, "card_token": "POS-88231", "card_last4": "1234", field: value}
    with pytest.raises(Unprocessable) as refused:
        reserve(hotel, **kwargs)
    assert refused.value.code == "card_number" and not Reservation.objects.exists()


def test_hotel01_a_card_guarantee_keeps_only_the_reference_and_the_last_four_digits(hotel):
    booked = reserve(hotel, guarantee=Reservation.Guarantee.CARD, card_token="POS-88231", card_last4="1234")
    stored = Reservation.objects.filter(pk=booked.pk).values().get()
    assert (stored["card_token"], stored["card_last4"]) == ("POS-88231", "1234")
    assert not any(services._CARD_NUMBER.search(str(value)) for value in stored.values())
    audit = AuditEntry.objects.get(action="hotel.reservation_create")
    assert PHONE not in str(audit.data) and "139****5678" in str(audit.data)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"arrival": TODAY - dt.timedelta(days=1)}, "past_arrival"),
        ({"nights": 0}, "bad_dates"),
        ({"nights": 31}, "too_long"),
        ({"guests": 3}, "bad_guests"),
        ({"guests": "two"}, "bad_guests"),
        ({"guest_name": "  "}, "name_missing"),
        ({"phone": "12"}, "bad_phone"),
        ({"guarantee": "deposit", "deposit": "abc"}, "bad_amount"),
        ({"guarantee": "deposit", "deposit": "0"}, "deposit_missing"),
        ({"guarantee": "card", "card_token": "POS-1", "card_last4": "12"}, "card_missing"),
        ({"guarantee": "gold"}, "bad_guarantee"),
        ({"channel": "pigeon"}, "bad_channel"),
    ],
)
def test_hotel01_bad_input_is_refused_with_a_reason_and_nothing_written(hotel, kwargs, code):
    with pytest.raises(Unprocessable) as refused:
        reserve(hotel, **kwargs)
    assert refused.value.code == code and not Reservation.objects.exists()


def test_hotel01_only_staff_of_the_hall_who_issue_may_book(hotel, other_world):
    with pytest.raises(Forbidden):
        reserve(hotel, actor=other_world.clerk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hotel01_the_last_room_is_sold_once_to_two_clerks_at_once(postgres_only, threads_db, monkeypatch):
    from servicehall.catalog.services import pack_load
    from servicehall.hotel.models import RatePlan, RoomType
    from testsupport.world import build_world

    world = build_world("hto")
    pack_load(hall=world.hall, code="hotel")
    services.hotel_load(hall=world.hall)
    king = RoomType.objects.get(hall=world.hall, code="king")
    plan = RatePlan.objects.get(hall=world.hall, code="room_only")
    Room.objects.create(hall=world.hall, number="801", floor=8, room_type=king)
    # Hold each sale after it counted the nights held until the other counted too: without the room type's
    # lock both see the room free and both sell it.
    counted = threading.Barrier(2)
    held = services.nights_held

    def held_then_wait(*args, **kwargs):
        result = held(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=5)
        return result

    monkeypatch.setattr(services, "nights_held", held_then_wait)
    results: list[str] = []

    def sell(clerk, phone):
        try:
            services.reservation_create(
                hall=world.hall,
                room_type=king,
                rate_plan=plan,
                arrival=TODAY,
                departure=TODAY + dt.timedelta(days=1),
                guests=1,
                guest_name="李四",
                phone=phone,
                channel="phone",
                actor=clerk,
                now=NOW,
            )
            results.append("sold")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sell, args=(clerk, phone))
        for clerk, phone in ((world.clerk, "13900000011"), (world.clerk2, "13900000012"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sold", "sold_out"]
    assert Reservation.objects.filter(room_type=king).count() == 1
