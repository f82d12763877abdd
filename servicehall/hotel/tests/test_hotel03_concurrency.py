"""Two clerks moving two in-house guests into the same free room at once (HOTEL03): the room's row lock makes
the second wait and find it occupied; one guest moves, the other stays (PostgreSQL, real threads)."""

import contextlib
import threading

import pytest
from django.db import connection

from servicehall.core.errors import Conflict
from servicehall.hotel import services_stay
from servicehall.hotel.models import Reservation, Room, RoomChange

from .conftest import NOW
from .stay_helpers import in_house, ready

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres
def test_hotel03_two_clerks_never_move_two_guests_into_one_room(postgres_only, threads_db, hotel, monkeypatch):
    first = in_house(hotel, "801")
    second = in_house(hotel, "802", phone="13912345676")
    # A third king room: the same type, so no room type's lock stands in for the room's.
    Room.objects.create(hall=hotel.hall, number="803", floor=8, room_type=hotel.king)
    target = ready(hotel, "803")
    # Hold each move after it checked that nobody holds the room until the other checked too: without the
    # room's lock both see it free and both move in.
    checked = threading.Barrier(2)
    taken = services_stay.room_taken

    def taken_then_wait(*args, **kwargs):
        result = taken(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(timeout=5)
        return result

    monkeypatch.setattr(services_stay, "room_taken", taken_then_wait)
    results: list[str] = []

    def move(reservation, clerk):
        try:
            services_stay.room_change(reservation=reservation, room=target, reason="换房", actor=clerk, now=NOW)
            results.append("moved")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(reservation, clerk))
        for reservation, clerk in ((first, hotel.world.clerk), (second, hotel.world.clerk2))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) in (["moved", "room_not_ready"], ["moved", "taken"])
    assert Reservation.objects.filter(room=target).count() == 1
    assert RoomChange.objects.count() == 1
    assert Room.objects.get(pk=target.pk).housekeeping == Room.Housekeeping.OCCUPIED
