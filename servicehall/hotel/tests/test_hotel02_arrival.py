"""Arrival (HOTEL02): a room of the reserved type, ready (vacant, clean, inspected) before the guest comes; every
guest registered with a checked document (masked); the room card recorded; the room occupied."""

import datetime as dt

import pytest

from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.hotel import services
from servicehall.hotel.models import GuestRegistration, Reservation, Room
from servicehall.hotel.states import ReservationStatus
from testsupport.customers import make_resident_id

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def booked(hotel, *, guests=2, arrival=TODAY):
    return services.reservation_create(
        hall=hotel.hall,
        room_type=hotel.king,
        rate_plan=hotel.breakfast,
        arrival=arrival,
        departure=arrival + dt.timedelta(days=2),
        guests=guests,
        guest_name="张三",
        phone="13912345678",
        channel="phone",
        actor=hotel.world.clerk,
        now=NOW,
    )


def guests_of(count):
    return [{"name": f"住客{n}", "kind": "resident_id", "number": make_resident_id()} for n in range(count)]


def ready_room(hotel, number="801"):
    room = Room.objects.get(hall=hotel.hall, number=number)
    return services.room_inspect(room=room, actor=hotel.world.clerk)


def test_hotel02_check_in_registers_every_guest_records_the_card_and_occupies_the_room(hotel):
    reservation = booked(hotel)
    room = ready_room(hotel)
    services.room_assign(reservation=reservation, room=room, actor=hotel.world.clerk)
    guests = guests_of(2)
    services.guest_check_in(
        reservation=reservation, guests=guests, room_card="RC-0801-1", actor=hotel.world.clerk, now=NOW
    )
    reservation.refresh_from_db()
    room.refresh_from_db()
    assert reservation.status == ReservationStatus.CHECKED_IN and reservation.room_card == "RC-0801-1"
    assert room.housekeeping == Room.Housekeeping.OCCUPIED and not room.inspected
    assert sorted(GuestRegistration.objects.values_list("document_number", flat=True)) == sorted(
        g["number"] for g in guests
    )
    audit = AuditEntry.objects.get(action="hotel.check_in")
    assert all(g["number"] not in str(audit.data) for g in guests) and "801" in str(audit.data)


def test_hotel02_a_room_not_inspected_or_of_another_type_or_held_is_refused(hotel):
    reservation = booked(hotel)
    with pytest.raises(Unprocessable) as wrong_type:
        services.room_assign(reservation=reservation, room=Room.objects.get(number="701"), actor=hotel.world.clerk)
    room = Room.objects.get(number="801")
    services.room_assign(reservation=reservation, room=room, actor=hotel.world.clerk)
    with pytest.raises(Conflict) as not_ready:
        services.guest_check_in(
            reservation=reservation, guests=guests_of(2), room_card="RC-1", actor=hotel.world.clerk, now=NOW
        )
    other = booked(hotel, guests=1)
    with pytest.raises(Conflict) as held:
        services.room_assign(reservation=other, room=room, actor=hotel.world.clerk)
    assert (wrong_type.value.code, not_ready.value.code, held.value.code) == ("wrong_type", "room_not_ready", "taken")
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.BOOKED


@pytest.mark.parametrize(
    ("guests", "card", "code"),
    [
        (1, "RC-1", "guests_missing"),
        (2, "", "card_missing"),
        (2, "6222021001101234", "card_number"),
    ],
)
def test_hotel02_every_guest_and_the_room_card_are_needed(hotel, guests, card, code):
    reservation = booked(hotel)
    services.room_assign(reservation=reservation, room=ready_room(hotel), actor=hotel.world.clerk)
    with pytest.raises(Unprocessable) as refused:
        services.guest_check_in(
            reservation=reservation, guests=guests_of(guests), room_card=card, actor=hotel.world.clerk, now=NOW
        )
    assert refused.value.code == code and not GuestRegistration.objects.exists()


def test_hotel02_a_bad_document_names_the_guest_and_nothing_is_written(hotel):
    reservation = booked(hotel)
    services.room_assign(reservation=reservation, room=ready_room(hotel), actor=hotel.world.clerk)
    guests = guests_of(2)
    guests[1]["number"] = "110101199003070000"  # a wrong check digit
    with pytest.raises(Unprocessable) as refused:
        services.guest_check_in(
            reservation=reservation, guests=guests, room_card="RC-1", actor=hotel.world.clerk, now=NOW
        )
    assert str(refused.value.message).startswith("Guest 2:")
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.BOOKED
    assert Room.objects.get(number="801").housekeeping == Room.Housekeeping.VACANT_CLEAN


def test_hotel02_a_foreign_guest_registers_with_a_passport_and_only_on_the_arrival_day(hotel):
    tomorrow = booked(hotel, guests=1, arrival=TODAY + dt.timedelta(days=1))
    services.room_assign(reservation=tomorrow, room=ready_room(hotel), actor=hotel.world.clerk)
    passport = [{"name": "John Smith", "kind": "passport", "number": "E12345678"}]
    with pytest.raises(Unprocessable) as early:
        services.guest_check_in(
            reservation=tomorrow, guests=passport, room_card="RC-1", actor=hotel.world.clerk, now=NOW
        )
    assert early.value.code == "not_arrival_day"
    services.guest_check_in(
        reservation=tomorrow, guests=passport, room_card="RC-1", actor=hotel.world.clerk, now=NOW + dt.timedelta(days=1)
    )
    assert GuestRegistration.objects.get().document_kind == "passport"


def test_hotel02_the_front_desk_gives_the_room_inspects_it_checks_in_and_welcomes_the_guest(client, hotel):
    import time_machine
    from django.urls import reverse

    reservation = booked(hotel, guests=1)
    kwargs = {"hall": hotel.hall.code, "reservation": reservation.pk}
    room = Room.objects.get(number="802")
    number = make_resident_id()
    client.force_login(hotel.world.clerk)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("hotel:reservation", kwargs=kwargs)).content.decode()
        assert "Greet the guest:" in page and "Good day, 张三" in page
        client.post(reverse("hotel:assign_room", kwargs=kwargs), {"room": room.pk})
        not_ready = client.post(
            reverse("hotel:check_in", kwargs=kwargs),
            {"name_1": "张三", "kind_1": "resident_id", "number_1": number, "room_card": "RC-802"},
        )
        assert not_ready.status_code == 409 and "is not ready" in not_ready.content.decode()
        client.post(reverse("hotel:inspect_room", kwargs=kwargs), {"room": room.pk})
        bad = client.post(
            reverse("hotel:check_in", kwargs=kwargs),
            {"name_1": "张三", "kind_1": "resident_id", "number_1": "123", "room_card": "RC-802"},
        )
        assert bad.status_code == 422 and "Guest 1:" in bad.content.decode()
        done = client.post(
            reverse("hotel:check_in", kwargs=kwargs),
            {"name_1": "张三", "kind_1": "resident_id", "number_1": number, "room_card": "RC-802"},
            follow=True,
        ).content.decode()
    assert "Checked in" in done and "Wi-Fi: Demo-Hotel" in done and "Breakfast 6:30" in done
    assert "Room 802 · room card RC-802" in done
    assert number not in done and f"{number[:3]}***********{number[-4:]}" in done  # the number masked
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_IN
