"""Payments for any purpose through the registry (PAY01): what the credit app relies on."""

from decimal import Decimal

import pytest

from servicehall.billing import purposes, services
from servicehall.billing.models import Payment, Receipt
from servicehall.billing.providers import simulated
from servicehall.core.errors import Conflict, Unprocessable

from .helpers import ensure_drawer, mobile_service


@pytest.fixture
def installment(monkeypatch):
    calls = []
    registry = dict(purposes._REGISTRY)
    monkeypatch.setattr(purposes, "_REGISTRY", registry)
    state = {"open": True}
    purposes.register_purpose(
        "installment",
        on_succeeded=lambda payment: calls.append((payment.reference, payment.receipt.number)),
        is_payable=lambda payment: state["open"],
    )
    return calls, state


def collect(world, *, key="i1", method="card", reference="plan:7/1", amount="100.00", **kwargs):
    if method == "cash":
        ensure_drawer(world)
    return services.payment_collect(
        hall=world.hall,
        actor=world.clerk,
        method=method,
        amount=amount,
        tendered=kwargs.pop("tendered", amount if method == "cash" else None),
        idempotency_key=key,
        request_hash=services.payment_request_hash(
            method=method, amount=amount, purpose="installment", reference=reference
        ),
        purpose="installment",
        reference=reference,
        description="Installment 1 of 12",
        **kwargs,
    )


def test_pay01_an_installment_payment_calls_the_registered_purpose_with_its_reference(world, installment):
    calls, _ = installment
    service = mobile_service(world)
    payment, created = collect(world, service=service)
    assert created and payment.purpose == "installment" and payment.customer == service.customer
    assert calls == [("plan:7/1", "R00000001")]
    assert collect(world, service=service)[1] is False
    assert len(calls) == 1


def test_pay01_a_purpose_that_refuses_rolls_the_payment_back(world, monkeypatch):
    registry = dict(purposes._REGISTRY)
    monkeypatch.setattr(purposes, "_REGISTRY", registry)

    def refuse(payment):
        raise Conflict("already paid", code="installment_paid")

    purposes.register_purpose("installment", on_succeeded=refuse)
    with pytest.raises(Conflict):
        collect(world, method="cash")
    assert not Payment.objects.exists() and not Receipt.objects.exists()


def test_pay01_an_installment_needs_its_reference_and_unknown_purposes_are_refused(world, installment):
    with pytest.raises(Unprocessable) as exc:
        collect(world, reference="")
    assert exc.value.code == "reference_missing"
    with pytest.raises(Unprocessable) as exc:
        services.payment_collect(
            hall=world.hall,
            actor=world.clerk,
            method="card",
            amount="1.00",
            idempotency_key="x",
            request_hash="h",
            purpose="lottery",
        )
    assert exc.value.code == "bad_purpose"
    with pytest.raises(ValueError):
        purposes.register_purpose("lottery", on_succeeded=lambda p: None)
    assert not Payment.objects.exists()


def test_pay01_a_qr_installment_no_longer_payable_is_refunded_not_applied(world, installment, settings):
    settings.REFUND_APPROVAL_ABOVE = Decimal("500.00")
    calls, state = installment
    payment, _ = collect(world, method="qr")
    state["open"] = False  # paid some other way meanwhile
    simulated.customer_pays(payment.provider_ref)
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.status == "succeeded" and not payment.purpose_applied
    assert calls == []
    assert payment.refunds.get().status == "paid"


def test_pay01_the_amount_due_comes_from_promotions_and_points_are_earned_once(world, monkeypatch):
    from .helpers import order_at_payment, pay

    earned = []
    monkeypatch.setattr(services.payments.promotion_selectors, "order_amount_due", lambda *, order: Decimal("25.00"))
    monkeypatch.setattr(
        services.payments.promotion_selectors,
        "order_amounts_due",
        lambda *, orders: {o.pk: Decimal("25.00") for o in orders},
    )
    monkeypatch.setattr(
        services.receipts.promotion_services, "points_earn_for_payment", lambda *, payment: earned.append(payment.pk)
    )
    order = order_at_payment(world)
    with pytest.raises(Unprocessable) as exc:
        pay(world, order, key="full", amount="30.00")
    assert exc.value.code == "wrong_amount" and "25.00" in str(exc.value.message)
    payment, _ = pay(world, order, key="discounted", amount="25.00", tendered="30.00")
    pay(world, order, key="discounted", amount="25.00", tendered="30.00")  # a replay earns nothing
    assert payment.change == Decimal("5.00")
    assert earned == [payment.pk]


def test_pay06_a_cancellations_balance_refund_over_the_api(world):
    from rest_framework.test import APIClient

    from .test_refunds import cancelled_with_refund_due

    order, service = cancelled_with_refund_due(world, balance="40.00")
    client = APIClient()
    client.force_authenticate(world.clerk)
    url = f"/api/v1/orders/{order.pk}/balance-refunds"
    bad = client.post(url, {"reason": "x", "method": "qr"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (422, "bad_method")
    too_much = client.post(url, {"reason": "x", "amount": "40.01"}, format="json")
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund_too_large")
    response = client.post(url, {"reason": "销户退余额", "method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    assert response.status_code == 201 and response.json()["status"] == "paid"
    replay = client.post(url, {"reason": "销户退余额", "method": "card"}, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    assert replay.status_code == 200 and replay.json()["id"] == response.json()["id"]
    assert service.refunds.count() == 1
