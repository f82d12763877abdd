"""HOTEL04 on PostgreSQL with real threads: check-out takes the balance once, whether two clerks settle the same
bill at once (different request keys) or one check-out is sent twice (the same key)."""

import contextlib
import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from servicehall.billing.models import Payment, PaymentPurpose
from servicehall.core.errors import ApplicationError
from servicehall.hotel import selectors_folio, services, services_folio
from servicehall.hotel.models import Departure, Reservation, Room
from servicehall.hotel.states import ReservationStatus
from testsupport.customers import make_resident_id

from .conftest import NOW, TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _stay(code):
    from servicehall.catalog.services import pack_load
    from servicehall.hotel.models import RatePlan, RoomType
    from testsupport.world import build_world

    world = build_world(code)
    pack_load(hall=world.hall, code="hotel")
    services.hotel_load(hall=world.hall)
    king = RoomType.objects.get(hall=world.hall, code="king")
    plan = RatePlan.objects.get(hall=world.hall, code="room_only")
    room = Room.objects.create(hall=world.hall, number="801", floor=8, room_type=king)
    reservation = services.reservation_create(
        hall=world.hall,
        room_type=king,
        rate_plan=plan,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=1),
        guests=1,
        guest_name="李四",
        phone="13900000021",
        channel="phone",
        actor=world.clerk,
        now=NOW,
    )
    services.room_inspect(room=room, actor=world.clerk)
    services.room_assign(reservation=reservation, room=room, actor=world.clerk)
    services.guest_check_in(
        reservation=reservation,
        guests=[{"name": "李四", "kind": "resident_id", "number": make_resident_id()}],
        room_card="RC-9",
        actor=world.clerk,
        now=NOW,
    )
    return world, Reservation.objects.get(pk=reservation.pk)


def _race(monkeypatch, world, reservation, keys_and_clerks):
    # Hold each check-out after it read the bill until the other read it too: both saw 428.00 due.
    read = threading.Barrier(len(keys_and_clerks))
    summary = selectors_folio.folio_summary

    def summary_then_wait(*args, **kwargs):
        result = summary(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            with contextlib.suppress(threading.BrokenBarrierError):
                read.wait(timeout=5)
        return result

    monkeypatch.setattr(services_folio, "folio_summary", summary_then_wait)
    results: list[str] = []

    def settle(clerk, key):
        try:
            result = services_folio.folio_check_out(
                reservation=Reservation.objects.get(pk=reservation.pk),
                method="card",
                pos_reference="POS123456",
                idempotency_key=key,
                actor=clerk,
            )
            results.append("paid" if result["payment"] is not None else "departed")
        except ApplicationError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        threads = [threading.Thread(target=settle, args=(clerk, key)) for clerk, key in keys_and_clerks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return results


def test_hotel04_two_clerks_settling_one_bill_at_once_take_the_balance_once(postgres_only, threads_db, monkeypatch):
    world, reservation = _stay("hfa")
    results = _race(monkeypatch, world, reservation, [(world.clerk, "out-a"), (world.clerk2, "out-b")])
    assert sorted(results) == ["not_payable", "paid"]
    payments = Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO)
    assert [p.amount for p in payments] == [Decimal("428.00")]
    assert Departure.objects.filter(reservation=reservation).count() == 1
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_OUT


def test_hotel04_a_check_out_sent_twice_charges_once(postgres_only, threads_db, monkeypatch):
    world, reservation = _stay("hfb")
    results = _race(monkeypatch, world, reservation, [(world.clerk, "out-same"), (world.clerk, "out-same")])
    assert results == ["paid", "paid"]  # the retry gets the first payment back
    assert Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO).count() == 1
    assert Departure.objects.filter(reservation=reservation).count() == 1
