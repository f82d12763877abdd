"""Taking an order's fees at the payment step (PAY01) and its receipt (PAY02), through the service."""

from decimal import Decimal

import pytest

from servicehall.billing import selectors, services
from servicehall.billing.models import Payment, Receipt
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.orders.models import OrderMove, WorkOrder
from servicehall.orders.states import OrderStatus

from .helpers import nothing_written, order_at_payment, pay

S = OrderStatus


def test_pay01_cash_payment_gives_change_and_a_receipt(world):
    order = order_at_payment(world, "30.00")
    payment, created = pay(world, order, amount="30", tendered="50")
    assert created is True
    assert (payment.amount, payment.tendered, payment.change) == (Decimal("30.00"), Decimal("50.00"), Decimal("20.00"))
    assert payment.status == "succeeded"
    assert payment.receipt.number == "R00000001"
    assert AuditEntry.objects.filter(action="payment.take", object_id=str(payment.pk)).count() == 1


def test_pay01_exact_cash_gives_no_change_and_card_records_no_tender(world):
    first, _ = pay(world, order_at_payment(world), key="a", tendered="30.00")
    card, _ = pay(world, order_at_payment(world), key="b", method="card")
    assert first.change == Decimal("0.00")
    assert (card.tendered, card.change) == (None, None)


def test_pay01_the_order_leaves_the_payment_step(world):
    order = order_at_payment(world)
    payment, _ = pay(world, order)
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == S.CLOSED
    assert order.paid_at is not None
    assert order.payment_reference == payment.receipt.number
    move = OrderMove.objects.get(order=order, from_status=S.PAYMENT, to_status=S.CLOSED)
    assert payment.receipt.number in move.note
    assert AuditEntry.objects.filter(action="order.paid", object_id=str(order.pk)).exists()
    assert not AuditEntry.objects.filter(action="order.paid_elsewhere").exists()


