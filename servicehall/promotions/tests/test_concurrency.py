"""Points and promotions under real concurrency (threads; PostgreSQL in CI) (PAY04)."""

import pytest
from django.db import close_old_connections, transaction

from servicehall.billing.tests.helpers import order_at_payment, pay
from servicehall.core.errors import ApplicationError
from servicehall.orders.tests.test_concurrency import run_at_once
from servicehall.promotions import services
from servicehall.promotions.models import PointsAccount, PointsEntry, PromotionApplication
from testsupport.world import build_world

from .helpers import give_points, promotion


def _earn(payment):
    with transaction.atomic():  # as billing calls it: inside the payment's transaction
        services.points_earn_for_payment(payment=payment)
    close_old_connections()


@pytest.mark.django_db(transaction=True)
def test_pay04_concurrent_calls_earn_a_payments_points_once(threads_db, settings):
    settings.POINTS_PER_YUAN = 1
    world = build_world("ha")
    order = order_at_payment(world, fee="30.00")
    payment, _ = pay(world, order, amount="30.00", tendered="50.00")
    close_old_connections()
    _, errors = run_at_once([lambda: _earn(payment) for _ in range(8)])
    assert errors == []
    assert PointsEntry.objects.filter(payment=payment).count() == 1
    assert PointsAccount.objects.get(customer=order.customer).balance == 30


def _apply(order, user, points):
    try:
        return services.promotions_apply(order=order, actor=user, redeem_points=points)
    except ApplicationError as exc:
        return exc
    finally:
        close_old_connections()


@pytest.mark.django_db(transaction=True)
def test_pay04_concurrent_applies_never_redeem_points_twice(threads_db, settings):
    settings.POINTS_PER_YUAN_REDEEMED = 100
    world = build_world("ha")
    order = order_at_payment(world, fee="30.00")
    give_points(order, 1000)
    promotion(world.hall, "five")
    close_old_connections()
    _, errors = run_at_once([lambda: _apply(order, world.clerk, 500) for _ in range(6)])
    assert errors == []
    # Each apply gives back the points of the one before, so one redemption of 500 stands.
    assert PointsAccount.objects.get(customer=order.customer).balance == 500
    current = PromotionApplication.objects.filter(order=order, superseded_at__isnull=True)
    assert sorted(a.rule_code for a in current) == ["five", "points"]
