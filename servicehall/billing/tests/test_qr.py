"""QR payments through the simulated provider: success, failure, timeout, late success, notifications (PAY01)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from servicehall.billing import services
from servicehall.billing.models import Payment, PaymentMove, Receipt, Refund, RefundMove
from servicehall.billing.providers import ProviderError, simulated
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEntry
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus

from .helpers import order_at_payment, pay

NOTIFY_URL = "/api/v1/payments/qr-notifications/simulated"


def qr(world, order=None, key="q1"):
    order = order or order_at_payment(world)
    payment, _ = pay(world, order, method="qr", key=key)
    return order, payment


def fresh(payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)


def test_pay01_the_customer_pays_by_qr_and_the_notification_completes_the_order(world):
    order, payment = qr(world)
    simulated.customer_pays(payment.provider_ref)
    payment = fresh(payment)
    assert payment.status == "succeeded" and payment.purpose_applied
    assert payment.receipt.number == "R00000001"
    assert payment.provider_transaction.startswith("SIM")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == OrderStatus.CLOSED and order.payment_reference == "R00000001"
    assert [m.to_status for m in PaymentMove.objects.filter(payment=payment)] == ["pending", "succeeded"]


def test_pay01_polling_finds_the_payment_when_no_notification_arrives(world):
    order, payment = qr(world)
    simulated.customer_pays(payment.provider_ref, notify=False)
    assert fresh(payment).status == "pending"
    payment = services.payment_qr_refresh(payment=fresh(payment))
    assert payment.status == "succeeded"
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.CLOSED


def test_pay01_a_declined_qr_payment_fails_and_the_order_still_waits(world):
    order, payment = qr(world)
    simulated.customer_declines(payment.provider_ref)
    assert fresh(payment).status == "failed"
    assert not Receipt.objects.exists()
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.PAYMENT
    # The clerk tries again with cash under a new key.
    cash, created = pay(world, order, key="cash-after-qr")
    assert created and cash.receipt.number == "R00000001"


def test_pay01_an_unpaid_qr_payment_expires_after_the_timeout(world, settings):
    settings.QR_PAYMENT_TIMEOUT_SECONDS = 60
    order, payment = qr(world)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=59)):
        assert services.payment_qr_refresh(payment=fresh(payment)).status == "pending"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert services.payment_qr_refresh(payment=fresh(payment)).status == "expired"
    assert simulated.SimulatedQrCharge.objects.get(token=payment.provider_ref).state == "closed"
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.PAYMENT
    assert AuditEntry.objects.filter(action="payment.qr_expired", object_id=str(payment.pk)).exists()


def test_pay01_a_late_success_is_accepted_while_the_order_is_still_payable(world, settings):
    settings.QR_PAYMENT_TIMEOUT_SECONDS = 1
    order, payment = qr(world)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        assert services.payment_qr_refresh(payment=fresh(payment)).status == "expired"
        simulated.customer_pays(payment.provider_ref)  # the phone paid anyway
    payment = fresh(payment)
    assert payment.status == "succeeded" and payment.purpose_applied
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.CLOSED
    assert not Refund.objects.exists()
    assert PaymentMove.objects.filter(payment=payment, from_status="expired", note="late success").exists()


def test_pay01_a_late_success_after_the_order_was_paid_in_cash_is_refunded_automatically(world, settings):
    settings.QR_PAYMENT_TIMEOUT_SECONDS = 1
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")
    order, payment = qr(world)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        services.payment_qr_refresh(payment=fresh(payment))
        pay(world, order, key="cash")  # the clerk took cash instead
        simulated.customer_pays(payment.provider_ref)
    payment = fresh(payment)
    assert payment.status == "succeeded" and payment.purpose_applied is False
    refund = Refund.objects.get(payment=payment)
    # Within the limit: paid back to the wallet at once, by the system.
    assert (refund.amount, refund.method, refund.status, refund.requested_by) == (Decimal("30.00"), "qr", "paid", None)
    assert simulated.SimulatedQrCharge.objects.get(token=payment.provider_ref).refunded == Decimal("30.00")
    assert Payment.objects.filter(order=order, status="succeeded").count() == 2


def test_pay01_a_late_success_above_the_limit_waits_for_the_duty_manager(world, settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("10.00")
    order, payment = qr(world)
    pay(world, order, key="cash")
    simulated.customer_pays(payment.provider_ref)
    refund = Refund.objects.get(payment=payment)
    assert refund.status == "requested"
    services.refund_approve(actor=world.manager, refund=refund)
    assert Refund.objects.get(pk=refund.pk).status == "paid"


def test_pay01_repeated_notifications_change_nothing_more(world):
    _order, payment = qr(world)
    charge = simulated.customer_pays(payment.provider_ref)
    body = simulated.notification_body(charge)
    client = APIClient()
    for _ in range(3):
        response = client.post(
            NOTIFY_URL, data=body, content_type="application/json", HTTP_X_SIM_SIGNATURE=simulated.sign(body)
        )
        assert (response.status_code, response.json()) == (200, {"ok": True, "status": "succeeded"})
    assert Receipt.objects.count() == 1
    assert PaymentMove.objects.filter(payment=payment, to_status="succeeded").count() == 1


def test_pay01_a_notification_with_a_bad_signature_is_refused_and_changes_nothing(world):
    order, payment = qr(world)
    body = json.dumps({"ref": payment.provider_ref, "state": "paid", "transaction_id": "FAKE"}).encode()
    client = APIClient()
    for headers in ({}, {"HTTP_X_SIM_SIGNATURE": "0" * 64}, {"HTTP_X_SIM_SIGNATURE": simulated.sign(body + b" ")}):
        response = client.post(NOTIFY_URL, data=body, content_type="application/json", **headers)
        assert (response.status_code, response.json()["code"]) == (400, "bad_signature")
    garbage = b"not json"
    response = client.post(
        NOTIFY_URL, data=garbage, content_type="application/json", HTTP_X_SIM_SIGNATURE=simulated.sign(garbage)
    )
    assert response.status_code == 400
    assert (
        client.post("/api/v1/payments/qr-notifications/alipay", data=body, content_type="application/json").status_code
        == 404
    )
    assert fresh(payment).status == "pending"
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.PAYMENT


def test_pay01_a_qr_retry_with_the_same_key_answers_the_same_pending_payment(world):
    order = order_at_payment(world)
    first, created = pay(world, order, method="qr", key="same")
    again, created_again = pay(world, order, method="qr", key="same")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.qr_content == first.qr_content
    assert simulated.SimulatedQrCharge.objects.count() == 1


def test_pay01_the_clerks_qr_panel_shows_the_code_then_the_outcome(client, world):
    _order, payment = qr(world)
    client.force_login(world.clerk)
    url = f"/billing/halls/{world.hall.code}/payments/{payment.pk}/qr/"
    page = client.get(url).content.decode()
    assert "<svg" in page and 'hx-trigger="every 2s"' in page and "Waiting for the customer" in page
    simulated.customer_pays(payment.provider_ref)
    page = client.get(url).content.decode()
    assert "Receipt R00000001" in page and "every 2s" not in page


def test_pay01_the_simulated_phone_page_pays(client, world):
    _order, payment = qr(world)
    url = f"/billing/qr-sim/{payment.provider_ref}/"
    page = client.get(url).content.decode()
    assert "¥30.00" in page and "Decline" in page
    response = client.post(url, {"action": "pay"})
    assert "Paid. You may close this page." in response.content.decode()
    assert fresh(payment).status == "succeeded"
    assert client.get("/billing/qr-sim/unknown-token/").status_code == 404


def test_pay01_staff_of_another_hall_cannot_see_the_qr_panel_or_the_payment(client, world, other_world):
    _order, payment = qr(world)
    client.force_login(other_world.clerk)
    assert client.get(f"/billing/halls/{world.hall.code}/payments/{payment.pk}/qr/").status_code == 404
    api = APIClient()
    api.force_authenticate(other_world.manager)
    assert api.get(f"/api/v1/payments/{payment.pk}").status_code == 404


@pytest.mark.parametrize("state", ["failed", "closed"])
def test_pay01_a_failed_notification_never_undoes_a_success(world, state):
    _order, payment = qr(world)
    simulated.customer_pays(payment.provider_ref)
    body = json.dumps({"ref": payment.provider_ref, "state": state, "transaction_id": ""}).encode()
    services.payment_qr_notification(
        provider_code="simulated", body=body, headers={simulated.SIGNATURE_HEADER: simulated.sign(body)}
    )
    assert fresh(payment).status == "succeeded"


def test_pay01_the_order_pages_panel_polls_the_qr_status_by_payment_alone(client, world):
    from django.urls import reverse

    from servicehall.billing import selectors

    order, payment = qr(world)
    assert services.qr_available() is True
    assert [p.pk for p in selectors.payments_for_order(order=order)] == [payment.pk]
    url = reverse("billing:qr_status", kwargs={"payment_id": payment.pk})
    client.force_login(world.clerk)
    assert "every 2s" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    simulated.customer_pays(payment.provider_ref)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "billing-payment-settled"
    assert "<html" not in response.content.decode() and "Paid." in response.content.decode()


def _refunds_unreachable(self, *, provider_ref: str, amount: Decimal, refund_ref: str) -> str:
    raise ProviderError("timed out")  # the payment service takes payments but cannot pay a refund back


def test_pay06_issue10_a_qr_refund_the_provider_cannot_pay_back_fails_and_frees_its_amount(
    world, settings, monkeypatch
):
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")
    _order, payment = qr(world)
    simulated.customer_pays(payment.provider_ref)
    monkeypatch.setattr(simulated.SimulatedProvider, "refund", _refunds_unreachable)
    with pytest.raises(Conflict) as refused:
        services.refund_request(actor=world.clerk, payment=fresh(payment), amount="30.00", reason="Wrong package")
    assert refused.value.code == "provider_down"
    failed = Refund.objects.get(payment=payment)
    assert failed.status == "failed" and failed.paid_at is None
    assert RefundMove.objects.filter(refund=failed, from_status="sending", to_status="failed").exists()
    # The provider is back: the whole amount can be refunded again, and is paid back.
    monkeypatch.undo()
    again, created = services.refund_request(
        actor=world.clerk, payment=fresh(payment), amount="30.00", reason="Wrong package"
    )
    assert created and again.status == "paid"
    assert simulated.SimulatedQrCharge.objects.get(token=payment.provider_ref).refunded == Decimal("30.00")


def test_pay01_issue10_a_late_success_refund_the_provider_cannot_pay_back_is_asked_again_later(
    world, settings, monkeypatch
):
    settings.QR_PAYMENT_TIMEOUT_SECONDS = 1
    settings.REFUND_APPROVAL_ABOVE = Decimal("200.00")
    order, payment = qr(world)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        services.payment_qr_refresh(payment=fresh(payment))
        pay(world, order, key="cash")  # the clerk took cash instead
        monkeypatch.setattr(simulated.SimulatedProvider, "refund", _refunds_unreachable)
        simulated.customer_pays(payment.provider_ref)
    refund = Refund.objects.get(payment=payment)
    assert fresh(payment).status == "succeeded" and refund.status == "sending"
    monkeypatch.undo()
    assert services.refunds_resend_due(now=timezone.now()) == 0  # asked for a moment ago: not yet
    later = timezone.now() + dt.timedelta(minutes=5)
    assert services.refunds_resend_due(now=later) == 1
    assert Refund.objects.get(pk=refund.pk).status == "paid"
    assert simulated.SimulatedQrCharge.objects.get(token=payment.provider_ref).refunded == Decimal("30.00")