def test_pay01_a_retried_payment_is_charged_once(world):
    order = order_at_payment(world)
    first, created = pay(world, order, key="retry-1")
    again, created_again = pay(world, order, key="retry-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.receipt.number == first.receipt.number
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
    assert OrderMove.objects.filter(order=order, from_status=S.PAYMENT).count() == 1


def test_pay01_same_key_different_body_is_422(world):
    order = order_at_payment(world)
    pay(world, order, key="k", tendered="50.00")
    with pytest.raises(Unprocessable) as exc:
        pay(world, order, key="k", tendered="100.00")
    assert exc.value.code == "idempotency_mismatch"
    assert Payment.objects.count() == 1


def test_pay01_the_same_key_in_another_hall_is_another_payment(world, other_world):
    pay(world, order_at_payment(world), key="shared")
    payment, created = pay(other_world, order_at_payment(other_world), key="shared")
    assert created is True
    assert payment.receipt.number == "R00000001"


@pytest.mark.parametrize(
    ("amount", "tendered", "code"),
    [
        ("29.99", "50", "wrong_amount"),
        ("-30.00", "50", "bad_amount"),
        ("0", "50", "bad_amount"),
        ("30.001", "50", "bad_amount"),
        ("30.00", "49.999", "bad_amount"),
        ("abc", "50", "bad_amount"),
        ("NaN", "50", "bad_amount"),
        ("1e40", "50", "bad_amount"),
        ("30.00", "20.00", "tendered_too_little"),
        ("30.00", None, "tendered_missing"),
    ],
)
def test_pay01_bad_amounts_are_refused_with_nothing_written(world, amount, tendered, code):
    order = order_at_payment(world)
    with pytest.raises(Unprocessable) as exc:
        pay(world, order, amount=amount, tendered=tendered)
    assert exc.value.code == code
    assert str(exc.value.message)
    assert nothing_written(world.hall)
    assert WorkOrder.objects.get(pk=order.pk).status == S.PAYMENT


def test_pay01_trailing_zeros_are_not_over_precise(world):
    payment, _ = pay(world, order_at_payment(world), amount="30.000", tendered="50.0")
    assert payment.amount == Decimal("30.00")


def test_pay01_a_qr_payment_starts_pending_without_a_receipt_and_the_order_waits(world):
    order = order_at_payment(world)
    payment, created = pay(world, order, method="qr")
    assert created is True
    assert payment.status == "pending"
    assert payment.qr_content.startswith("/billing/qr-sim/")
    assert not Receipt.objects.exists()
    assert WorkOrder.objects.get(pk=order.pk).status == S.PAYMENT


def test_pay01_card_with_tender_is_refused(world):
    order = order_at_payment(world)
    with pytest.raises(Unprocessable) as exc:
        services.payment_take(
            hall=order.hall,
            actor=world.clerk,
            order=order,
            method="card",
            amount="30.00",
            tendered="50.00",
            idempotency_key="c",
            request_hash="h",
        )
    assert exc.value.code == "tendered_not_cash"
    assert nothing_written(world.hall)


def test_pay01_paying_a_closed_order_is_409_with_nothing_written(world):
    order = order_at_payment(world)
    pay(world, order, key="first")
    with pytest.raises(Conflict) as exc:
        pay(world, order, key="second")
    assert exc.value.code == "not_at_payment"
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_pay01_an_order_before_the_payment_step_cannot_be_paid(world):
    from servicehall.orders.tests.helpers import business, processed

    order = processed(world, business(world, "fee", standard_fee=Decimal("30.00")))  # still at confirmation
    with pytest.raises(Conflict):
        pay(world, order)
    assert nothing_written(world.hall)


def test_pay01_a_failure_after_the_receipt_rolls_everything_back(world, monkeypatch):
    order = order_at_payment(world)

    def broken(**kwargs):
        raise Conflict("boom")

    monkeypatch.setattr(services.purpose_handlers.order_services, "order_record_payment", broken)
    with pytest.raises(Conflict):
        pay(world, order)
    assert nothing_written(world.hall)
    monkeypatch.undo()
    payment, _ = pay(world, order)
    assert payment.receipt.number == "R00000001"  # the rolled-back number was given back: no gap


def test_pay01_only_serving_staff_of_the_hall_take_payments(world, other_world):
    order = order_at_payment(world)
    with pytest.raises(Forbidden):
        pay(world, order, actor=world.guide)
    with pytest.raises(Forbidden):
        pay(world, order, actor=other_world.clerk)
    with pytest.raises(NotFound):
        services.payment_take(
            hall=other_world.hall,
            actor=other_world.clerk,
            order=order,
            method="card",
            amount="30.00",
            idempotency_key="x",
            request_hash="h",
        )
    assert nothing_written(world.hall) and nothing_written(other_world.hall)


def test_pay02_receipt_numbers_are_gapless_per_hall(world, other_world):
    numbers_a = [pay(world, order_at_payment(world), key=f"a{n}")[0].receipt.number for n in range(3)]
    numbers_b = [pay(other_world, order_at_payment(other_world), key=f"b{n}")[0].receipt.number for n in range(2)]
    assert numbers_a == ["R00000001", "R00000002", "R00000003"]
    assert numbers_b == ["R00000001", "R00000002"]


def test_pay02_receipts_for_hall_are_scoped_and_in_order(world, other_world, django_assert_max_num_queries):
    for n in range(3):
        pay(world, order_at_payment(world), key=f"a{n}")
    pay(other_world, order_at_payment(other_world), key="b")
    with django_assert_max_num_queries(2):
        rows = [(r.number, r.payment.amount) for r in selectors.receipts_for_hall(user=world.clerk, hall=world.hall)]
    assert [n for n, _ in rows] == ["R00000001", "R00000002", "R00000003"]
    with pytest.raises(NotFound):
        selectors.receipts_for_hall(user=other_world.clerk, hall=world.hall)


def test_pay01_payment_get_for_user_hides_other_halls(world, other_world):
    payment, _ = pay(world, order_at_payment(world))
    assert selectors.payment_get_for_user(user=world.clerk2, payment_id=payment.pk).receipt.number == "R00000001"
    with pytest.raises(NotFound):
        selectors.payment_get_for_user(user=other_world.manager, payment_id=payment.pk)
    with pytest.raises(NotFound):
        selectors.payment_get_for_user(user=world.clerk, payment_id="nope")
