"""Issue 10: a lost race answers 409 "try again", a QR provider failure, the top-up cap, the POS reference."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.billing import services
from servicehall.billing.models import Payment, PaymentMove, PaymentStatus
from servicehall.billing.providers import ProviderError, simulated
from servicehall.core.errors import Conflict
from servicehall.customers.models import Service
from testsupport.orders import order_action_url
from testsupport.world import PASSWORD

from .helpers import ensure_drawer, mobile_service, order_at_payment, pay

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class _DeadlockDetected(Exception):
    """Stands for psycopg's DeadlockDetected: what the driver raises carries the SQLSTATE."""

    sqlstate = "40P01"


def test_pay01_issue10_a_deadlock_answers_409_try_again_in_the_api_error_shape(world, monkeypatch):
    order = order_at_payment(world)

    def lose_the_race(**kwargs):
        raise OperationalError("deadlock detected") from _DeadlockDetected()

    monkeypatch.setattr(services, "payment_take", lose_the_race)
    response = api_for(world.clerk).post(
        f"/api/v1/orders/{order.pk}/payments",
        {"method": "card", "amount": "30.00"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "retry",
        "message": "Someone else was changing the same records at this moment. Please try again.",
    }


class DownProvider(simulated.SimulatedProvider):
    def charge_create(self, *, amount: Decimal, description: str):
        raise ProviderError("timed out")


def test_pay01_issue10_a_qr_provider_that_fails_marks_the_payment_failed_and_the_retry_answers_the_same(
    world, settings
):
    settings.QR_PROVIDER = f"{__name__}.DownProvider"
    order = order_at_payment(world)
    with pytest.raises(Conflict) as refused:
        pay(world, order, key="qr-down", method="qr")
    assert refused.value.code == "provider_down"
    assert "cannot be reached" in str(refused.value.message)
    payment = Payment.objects.get(idempotency_key="qr-down")
    assert payment.status == PaymentStatus.FAILED
    assert PaymentMove.objects.filter(payment=payment, to_status="failed", note="provider unreachable").exists()
    with pytest.raises(Conflict) as again:
        pay(world, order, key="qr-down", method="qr")
    assert again.value.code == "provider_down"
    cash, created = pay(world, order, key="cash-instead")  # the clerk takes cash instead
    assert created and cash.status == PaymentStatus.SUCCEEDED


# --- item 28: the top-up cap per payment, the card terminal's reference -------------------------------------


def _recharge(client, service, hall, body, key):
    return client.post(
        f"/api/v1/services/{service.pk}/recharges", {"hall": hall.code, **body}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_pay01_issue10_a_cash_top_up_above_the_cap_is_refused_for_a_clerk(world, settings):
    settings.TOPUP_MAX_PER_PAYMENT = Decimal("5000.00")
    ensure_drawer(world)
    service = mobile_service(world, balance="0.00")
    client = api_for(world.clerk)
    body = {"method": "cash", "amount": "50000.00", "tendered": "50000.00"}
    response = _recharge(client, service, world.hall, body, "big")
    assert response.status_code == 422
    assert response.json()["code"] == "top_up_over_cap"
    assert "above 5000.00 yuan in one payment needs the duty manager" in response.json()["message"]
    assert not Payment.objects.exists() and Service.objects.get(pk=service.pk).balance == Decimal("0.00")
    at_cap = _recharge(client, service, world.hall, {**body, "amount": "5000.00", "tendered": "5000.00"}, "cap")
    assert at_cap.status_code == 201


def test_pay01_issue10_the_duty_manager_takes_a_top_up_above_the_cap(world, settings):
    settings.TOPUP_MAX_PER_PAYMENT = Decimal("5000.00")
    service = mobile_service(world, balance="0.00")
    client = api_for(world.manager)
    body = {"method": "card", "amount": "8000.00", "pos_reference": "88776655"}
    response = _recharge(client, service, world.hall, body, "by-manager")
    assert response.status_code == 201, response.content
    assert response.json()["approved_by"] == world.manager.username
    assert Service.objects.get(pk=service.pk).balance == Decimal("8000.00")


def _top_up_page(client, service, hall, fields):
    url = f"{reverse('billing:top_up', kwargs={'service_id': service.pk})}?hall={hall.code}"
    html = client.get(url).content.decode()
    key = re.search(r'name="key" value="([0-9a-f]{32})"', html).group(1)
    return client.post(url, {"key": key, **fields})


def test_pay01_issue10_on_the_top_up_page_the_duty_manager_approves_with_their_sign_in(client, world, settings):
    settings.TOPUP_MAX_PER_PAYMENT = Decimal("5000.00")
    service = mobile_service(world, balance="0.00")
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"
    fields = {"amount": "6000", "method": "card", "pos_reference": "A1B2C3D4E5"}
    refused = _top_up_page(client, service, world.hall, fields)
    assert refused.status_code == 422 and "needs the duty manager" in refused.content.decode()
    wrong = _top_up_page(
        client, service, world.hall, {**fields, "approver": world.manager.username, "approver_password": "no"}
    )
    assert wrong.status_code == 422 and "user name or password is wrong" in wrong.content.decode()
    not_a_manager = {**fields, "approver": world.clerk2.username, "approver_password": PASSWORD}
    assert _top_up_page(client, service, world.hall, not_a_manager).status_code == 422
    approved = {**fields, "approver": world.manager.username, "approver_password": PASSWORD}
    done = _top_up_page(client, service, world.hall, approved)
    assert done.status_code == 200 and "Topped up ¥6000.00" in done.content.decode()
    payment = Payment.objects.get()
    assert (payment.approved_by, payment.clerk, payment.pos_reference) == (world.manager, world.clerk, "A1B2C3D4E5")


@pytest.mark.parametrize(
    ("reference", "code"),
    [("", "pos_reference_missing"), ("12345", "bad_pos_reference"), ("12 345 678", "bad_pos_reference")],
)
def test_pay01_issue10_a_card_payment_through_the_api_needs_the_pos_reference(world, reference, code):
    order = order_at_payment(world)
    response = api_for(world.clerk).post(
        f"/api/v1/orders/{order.pk}/payments",
        {"method": "card", "amount": "30.00", "pos_reference": reference},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422 and response.json()["code"] == code
    assert not Payment.objects.exists()


def test_pay01_issue10_the_pos_reference_is_on_the_payment_the_receipt_and_the_order_page(client, world):
    order = order_at_payment(world)
    response = api_for(world.clerk).post(
        f"/api/v1/orders/{order.pk}/payments",
        {"method": "card", "amount": "30.00", "pos_reference": "ab123456789"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 201 and response.json()["pos_reference"] == "AB123456789"
    payment = Payment.objects.get()
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"
    receipt = client.get(reverse("billing:receipt", kwargs={"receipt_id": payment.receipt.pk})).content.decode()
    assert "POS reference" in receipt and "AB123456789" in receipt
    page = client.get(reverse("orders:detail", kwargs={"order_id": order.pk})).content.decode()
    assert "POS reference AB123456789" in page


def test_pay01_issue10_the_payment_box_asks_for_the_pos_reference_for_card(client, world):
    order = order_at_payment(world)
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("orders:detail", kwargs={"order_id": order.pk})).content.decode()
    assert 'data-testid="pos-reference"' in page and "POS reference (on the card terminal's slip)" in page
    url = order_action_url(order, "pay")
    key = re.search(r'name="key" value="([0-9a-f]{32})"', page).group(1)
    refused = client.post(url, {"key": key, "amount": "30.00", "method": "card"})
    assert refused.status_code == 422 and "Enter the POS reference" in refused.content.decode()
