"""Changing a booking (HOTEL01): dates, room type, rate plan and guests of a reservation booked and not yet
arrived, re-quoted night by night, never beyond the rooms of a type on any night (its own nights not counted
twice; also at once, on PostgreSQL), the policy's change fee, audited and in the history."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import translation

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.core.stored_notes import note_in_reader_language
from servicehall.hotel import services
from servicehall.hotel.models import FolioCharge, Reservation, RoomRate
from servicehall.hotel.states import ReservationStatus

from .conftest import NOW, TODAY
from .test_hotel01_reservations import reserve

pytestmark = pytest.mark.django_db
IN_3 = TODAY + dt.timedelta(days=3)


def change(hotel, reservation, *, room_type=None, plan=None, arrival=None, nights=None, guests=None, **kwargs):
    arrival = arrival or reservation.arrival
    return services.reservation_change(
        reservation=reservation,
        room_type=room_type or reservation.room_type,
        rate_plan=plan or reservation.rate_plan,
        arrival=arrival,
        departure=arrival + dt.timedelta(days=nights or reservation.nights),
        guests=guests or reservation.guests,
        actor=kwargs.pop("actor", hotel.world.clerk),
        now=kwargs.pop("now", NOW),
    )


def test_hotel01_a_change_is_requoted_at_the_new_nights_rates(hotel):
    booked = reserve(hotel, arrival=IN_3, nights=2, guests=1)
    RoomRate.objects.create(room_type=hotel.king, night=IN_3 + dt.timedelta(days=2), rate=Decimal("528.00"))
    changed = change(hotel, booked, arrival=IN_3 + dt.timedelta(days=1), nights=3, plan=hotel.breakfast, guests=2)
    # Nights 4, 5, 6 days ahead: 428, 528 (its own rate), 428, each + breakfast 38 × 2 guests.
    expected = [Decimal("504.00"), Decimal("604.00"), Decimal("504.00")]
    stored = Reservation.objects.get(pk=booked.pk)
    assert list(stored.nights_quoted.order_by("night").values_list("price", flat=True)) == expected
    assert stored.total == changed.total == sum(expected)
    assert (stored.arrival, stored.departure, stored.guests) == (
        IN_3 + dt.timedelta(days=1),
        IN_3 + dt.timedelta(days=4),
        2,
    )
    assert changed.change_fee == 0 and not FolioCharge.objects.exists()
    move = stored.moves.order_by("-id").first()
    assert (move.from_status, move.to_status) == ("booked", "booked") and "1612.00" in move.note
    audit = AuditEntry.objects.get(action="hotel.reservation_change")
    assert audit.data["fee"] == "0" and audit.data["total"] == ["856.00", "1612.00"]
    assert OutgoingMessage.objects.filter(purpose="hotel_changed").count() == 1


@pytest.mark.parametrize(
    ("written_in", "read_in", "reads", "not_reads"),
    [("en", "zh-hans", "已修改：", "Changed:"), ("zh-hans", "en", "Changed:", "已修改：")],
)
def test_hotel01_the_change_noted_in_the_history_reads_in_the_readers_language(
    hotel, written_in, read_in, reads, not_reads
):
    """The program notes a change in the language it spoke; the history reads it in the reader's, with the same
    dates and total."""
    booked = reserve(hotel, arrival=IN_3, nights=2, guests=1)
    with translation.override(written_in):
        change(hotel, booked, nights=3)
    note = Reservation.objects.get(pk=booked.pk).moves.order_by("-id").first().note
    with translation.override(read_in):
        shown = note_in_reader_language(note)
    assert shown.startswith(reads) and not_reads not in shown
    assert IN_3.isoformat() in shown and "1284.00" in shown
    with translation.override(read_in):
        assert note_in_reader_language("客人要求 late arrival") == "客人要求 late arrival"  # typed: as typed


def test_hotel01_a_change_keeping_the_type_does_not_count_its_own_nights_twice(hotel):
    # Both king rooms are held on both nights: a change of one of them (one guest, one night) fits, because its
    # own nights are not counted against it.
    first = reserve(hotel, arrival=IN_3, nights=2, phone="13900000001")
    reserve(hotel, arrival=IN_3, nights=2, phone="13900000002")
    changed = change(hotel, first, nights=1, guests=1)
    assert changed.total == Decimal("428.00")
    assert change(hotel, first, arrival=IN_3, nights=2).total == Decimal("856.00")


def test_hotel01_a_change_never_goes_beyond_the_rooms_of_the_type(hotel):
    first = reserve(hotel, arrival=IN_3, nights=1, phone="13900000001", room_type=hotel.twin)
    reserve(hotel, arrival=IN_3, nights=1, phone="13900000002")
    reserve(hotel, arrival=IN_3, nights=1, phone="13900000003")
    with pytest.raises(Conflict) as sold_out:
        change(hotel, first, room_type=hotel.king)  # both king rooms are held that night
    assert sold_out.value.code == "sold_out"
    stored = Reservation.objects.get(pk=first.pk)
    assert stored.room_type == hotel.twin and stored.nights_quoted.count() == 1
    assert not AuditEntry.objects.filter(action="hotel.reservation_change").exists()


def test_hotel01_a_late_change_costs_the_policys_fee_on_the_bill(hotel):
    late = reserve(hotel, arrival=TODAY + dt.timedelta(days=1), nights=2)
    # Check-in is at 14:00: free until 14:00 the day before arrival; later, the first night as quoted.
    changed = change(hotel, late, nights=1, now=NOW.replace(hour=15))
    assert changed.change_fee == Decimal("428.00")
    fee = FolioCharge.objects.get(reservation=late)
    assert fee.kind == FolioCharge.Kind.CHANGE_FEE and fee.amount == Decimal("428.00")
    early = reserve(hotel, arrival=IN_3, nights=1, phone="13900000002")
    assert change(hotel, early, nights=2).change_fee == 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"arrival": TODAY - dt.timedelta(days=1)}, "past_arrival"),
        ({"nights": 40}, "too_long"),
        ({"guests": 9}, "bad_guests"),
        ({}, "same"),
    ],
)
def test_hotel01_a_bad_change_is_refused_and_nothing_written(hotel, kwargs, code):
    booked = reserve(hotel, arrival=IN_3, nights=2)
    with pytest.raises(Unprocessable) as refused:
        change(hotel, booked, **kwargs)
    assert refused.value.code == code
    assert Reservation.objects.get(pk=booked.pk).total == booked.total


def test_hotel01_only_a_booked_reservation_changes_and_only_by_the_halls_front_desk(hotel, other_world):
    booked = reserve(hotel, arrival=IN_3, nights=2)
    with pytest.raises(Forbidden):
        change(hotel, booked, nights=1, actor=other_world.clerk)
    services.reservation_cancel(reservation=booked, actor=hotel.world.clerk, now=NOW)
    with pytest.raises(Conflict) as closed:
        change(hotel, booked, nights=1)
    assert closed.value.code == "not_open"
    assert Reservation.objects.get(pk=booked.pk).status == ReservationStatus.CANCELLED


def test_hotel01_the_reservation_page_changes_a_booking_and_bad_input_is_4xx(client, hotel):
    booked = reserve(hotel, arrival=IN_3, nights=2, guests=1)
    client.force_login(hotel.world.clerk)
    url = reverse("hotel:change", kwargs={"hall": hotel.hall.code, "reservation": booked.pk})
    form = {
        "room_type": hotel.king.pk,
        "rate_plan": hotel.breakfast.pk,
        "arrival": IN_3.isoformat(),
        "departure": (IN_3 + dt.timedelta(days=1)).isoformat(),
        "guests": "1",
    }
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": booked.pk}))
        assert 'data-testid="hotel-change-form"' in page.content.decode()
        done = client.post(url, form, follow=True)
        assert done.status_code == 200 and "is changed: 466.00 yuan in all" in done.content.decode()
        bad = client.post(url, {**form, "departure": "soon"})
        assert bad.status_code == 422 and "Enter the departure as a date." in bad.content.decode()
        full = client.post(url, {**form, "guests": "7"})
        assert full.status_code == 422 and "takes 1 to" in full.content.decode()
        wrong = client.post(url, {**form, "room_type": "999999"})
        assert 400 <= wrong.status_code < 500
    assert Reservation.objects.get(pk=booked.pk).total == Decimal("466.00")


def test_hotel01_the_change_api_requotes_and_another_hall_gets_404(client, hotel, other_world):
    booked = reserve(hotel, arrival=IN_3, nights=2, guests=1)
    url = f"/api/v1/hotel/halls/{hotel.hall.code}/reservations/{booked.pk}/change"
    body = {
        "room_type": hotel.twin.pk,
        "rate_plan": hotel.room_only.pk,
        "arrival": IN_3.isoformat(),
        "departure": (IN_3 + dt.timedelta(days=1)).isoformat(),
        "guests": 1,
    }
    with time_machine.travel(NOW, tick=False):
        client.force_login(other_world.clerk)
        assert client.post(url, body, content_type="application/json").status_code == 404
        other_url = f"/api/v1/hotel/halls/{other_world.hall.code}/reservations/{booked.pk}/change"
        assert client.post(other_url, body, content_type="application/json").status_code == 404
        client.force_login(hotel.world.clerk)
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert answer.json()["change_fee"] == "0.00"
        bad = client.post(url, {**body, "guests": 0}, content_type="application/json")
        assert bad.status_code == 400
        same = client.post(url, body, content_type="application/json")
        assert same.status_code == 422
    stored = Reservation.objects.get(pk=booked.pk)
    assert stored.room_type == hotel.twin and stored.total == Decimal(answer.json()["total"])
    assert stored.total == stored.nights_quoted.get().price == hotel.twin.base_rate


def test_hotel01_the_change_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/hotel/halls/{hall}/reservations/{reservation}/change" in schema


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hotel01_two_changes_into_the_last_room_at_once_fit_once(postgres_only, threads_db, monkeypatch):
    from servicehall.catalog.services import pack_load
    from servicehall.hotel.models import RatePlan, Room, RoomType
    from testsupport.world import build_world

    world = build_world("htc")
    pack_load(hall=world.hall, code="hotel")
    services.hotel_load(hall=world.hall)
    king = RoomType.objects.get(hall=world.hall, code="king")
    twin = RoomType.objects.get(hall=world.hall, code="standard_twin")
    plan = RatePlan.objects.get(hall=world.hall, code="room_only")
    Room.objects.create(hall=world.hall, number="801", floor=8, room_type=king)
    Room.objects.create(hall=world.hall, number="701", floor=7, room_type=twin)
    Room.objects.create(hall=world.hall, number="702", floor=7, room_type=twin)
    booked = [
        services.reservation_create(
            hall=world.hall,
            room_type=twin,
            rate_plan=plan,
            arrival=IN_3,
            departure=IN_3 + dt.timedelta(days=1),
            guests=1,
            guest_name="李四",
            phone=phone,
            channel="phone",
            actor=world.clerk,
            now=NOW,
        )
        for phone in ("13900000021", "13900000022")
    ]
    # Hold each change after it counted the nights held until the other counted too: without the room type's
    # lock both see the last king room free and both move into it.
    counted = threading.Barrier(2)
    held = services.nights_held

    def held_then_wait(*args, **kwargs):
        result = held(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=5)
        return result

    monkeypatch.setattr(services, "nights_held", held_then_wait)
    results: list[str] = []

    def move(clerk, reservation):
        try:
            services.reservation_change(
                reservation=reservation,
                room_type=king,
                rate_plan=plan,
                arrival=IN_3,
                departure=IN_3 + dt.timedelta(days=1),
                guests=1,
                actor=clerk,
                now=NOW,
            )
            results.append("changed")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(clerk, reservation))
        for clerk, reservation in zip((world.clerk, world.clerk2), booked, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["changed", "sold_out"]
    assert Reservation.objects.filter(room_type=king).count() == 1


def test_hotel01_the_guests_page_states_the_change_policy_from_the_pack(client, hotel):
    page = client.get(reverse("hotel:rooms_info", kwargs={"hall": hotel.hall.code})).content.decode()
    assert "Free changes (dates, room, guests) until 24 hours before check-in time" in page
