"""The payment step on the order page (PAY01, PAY02, PAY04): what the clerk sees and what one press does.

Pages are read in English so the tests do not depend on the Chinese catalogue.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from servicehall.billing.models import Payment, PaymentStatus
from servicehall.billing.tests.helpers import order_at_payment
from servicehall.orders import services
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.promotions import services as promotion_services
from servicehall.promotions.models import PointsAccount, Promotion
from testsupport.orders import order_action_url

S = OrderStatus


@pytest.fixture
def clerk_client(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"
    return client


def _page(client: Client, order: WorkOrder) -> str:
    response = client.get(reverse("orders:detail", kwargs={"order_id": order.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _key(html: str) -> str:
    match = re.search(r'name="key" value="([0-9a-f]{32})"', html)
    assert match, "the pay form carries an idempotency key"
    return match.group(1)


def _pay(client: Client, order: WorkOrder, **fields: str):
    if fields.get("method") == "card":
        fields.setdefault("pos_reference", "POS123456")  # the card terminal's reference (issue 10)
    return client.post(order_action_url(order, "pay"), fields)


def _amount_off(world, order: WorkOrder, amount: str) -> None:
    """A running offer of `amount` yuan off, applied to the order at its payment step."""
    Promotion.objects.create(
        hall=world.hall,
        code="cover",
        name_zh="全免",
        name_en="All free",
        kind="amount",
        amount_off=Decimal(amount),
        starts_on=order.created_at.date().replace(day=1),
        ends_on=order.created_at.date().replace(year=order.created_at.year + 1),
    )
    promotion_services.promotions_apply(order=order, actor=world.clerk)


def test_pay01_the_payment_step_shows_what_is_due_and_cash_pays_with_change_and_a_receipt(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    html = _page(clerk_client, order)
    assert 'data-testid="amount-due">¥30.00<' in html
    response = _pay(clerk_client, order, key=_key(html), method="cash", amount="30.00", tendered="100")
    assert response.status_code == 200
    body = response.content.decode()
    payment = Payment.objects.get(order=order)
    assert payment.change == Decimal("70.00")
    assert f"Paid, receipt {payment.receipt.number}." in body
    assert "70" in body and "100" in body  # the phrase to say: received 100, change 70
    order.refresh_from_db()
    assert order.status != S.PAYMENT and order.payment_reference == payment.receipt.number
    assert 'data-testid="receipt-number"' in _page(clerk_client, order)


def test_pay01_a_pressed_twice_payment_is_taken_once(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    key = _key(_page(clerk_client, order))
    first = _pay(clerk_client, order, key=key, method="card", amount="30.00")
    again = _pay(clerk_client, order, key=key, method="card", amount="30.00")
    assert first.status_code == 200 and again.status_code == 200
    assert Payment.objects.filter(order=order).count() == 1
    assert world.hall.receipts.count() == 1


def test_pay01_too_little_cash_is_refused_with_the_amounts_and_nothing_is_written(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    key = _key(_page(clerk_client, order))
    response = _pay(clerk_client, order, key=key, method="cash", amount="30.00", tendered="20")
    assert response.status_code == 422
    assert "less than the 30.00 yuan due" in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.status == S.PAYMENT


def test_pay01_a_qr_payment_waits_on_the_page_for_the_customer(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    response = _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="qr", amount="30.00")
    assert response.status_code == 200
    assert "Show the customer the QR code" in response.content.decode()
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.PENDING
    html = _page(clerk_client, order)
    assert 'data-testid="qr-wait"' in html
    assert reverse("billing:qr_status", kwargs={"payment_id": payment.pk}) in html


def test_pay04_an_applied_promotion_lowers_what_the_pay_box_asks_for(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _amount_off(world, order, "5.00")
    html = _page(clerk_client, order)
    assert 'data-testid="amount-due">¥25.00<' in html
    assert "fees ¥30.00 less promotions ¥5.00" in html
    stale = _pay(clerk_client, order, key="a" * 32, method="card", amount="30.00")
    assert stale.status_code == 422 and not Payment.objects.filter(order=order).exists()


def test_pay04_reverting_an_unpaid_order_gives_the_redeemed_points_back(world):
    order = order_at_payment(world, fee="30.00")
    order.business_type.revertible = True
    order.business_type.save(update_fields=["revertible"])
    PointsAccount.objects.create(customer=order.customer, balance=1000)
    promotion_services.promotions_apply(order=order, actor=world.clerk, redeem_points=500)
    assert PointsAccount.objects.get(customer=order.customer).balance == 500
    services.order_revert(order=order, actor=world.clerk, reason="customer changed their mind")
    assert PointsAccount.objects.get(customer=order.customer).balance == 1000


def test_pay01_a_viewer_without_serve_sees_no_pay_box(world):
    order = order_at_payment(world, fee="30.00")
    client = Client()
    client.force_login(world.manager)
    client.cookies["django_language"] = "en"
    assert 'data-testid="payment-box"' in _page(client, order)  # the duty manager may serve
    guide = Client()
    guide.force_login(world.guide)
    response = guide.get(reverse("orders:detail", kwargs={"order_id": order.pk}))
    assert response.status_code in (403, 404) or 'data-testid="payment-box"' not in response.content.decode()


def _refund(client: Client, order: WorkOrder, payment: Payment, **fields: str):
    url = order_action_url(order, "refund")
    return client.post(url, {"payment": str(payment.pk), "key": "r" * 32, **fields})


def test_pay06_a_clerk_refunds_part_of_a_cash_payment_from_the_order_page(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="cash", amount="30.00", tendered="30")
    payment = Payment.objects.get(order=order)
    assert 'data-testid="refund-amount"' in _page(clerk_client, order)
    response = _refund(clerk_client, order, payment, amount="10.00", reason="overcharged")
    assert response.status_code == 200
    assert "Refunded ¥10.00 by Cash." in response.content.decode()
    again = _refund(clerk_client, order, payment, amount="10.00", reason="overcharged")
    assert again.status_code == 200 and payment.refunds.count() == 1  # a double press refunds once


def test_pay06_a_refund_above_what_was_paid_or_without_a_reason_is_refused(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="card", amount="30.00")
    payment = Payment.objects.get(order=order)
    too_much = _refund(clerk_client, order, payment, amount="30.01", reason="overcharged")
    assert too_much.status_code == 422
    no_reason = _refund(clerk_client, order, payment, amount="5.00", reason=" ")
    assert no_reason.status_code == 422 and "Say why the money is refunded." in no_reason.content.decode()
    assert not payment.refunds.exists()


def test_pay06_a_refund_above_the_limit_waits_for_the_duty_manager(world, clerk_client, settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("20.00")
    order = order_at_payment(world, fee="30.00")
    _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="card", amount="30.00")
    payment = Payment.objects.get(order=order)
    response = _refund(clerk_client, order, payment, amount="30.00", reason="service not delivered")
    assert "waits for the duty manager" in response.content.decode()
    assert payment.refunds.get().status == "requested"


def test_pay04_an_order_the_promotions_cover_leaves_the_payment_step_with_nothing_taken(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _amount_off(world, order, "30.00")
    html = _page(clerk_client, order)
    assert 'data-testid="nothing-due"' in html and 'data-testid="pay"' not in html
    response = clerk_client.post(order_action_url(order, "nothing-due"))
    assert response.status_code == 200
    assert "Nothing to pay: the promotions cover the fees." in response.content.decode()
    order.refresh_from_db()
    assert order.status != S.PAYMENT and order.paid_at is not None
    assert not Payment.objects.filter(order=order).exists()


def test_pay04_nothing_due_is_refused_while_money_is_still_due(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _amount_off(world, order, "10.00")
    response = clerk_client.post(order_action_url(order, "nothing-due"))
    assert response.status_code == 422
    assert "still has 20.00 yuan to pay" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.PAYMENT and order.paid_at is None


def test_pay01_while_a_qr_code_waits_the_clerk_may_still_take_cash(world, clerk_client):
    order = order_at_payment(world, fee="30.00")
    _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="qr", amount="30.00")
    html = _page(clerk_client, order)
    assert 'data-testid="qr-wait"' in html and 'data-testid="pay-another-way"' in html
    cash = _pay(clerk_client, order, key=_key(html), method="cash", amount="30.00", tendered="30")
    assert cash.status_code == 200
    order.refresh_from_db()
    assert order.status != S.PAYMENT
    assert Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED, method="cash").count() == 1


def test_pay01_issue10_a_deadlock_in_the_payment_box_answers_409_try_again_not_a_server_error(
    world, clerk_client, monkeypatch
):
    from django.db import OperationalError

    from servicehall.billing import services as billing_services

    class DeadlockDetected(Exception):
        sqlstate = "40P01"  # what psycopg's error carries

    def lose_the_race(**kwargs):
        raise OperationalError("deadlock detected") from DeadlockDetected()

    order = order_at_payment(world, fee="30.00")
    key = _key(_page(clerk_client, order))
    monkeypatch.setattr(billing_services, "payment_take", lose_the_race)
    response = _pay(clerk_client, order, key=key, method="card", amount="30.00")
    assert response.status_code == 409
    assert "Please try again." in response.content.decode()
    assert not Payment.objects.filter(order=order).exists()


def test_pay06_issue10_a_qr_refund_the_payment_service_cannot_pay_says_so_also_on_a_second_press(
    world, clerk_client, monkeypatch
):
    from servicehall.billing.providers import ProviderError, simulated

    def unreachable(self, *, provider_ref, amount, refund_ref):
        raise ProviderError("timed out")

    order = order_at_payment(world, fee="30.00")
    _pay(clerk_client, order, key=_key(_page(clerk_client, order)), method="qr", amount="30.00")
    payment = Payment.objects.get(order=order)
    simulated.customer_pays(payment.provider_ref)
    monkeypatch.setattr(simulated.SimulatedProvider, "refund", unreachable)
    first = _refund(clerk_client, order, payment, amount="10.00", reason="overcharged")
    assert first.status_code == 409 and "cannot be reached" in first.content.decode()
    again = _refund(clerk_client, order, payment, amount="10.00", reason="overcharged")
    assert again.status_code == 200 and "The refund of ¥10.00: Failed." in again.content.decode()
    assert payment.refunds.count() == 1 and payment.refunds.get().status == "failed"
