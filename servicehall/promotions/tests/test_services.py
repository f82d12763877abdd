"""Applying promotions at the payment step and points earned and redeemed (PAY04)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.billing.tests.helpers import order_at_payment, pay
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.orders import services as order_services
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import business, create, customer
from servicehall.promotions import services
from servicehall.promotions.models import PointsAccount, PointsEntry, PromotionApplication
from servicehall.promotions.selectors import order_amount_due, points_for_customer

from .helpers import bank_offer, give_points, promotion


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.POINTS_PER_YUAN = 1
    settings.POINTS_PER_YUAN_REDEEMED = 100


def test_pay04_the_applied_rules_are_recorded_with_what_each_took_off(world):
    order = order_at_payment(world, fee="120.00", code="big")
    give_points(order, 1000)
    promotion(world.hall, "five")
    bank_offer(world.hall)
    rows = services.promotions_apply(order=order, actor=world.clerk, card_bin="62258801", redeem_points=200)
    assert [(r.rule_kind, r.rule_code, r.discount) for r in rows] == [
        ("promotion", "five", Decimal("5.00")),
        ("bank_card", "cmb", Decimal("10.00")),
        ("points", "points", Decimal("2.00")),
    ]
    assert rows[1].card_bin == "62258801" and rows[1].bank_offer is not None
    assert rows[0].promotion is not None and rows[0].applied_by == world.clerk
    assert order_amount_due(order=order) == Decimal("103.00")
    assert PointsAccount.objects.get(customer=order.customer).balance == 800
    assert AuditEntry.objects.filter(action="promotions.apply", object_id=str(order.pk)).count() == 1


def test_pay04_applying_again_replaces_the_earlier_rules_and_gives_points_back(world):
    order = order_at_payment(world, fee="30.00")
    give_points(order, 1000)
    promotion(world.hall, "five")
    services.promotions_apply(order=order, actor=world.clerk, redeem_points=1000)
    assert PointsAccount.objects.get(customer=order.customer).balance == 0
    rows = services.promotions_apply(order=order, actor=world.clerk, redeem_points=300)
    assert [(r.rule_code, r.discount) for r in rows] == [("five", Decimal("5.00")), ("points", Decimal("3.00"))]
    assert order_amount_due(order=order) == Decimal("22.00")
    assert PointsAccount.objects.get(customer=order.customer).balance == 700
    assert PromotionApplication.objects.filter(order=order, superseded_at__isnull=False).count() == 2
    view = points_for_customer(customer=order.customer)
    assert [(e.kind, e.points, e.balance_after) for e in view.entries] == [
        ("redeem", -300, 700),
        ("adjust", 1000, 1000),
        ("redeem", -1000, 0),
        ("adjust", 1000, 1000),
    ]


def test_pay04_redeeming_more_points_than_the_balance_is_refused_and_nothing_written(world):
    order = order_at_payment(world)
    give_points(order, 200)
    promotion(world.hall, "five")
    with pytest.raises(Unprocessable) as caught:
        services.promotions_apply(order=order, actor=world.clerk, redeem_points=300)
    assert caught.value.code == "points_insufficient"
    assert str(caught.value.message) == "The customer holds 200 points; 300 cannot be redeemed."
    assert not PromotionApplication.objects.exists()
    assert PointsAccount.objects.get(customer=order.customer).balance == 200
    assert PointsEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("card_bin", "12ab56", "bad_card_bin"), ("redeem_points", -1, "bad_points"), ("quantity", 0, "bad_quantity")],
)
def test_pay04_bad_input_is_refused_with_nothing_written(world, field, value, code):
    order = order_at_payment(world)
    promotion(world.hall, "five")
    with pytest.raises(Unprocessable) as caught:
        services.promotions_apply(order=order, actor=world.clerk, **{field: value})
    assert caught.value.code == code
    assert not PromotionApplication.objects.exists()


def test_pay04_promotions_are_applied_at_the_payment_step_only(world):
    order = create(world, business(world, "plain", standard_fee=Decimal("30.00")), person=customer(world))
    promotion(world.hall, "five")
    with pytest.raises(Conflict) as caught:
        services.promotions_apply(order=order, actor=world.clerk)
    assert caught.value.code == "not_at_payment"
    assert not PromotionApplication.objects.exists()


def test_pay04_staff_of_another_hall_cannot_apply(world, other_world):
    order = order_at_payment(world)
    promotion(world.hall, "five")
    with pytest.raises(Forbidden):
        services.promotions_apply(order=order, actor=other_world.clerk)
    assert not PromotionApplication.objects.exists()


def test_pay04_a_payment_earns_points_once(world):
    order = order_at_payment(world, fee="30.00")
    payment, _ = pay(world, order, amount="30.00", tendered="50.00")
    services.points_earn_for_payment(payment=payment)
    services.points_earn_for_payment(payment=payment)
    entries = PointsEntry.objects.filter(payment=payment)
    assert [(e.kind, e.points, e.balance_after) for e in entries] == [("earn", 30, 30)]
    assert PointsAccount.objects.get(customer=order.customer).balance == 30
    assert order.refresh_from_db() is None and order.status == OrderStatus.CLOSED


def test_pay04_points_earned_per_whole_yuan_at_the_configured_rate(world, settings):
    settings.POINTS_PER_YUAN = 2
    order = order_at_payment(world, fee="30.99", code="odd")
    payment, _ = pay(world, order, amount="30.99", tendered="50.00")
    services.points_earn_for_payment(payment=payment)
    assert PointsAccount.objects.get(customer=order.customer).balance == 60


def test_pay04_points_adjustments_never_take_the_balance_below_zero(world):
    order = order_at_payment(world)
    give_points(order, 100)
    with pytest.raises(Unprocessable):
        services.points_adjust(customer=order.customer, points=-101, actor=world.manager, note="fix")
    assert PointsAccount.objects.get(customer=order.customer).balance == 100


def test_pay04_releasing_an_unpaid_orders_promotions_gives_the_points_back(world):
    order = order_at_payment(world)
    give_points(order, 500)
    promotion(world.hall, "five")
    services.promotions_apply(order=order, actor=world.clerk, redeem_points=500)
    assert order_amount_due(order=order) == Decimal("20.00")
    assert services.promotions_release(order=order, actor=world.clerk) == 2
    assert order_amount_due(order=order) == Decimal("30.00")
    assert PointsAccount.objects.get(customer=order.customer).balance == 500
    assert services.promotions_release(order=order, actor=world.clerk) == 0


def test_pay04_a_group_price_records_the_quantity_it_was_applied_for(world):
    from .helpers import make_enterprise, tier

    order = order_at_payment(world, fee="500.00")
    make_enterprise(order)
    tier(world.hall, order.business_type, 10, "45.00")
    rows = services.promotions_apply(order=order, actor=world.clerk, quantity="10")
    assert [(r.rule_kind, r.rule_code, r.quantity, r.discount) for r in rows] == [
        ("group_price", "fee-10", 10, Decimal("50.00"))
    ]
    assert rows[0].group_tier is not None
    assert rows[0].reason == "10 units at 45.00 yuan = 450.00 yuan instead of 500.00 yuan"
    assert order_amount_due(order=order) == Decimal("450.00")


def test_pay04_the_discounted_amount_is_paid_and_earns_points_once(world):
    order = order_at_payment(world, fee="120.00", code="big")
    promotion(world.hall, "five")
    services.promotions_apply(order=order, actor=world.clerk)
    payment, _ = pay(world, order, amount="115.00", tendered="120.00")
    services.points_earn_for_payment(payment=payment)  # billing has called it already: nothing more
    assert PointsAccount.objects.get(customer=order.customer).balance == 115
    assert PointsEntry.objects.filter(payment=payment).count() == 1
    assert PromotionApplication.objects.get(order=order, superseded_at__isnull=True).rule_code == "five"


def test_pay04_reverting_an_order_at_its_payment_step_gives_the_redeemed_points_back(world):
    """The revert is orders'; the points are promotions' (issue 11: through the hook promotions registers)."""
    order = order_at_payment(world)
    order.business_type.revertible = True
    order.business_type.save(update_fields=["revertible"])
    give_points(order, 500)
    services.promotions_apply(order=order, actor=world.clerk, redeem_points=500)
    assert PointsAccount.objects.get(customer=order.customer).balance == 0
    order_services.order_revert(order=order, actor=world.clerk, reason="The customer changed their mind")
    assert PointsAccount.objects.get(customer=order.customer).balance == 500
    assert not PromotionApplication.objects.filter(order=order, superseded_at__isnull=True).exists()
