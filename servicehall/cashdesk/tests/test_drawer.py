"""CASH01 drawer sessions and CASH02 suspect notes, through the services and billing's cash payments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.billing.models import Payment
from servicehall.cashdesk import selectors, services
from servicehall.cashdesk.models import (
    CountPurpose,
    DrawerCountLine,
    DrawerMovement,
    DrawerSession,
    DrawerStatus,
    MovementKind,
    SuspectNote,
)
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world

from .helpers import order_without_drawer, paid_cash, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world("ha")


def test_cash01_float_plus_cash_payments_minus_change_is_the_expected_balance(world):
    session = open_drawer(world, float_amount="500.00")
    paid_cash(world, "30.00", "50.00")  # in 50, change 20
    paid_cash(world, "12.50", "100.00")  # in 100, change 87.50
    paid_cash(world, "88.00", "88.00")  # in 88, no change
    paid_cash(world, "40.00", "", method="card")  # not cash: not in the drawer
    assert selectors.drawer_expected(session=session) == Decimal("500.00") + Decimal("30.00") + Decimal(
        "12.50"
    ) + Decimal("88.00")
    kinds = list(DrawerMovement.objects.filter(session=session).values_list("kind", "amount"))
    assert kinds == [
        (MovementKind.FLOAT, Decimal("500.00")),
        (MovementKind.PAYMENT_IN, Decimal("50.00")),
        (MovementKind.CHANGE_OUT, Decimal("20.00")),
        (MovementKind.PAYMENT_IN, Decimal("100.00")),
        (MovementKind.CHANGE_OUT, Decimal("87.50")),
        (MovementKind.PAYMENT_IN, Decimal("88.00")),
    ]
    assert all(m.payment_id for m in DrawerMovement.objects.exclude(kind=MovementKind.FLOAT))


def test_cash01_the_opening_float_is_counted_by_denomination_one_row_each(world):
    session = open_drawer(world, float_amount="386.50")
    lines = {
        line.denomination: line.quantity
        for line in DrawerCountLine.objects.filter(session=session, purpose=CountPurpose.OPENING)
    }
    assert len(lines) == 8
    assert lines[Decimal("100.00")] == 3 and lines[Decimal("50.00")] == 1 and lines[Decimal("0.50")] == 1
    assert session.opening_float == Decimal("386.50")


def test_cash01_no_open_drawer_refuses_a_cash_payment_409_and_writes_nothing(world):
    order = order_without_drawer(world)
    with pytest.raises(Conflict) as exc:
        pay(world, order, key="no-drawer")
    assert exc.value.code == "no_open_drawer"
    assert "no open cash drawer" in str(exc.value.message)
    assert not Payment.objects.filter(hall=world.hall).exists()
    assert not world.hall.receipts.exists()
    assert not DrawerMovement.objects.exists()


def test_cash01_a_card_payment_needs_no_drawer(world):
    payment = paid_cash(world, "30.00", "", method="card")
    assert payment.status == "succeeded"


def test_cash01_close_records_the_count_by_denomination_and_the_difference(world):
    session = open_drawer(world, float_amount="500.00")
    paid_cash(world, "30.00", "50.00")
    short = counts_for("520.00")  # 500 float + 30 taken = 530 expected; the clerk counts 10 yuan short
    with pytest.raises(Unprocessable) as exc:
        services.drawer_close(session=session, actor=world.clerk, counts=short, note="")
    assert exc.value.code == "note_required"
    assert DrawerSession.objects.get(pk=session.pk).status == DrawerStatus.OPEN
    closed = services.drawer_close(session=session, actor=world.clerk, counts=short, note="10 yuan change given twice")
    assert closed.status == DrawerStatus.CLOSED
    assert (closed.counted, closed.expected, closed.difference) == (
        Decimal("520.00"),
        Decimal("530.00"),
        Decimal("-10.00"),
    )
    assert closed.note == "10 yuan change given twice"
    assert DrawerCountLine.objects.filter(session=session, purpose=CountPurpose.CLOSING).count() == 8


def test_cash01_a_matching_count_closes_without_a_note(world):
    session = open_drawer(world, float_amount="200.00")
    closed = services.drawer_close(session=session, actor=world.clerk, counts=counts_for("200.00"))
    assert closed.difference == Decimal("0.00")


@pytest.mark.parametrize(
    ("counts", "code"),
    [
        ({"100.00": "-1"}, "bad_count"),
        ({"100.00": "1.5"}, "bad_count"),
        ({"100.00": "abc"}, "bad_count"),
        ({"0.01": 3}, "unknown_denomination"),
        ({"30": 1}, "unknown_denomination"),
        ({"0.5": 1, "0.50": 2}, "bad_count"),
        ("100", "bad_count"),
    ],
)
def test_cash01_a_bad_count_is_refused_422_and_no_drawer_is_opened(world, counts, code):
    with pytest.raises(Unprocessable) as exc:
        services.drawer_open(hall=world.hall, counter=world.counter1, clerk=world.clerk, counts=counts)
    assert exc.value.code == code
    assert not DrawerSession.objects.exists()


def test_cash01_one_open_drawer_per_clerk_and_per_counter(world):
    open_drawer(world)
    with pytest.raises(Conflict) as exc:
        services.drawer_open(hall=world.hall, counter=world.counter2, clerk=world.clerk, counts={})
    assert exc.value.code == "drawer_already_open"
    with pytest.raises(Conflict) as exc:
        services.drawer_open(hall=world.hall, counter=world.counter1, clerk=world.clerk2, counts={})
    assert exc.value.code == "counter_busy"
    assert DrawerSession.objects.count() == 1


def test_cash01_only_the_clerk_closes_her_drawer(world):
    session = open_drawer(world)
    with pytest.raises(Forbidden):
        services.drawer_close(session=session, actor=world.clerk2, counts=counts_for("500.00"))


def test_cash01_movements_are_append_only(world):
    session = open_drawer(world)
    movement = DrawerMovement.objects.get(session=session)
    with pytest.raises(RuntimeError):
        movement.save()
    with pytest.raises(RuntimeError):
        movement.delete()


def test_cash01_a_closed_drawer_refuses_cash_and_hall_b_clerk_has_no_drawer_here(world):
    other = build_world("hb")
    session = open_drawer(world)
    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("500.00"))
    with pytest.raises(Conflict):
        services.drawer_record_cash(
            hall=world.hall, clerk=world.clerk, amount_in=Decimal("10.00"), amount_out=Decimal("0.00")
        )
    with pytest.raises(Forbidden):
        services.drawer_open(hall=world.hall, counter=world.counter1, clerk=other.clerk, counts={})


def test_cash01_a_cash_refund_cannot_pay_out_more_than_the_drawer_holds(world):
    open_drawer(world, float_amount="50.00")
    with pytest.raises(Conflict) as exc:
        services.drawer_record_cash(
            hall=world.hall, clerk=world.clerk, amount_in=Decimal("0.00"), amount_out=Decimal("60.00")
        )
    assert exc.value.code == "not_enough_cash"


def test_cash02_a_suspect_note_is_recorded_and_does_not_change_the_balance(world):
    session = open_drawer(world, float_amount="500.00")
    before = selectors.drawer_expected(session=session)
    note = services.suspect_note_record(session=session, actor=world.clerk, denomination="100", serial=" fa12345678 ")
    assert note.serial == "FA12345678"
    assert note.denomination == Decimal("100.00")
    assert note.note == "Customer asked for another note."
    assert selectors.drawer_expected(session=session) == before
    assert DrawerMovement.objects.filter(session=session).count() == 1


@pytest.mark.parametrize("serial", ["FA-1234", "ABCDEFGHIJKLM", "中文12"])
def test_cash02_a_bad_serial_number_is_refused_422(world, serial):
    session = open_drawer(world)
    with pytest.raises(Unprocessable) as exc:
        services.suspect_note_record(session=session, actor=world.clerk, denomination="100", serial=serial)
    assert exc.value.code == "bad_serial"
    assert not SuspectNote.objects.exists()


def test_cash02_a_suspect_note_needs_a_real_denomination(world):
    session = open_drawer(world)
    with pytest.raises(Unprocessable) as exc:
        services.suspect_note_record(session=session, actor=world.clerk, denomination="200")
    assert exc.value.code == "unknown_denomination"
