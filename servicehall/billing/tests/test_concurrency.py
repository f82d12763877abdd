"""Payments under real concurrency (threads against the database; PostgreSQL in CI)."""

import pytest
from django.db import close_old_connections

from servicehall.billing import services
from servicehall.billing.models import Payment, Receipt
from servicehall.core.errors import ApplicationError, Conflict
from servicehall.orders.models import OrderMove
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.world import build_world, result_or_refusal

from .helpers import order_at_payment, pay


@pytest.mark.django_db(transaction=True)
def test_pay01_concurrent_retries_of_one_key_charge_once(threads_db):
    world = build_world("ha")
    order = order_at_payment(world)
    close_old_connections()
    results, errors = run_at_once([lambda: pay(world, order, key="same") for _ in range(8)])
    assert errors == []
    # Retries wait on the order's lock and then answer the first payment (see billing.services).
    assert len(results) == 8
    assert sorted(created for _, created in results) == [False] * 7 + [True]
    assert {payment.pk for payment, _ in results} == {Payment.objects.get().pk}
    assert Receipt.objects.count() == 1
    assert OrderMove.objects.filter(order=order, from_status=OrderStatus.PAYMENT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_pay02_concurrent_payments_get_unique_gapless_receipt_numbers(threads_db):
    world = build_world("ha")
    orders = [order_at_payment(world) for _ in range(12)]
    close_old_connections()
    results, errors = run_at_once([lambda o=o, n=n: pay(world, o, key=f"k{n}") for n, o in enumerate(orders)])
    assert errors == []
    assert all(created for _, created in results)
    numbers = sorted(Receipt.objects.filter(hall=world.hall).values_list("number", flat=True))
    assert numbers == [f"R{n:08d}" for n in range(1, 13)]


@pytest.mark.django_db(transaction=True)
def test_pay01_one_key_raced_for_two_orders_pays_one_and_refuses_the_other(threads_db):
    world = build_world("ha")
    first, second = order_at_payment(world), order_at_payment(world)
    close_old_connections()
    results, errors = run_at_once(
        [lambda o=o: result_or_refusal(lambda: pay(world, o, key="dup")) for o in (first, second)]
    )
    assert errors == []
    paid = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(paid) == 1 and len(refused) == 1
    assert refused[0].code in ("idempotency_mismatch", "in_progress")
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_pay01_a_unique_violation_answers_the_first_payment_or_in_progress(world, monkeypatch):
    order = order_at_payment(world)
    first, _ = pay(world, order, key="k")
    real = services.payments._existing
    calls = {"n": 0}

    def blind_twice(hall, key):
        calls["n"] += 1
        return None if calls["n"] <= 2 else real(hall, key)

    # The first payment is not seen before the insert (as if it committed in between): the constraint catches it.
    monkeypatch.setattr(services.payments, "_existing", blind_twice)
    monkeypatch.setattr(services.payments, "_check_payable", lambda order, amount: None)
    again, created = pay(world, order, key="k")
    assert (again.pk, created) == (first.pk, False)

    monkeypatch.setattr(services.payments, "_existing", lambda hall, key: None)
    with pytest.raises(Conflict) as exc:
        pay(world, order, key="k")
    assert exc.value.code == "in_progress"
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1
