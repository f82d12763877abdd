"""CASH04 daily settlement: totals from the records, closing rules, the locked day, corrections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehall.billing.models import Payment
from servicehall.cashdesk import selectors, services
from servicehall.cashdesk.models import Settlement, SettlementCorrection, SettlementStatus
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from testsupport.cashdesk import counts_for, open_drawer
from testsupport.world import build_world

from .helpers import order_without_drawer, paid_cash, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world("ha")


def _close_all(world):
    for clerk in (world.clerk, world.clerk2):
        session = selectors.drawer_open_for(hall=world.hall, clerk=clerk)
        if session is not None:
            expected = selectors.drawer_expected(session=session)
            services.drawer_close(session=session, actor=clerk, counts=counts_for(expected))


def test_cash04_the_settlement_shows_payments_by_method_receipts_drawers_and_suspect_notes(world):
    session = open_drawer(world, float_amount="500.00")
    open_drawer(world, clerk=world.clerk2, float_amount="100.00")
    first = paid_cash(world, "30.00", "50.00")
    paid_cash(world, "20.00", "20.00", clerk=world.clerk2)
    last = paid_cash(world, "45.00", "", method="card")
    services.suspect_note_record(session=session, actor=world.clerk, denomination="50", serial="AB12")
    summary = selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())
    methods = {row["method"]: (row["count"], row["total"]) for row in summary["payments"]["methods"]}
    assert methods == {"cash": (2, "50.00"), "card": (1, "45.00")}
    assert summary["payments"]["total"] == "95.00"
    assert (summary["receipts"]["first"], summary["receipts"]["last"]) == (first.receipt.number, last.receipt.number)
    assert summary["suspect_notes"][0]["serial"] == "AB12"
    assert {(d["clerk"], d["expected"]) for d in summary["drawers"]} == {
        ("clerk_ha", "530.00"),
        ("clerk2_ha", "120.00"),
    }
    per_clerk = {row["clerk"]: row["payments_total"] for row in summary["per_clerk"]}
    assert per_clerk == {"clerk_ha": "75.00", "clerk2_ha": "20.00"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["cash", "card"]),
            st.decimals(min_value=Decimal("0.10"), max_value=Decimal("300.00"), places=1),
            st.sampled_from([Decimal("0"), Decimal("0.50"), Decimal("20"), Decimal("100")]),
        ),
        min_size=0,
        max_size=6,
    )
)
def test_cash04_settlement_totals_equal_the_sum_of_their_records(django_db_blocker, payments):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world("hp")
        open_drawer(world, float_amount="1000.00")
        for method, fee, extra in payments:
            fee_text = f"{fee:.2f}"
            paid_cash(world, fee_text, f"{fee + extra:.2f}" if method == "cash" else "", method=method)
        summary = selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())
        records = list(Payment.objects.filter(hall=world.hall))
        assert Decimal(summary["payments"]["total"]) == sum((p.amount for p in records), Decimal("0"))
        assert summary["payments"]["count"] == len(records)
        for row in summary["payments"]["methods"]:
            mine = [p for p in records if p.method == row["method"]]
            assert (row["count"], Decimal(row["total"])) == (len(mine), sum(p.amount for p in mine))
        cash = sum((p.amount for p in records if p.method == "cash"), Decimal("0"))
        drawer = summary["drawers"][0]
        assert Decimal(drawer["expected"]) == Decimal("1000.00") + cash
        transaction.set_rollback(True)


def test_cash04_closing_with_an_open_drawer_is_refused_409(world):
    open_drawer(world)
    with pytest.raises(Conflict) as exc:
        services.settlement_close(hall=world.hall, day=world.hall.local_date(), actor=world.manager)
    assert exc.value.code == "drawers_open"
    assert "counter(s) 1" in str(exc.value.message)
    assert not selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())


def test_cash04_only_the_duty_manager_closes_the_day(world):
    with pytest.raises(Forbidden):
        services.settlement_close(hall=world.hall, day=world.hall.local_date(), actor=world.clerk)


def test_cash04_after_close_the_day_is_locked_and_new_records_are_refused(world):
    open_drawer(world, float_amount="500.00")
    paid_cash(world, "30.00", "50.00")
    _close_all(world)
    day = world.hall.local_date()
    services.settlement_record_deposit(
        hall=world.hall,
        day=day,
        actor=world.manager,
        amount="530.00",
        carried_by="Wang",
        escort="Li, Zhao",
        slip_number="DS-2026-001",
    )
    settlement = services.settlement_close(hall=world.hall, day=day, actor=world.manager)
    assert settlement.status == SettlementStatus.CLOSED
    assert selectors.day_is_closed(hall=world.hall, day=day)
    assert settlement.summary["payments"]["total"] == "30.00"
    assert settlement.summary["deposit"]["slip_number"] == "DS-2026-001"
    # No drawer opens, no payment is taken, the deposit cannot change, the day cannot close twice.
    with pytest.raises(Conflict) as exc:
        open_drawer(world)
    assert exc.value.code == "day_closed"
    order = order_without_drawer(world)
    with pytest.raises(Exception) as refused:
        pay(world, order, key="after-close")
    assert getattr(refused.value, "status_code", None) in (409, 422)
    assert Payment.objects.filter(hall=world.hall).count() == 1
    with pytest.raises(Conflict):
        services.settlement_record_deposit(
            hall=world.hall, day=day, actor=world.manager, amount="1.00", carried_by="X", escort="Y", slip_number="1"
        )
    with pytest.raises(Conflict):
        services.settlement_close(hall=world.hall, day=day, actor=world.manager)


def test_cash04_a_correction_is_a_new_record_referencing_the_closed_settlement(world):
    day = world.hall.local_date()
    with pytest.raises(Conflict) as exc:
        services.settlement_correct(hall=world.hall, day=day, actor=world.manager, amount="5", reason="late find")
    assert exc.value.code == "settlement_open"
    closed = services.settlement_close(hall=world.hall, day=day, actor=world.manager)
    with pytest.raises(Unprocessable):
        services.settlement_correct(hall=world.hall, day=day, actor=world.manager, amount="5", reason=" ")
    correction = services.settlement_correct(
        hall=world.hall, day=day, actor=world.manager, amount="-10.00", reason="Counterfeit found by the bank"
    )
    assert correction.settlement_id == closed.pk and correction.amount == Decimal("-10.00")
    assert SettlementCorrection.objects.count() == 1
    closed.refresh_from_db()
    assert closed.status == SettlementStatus.CLOSED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"amount": "-1"}, "bad_amount"),
        ({"amount": "1.001"}, "bad_amount"),
        ({"carried_by": ""}, "deposit_people_missing"),
        ({"slip_number": "no spaces"}, "bad_slip_number"),
    ],
)
def test_cash04_a_bad_deposit_slip_is_refused_422_and_nothing_is_saved(world, fields, code):
    values = {"amount": "100.00", "carried_by": "Wang", "escort": "Li", "slip_number": "DS1"} | fields
    with pytest.raises(Unprocessable) as exc:
        services.settlement_record_deposit(hall=world.hall, day=world.hall.local_date(), actor=world.manager, **values)
    assert exc.value.code == code
    assert not Settlement.objects.exclude(deposit_amount=None).exists()


def test_cash04_hall_b_sees_nothing_of_hall_a(world):
    other = build_world("hb")
    open_drawer(world)
    paid_cash(world, "30.00", "50.00")
    summary = selectors.settlement_summary(hall=other.hall, day=other.hall.local_date())
    assert summary["payments"]["count"] == 0 and summary["drawers"] == []
    assert selectors.drawers_open_in_hall(hall=other.hall) == []
    with pytest.raises(Forbidden):
        services.settlement_close(hall=world.hall, day=world.hall.local_date(), actor=other.manager)


def test_cash01_cash04_a_cash_refund_leaves_the_drawer_and_shows_in_the_settlement(world):
    from servicehall.billing import services as billing_services

    session = open_drawer(world, float_amount="100.00")
    payment = paid_cash(world, "30.00", "50.00")
    refund, created = billing_services.refund_request(
        actor=world.clerk, payment=payment, amount="10.00", reason="Fee charged twice"
    )
    assert created and refund.status == "paid"
    assert selectors.drawer_expected(session=session) == Decimal("120.00")
    movement = session.movements.get(kind="refund_out")
    assert (movement.amount, movement.refund_id) == (Decimal("10.00"), refund.pk)
    summary = selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())
    assert summary["refunds"]["paid_total"] == "10.00" and summary["refunds"]["count"] == 1
    assert summary["per_clerk"][0]["refunds_total"] == "10.00"


def test_cash04_the_settlement_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    open_drawer(world, float_amount="100.00")
    open_drawer(world, clerk=world.clerk2, float_amount="100.00")
    for _ in range(2):
        paid_cash(world, "30.00", "50.00")
        paid_cash(world, "20.00", "20.00", clerk=world.clerk2)
    session = selectors.drawer_open_for(hall=world.hall, clerk=world.clerk)
    services.suspect_note_record(session=session, actor=world.clerk, denomination="100")
    with django_assert_max_num_queries(10):
        selectors.settlement_summary(hall=world.hall, day=world.hall.local_date())


def test_cash04_a_deposit_that_differs_from_the_cash_to_the_bank_is_listed_as_a_difference(world):
    session = open_drawer(world, float_amount="100.00")
    services.drawer_close(session=session, actor=world.clerk, counts=counts_for("100.00"))
    day = world.hall.local_date()
    services.settlement_record_deposit(
        hall=world.hall, day=day, actor=world.manager, amount="90.00", carried_by="Wang", escort="Li", slip_number="D1"
    )
    summary = selectors.settlement_summary(hall=world.hall, day=day)
    assert summary["cash"]["to_bank"] == "100.00"
    assert [(d["amount"], d["note"]) for d in summary["differences"]] == [("-10.00", "D1")]
