"""One payment for several orders of one customer (PAY01): one tender, one receipt, every order paid."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.billing import printing, selectors
from servicehall.billing.models import Payment, PaymentLine, Receipt, Refund
from servicehall.billing.providers import simulated
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.invoicing import services as invoicing_services
from servicehall.invoicing.presentation import invoice_document_context
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import customer
from servicehall.orders.tests.test_concurrency import run_at_once
from testsupport.orders import order_action_url
from testsupport.world import build_world, result_or_refusal

from .helpers import order_at_payment, pay


def two_orders(world, person=None):
    """Two orders of one customer at the payment step: 30.00 and 45.00."""
    person = person or customer(world)
    first = order_at_payment(world, person=person)
    second = order_at_payment(world, fee="45.00", code="fee45", person=person)
    return first, second


def pay_together(world, orders, *, key="t1", method="cash", amount="75.00", tendered="100.00"):
    lead, *others = orders
    return pay(world, lead, with_orders=others, key=key, method=method, amount=amount, tendered=tendered)


def status_of(order) -> str:
    return WorkOrder.objects.get(pk=order.pk).status


def test_pay01_two_orders_of_one_customer_are_paid_with_one_tender_and_one_receipt(world):
    first, second = two_orders(world)
    payment, created = pay_together(world, [first, second])
    assert created and payment.amount == Decimal("75.00") and payment.change == Decimal("25.00")
    assert Receipt.objects.count() == 1
    lines = {line.order_id: line.amount for line in PaymentLine.objects.filter(payment=payment)}
    assert lines == {first.pk: Decimal("30.00"), second.pk: Decimal("45.00")}
    for order in (first, second):
        reloaded = WorkOrder.objects.get(pk=order.pk)
        assert reloaded.status != OrderStatus.PAYMENT and reloaded.payment_reference == payment.receipt.number
        assert list(selectors.payments_for_order(order=order)) == [payment]
    audit = AuditEntry.objects.get(action="payment.take", object_id=str(payment.pk))
    assert sorted(audit.data["orders"]) == sorted([first.number, second.number])


def test_pay02_the_receipt_of_a_payment_for_two_orders_lists_both_orders_and_their_fees(world):
    first, second = two_orders(world)
    payment, _ = pay_together(world, [first, second])
    receipt = printing.receipt_get_for_user(user=world.clerk, receipt_id=payment.receipt.pk)
    slip = printing.receipt_slip(receipt=receipt, is_copy=False)
    assert slip.order_number == f"{first.number}, {second.number}"
    assert [line.amount for line in slip.lines] == [Decimal("30.00"), Decimal("45.00")]
    assert all(
        line.description.startswith(number)
        for line, number in zip(slip.lines, [first.number, second.number], strict=True)
    )
    assert sum(line.amount for line in slip.lines) == slip.amount


def test_pay01_the_amount_must_be_the_sum_of_what_every_order_owes(world):
    first, second = two_orders(world)
    with pytest.raises(Unprocessable) as exc:
        pay_together(world, [first, second], amount="30.00", tendered="50.00")
    assert exc.value.code == "wrong_amount"
    assert first.number in exc.value.message and second.number in exc.value.message and "75.00" in exc.value.message
    assert not Payment.objects.exists() and not PaymentLine.objects.exists()
    assert (status_of(first), status_of(second)) == (OrderStatus.PAYMENT, OrderStatus.PAYMENT)


def test_pay01_orders_of_two_customers_cannot_be_paid_together(world):
    first = order_at_payment(world, person=customer(world, "张三"))
    other = order_at_payment(world, fee="45.00", code="fee45", person=customer(world, "李四", phone="13900001111"))
    with pytest.raises(Unprocessable) as exc:
        pay_together(world, [first, other])
    assert exc.value.code == "orders_of_several_customers"
    assert not Payment.objects.exists()


def test_pay01_an_order_already_paid_cannot_be_paid_again_with_another(world):
    first, second = two_orders(world)
    pay(world, second, key="alone", amount="45.00", tendered="50.00")
    with pytest.raises(Conflict) as exc:
        pay_together(world, [first, second])
    assert exc.value.code == "not_at_payment" and second.number in exc.value.message
    assert Payment.objects.count() == 1 and status_of(first) == OrderStatus.PAYMENT


def test_pay01_a_retry_of_a_payment_for_two_orders_charges_once(world):
    first, second = two_orders(world)
    payment, created = pay_together(world, [first, second], key="same")
    again, created_again = pay_together(world, [second, first], key="same")
    assert (created, created_again, again.pk) == (True, False, payment.pk)
    with pytest.raises(Unprocessable) as exc:
        pay(world, first, key="same")
    assert exc.value.code == "idempotency_mismatch"
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_pay01_a_qr_payment_for_two_orders_completes_both(world):
    first, second = two_orders(world)
    payment, _ = pay_together(world, [first, second], method="qr")
    assert payment.status == "pending" and status_of(first) == OrderStatus.PAYMENT
    simulated.customer_pays(payment.provider_ref)
    assert Payment.objects.get(pk=payment.pk).purpose_applied
    assert OrderStatus.PAYMENT not in (status_of(first), status_of(second))


def test_pay01_a_late_qr_success_after_one_of_its_orders_was_paid_in_cash_is_refunded_whole(world):
    first, second = two_orders(world)
    payment, _ = pay_together(world, [first, second], method="qr")
    pay(world, second, key="cash", amount="45.00", tendered="50.00")
    simulated.customer_pays(payment.provider_ref)
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.status == "succeeded" and not payment.purpose_applied
    refund = Refund.objects.get(payment=payment)
    assert refund.amount == Decimal("75.00") and refund.method == "qr"
    assert status_of(first) == OrderStatus.PAYMENT  # still waits: nothing of the QR money was applied


def test_pay03_an_invoice_of_a_payment_for_two_orders_names_both(world):
    first, second = two_orders(world)
    payment, _ = pay_together(world, [first, second], method="card")
    invoice = invoicing_services.invoice_issue(
        hall=world.hall, actor=world.clerk, customer=first.customer, payment_ids=[payment.pk], buyer_kind="personal"
    )
    lines = invoice_document_context(invoice)["lines"]
    assert [line["description"] for line in lines] == [f"{first.number}, {second.number}"]
    assert invoice.total == Decimal("75.00")


@pytest.fixture
def clerk_client(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.clerk)
    client.cookies["django_language"] = "en"
    return client


def test_pay01_the_order_page_offers_the_customers_other_orders_and_pays_them_together(world, clerk_client):
    first, second = two_orders(world)
    stranger = order_at_payment(world, fee="20.00", code="fee20", person=customer(world, "王五", phone="13700001111"))
    url = reverse("orders:detail", kwargs={"order_id": first.pk})
    page = clerk_client.get(url).content.decode()
    assert 'data-testid="pay-together"' in page and f'data-testid="with-{second.number}"' in page
    assert stranger.number not in page  # another customer's order is never offered
    assert 'data-testid="amount-due">¥30.00' in page
    ticked = clerk_client.get(url, {"with": [second.pk]}).content.decode()
    assert 'data-testid="amount-due">¥75.00' in ticked
    assert f'name="with" value="{second.pk}"' in ticked
    key = re.search(r'name="key" value="([0-9a-f]{32})"', ticked).group(1)
    response = clerk_client.post(
        order_action_url(first, "pay"),
        {"key": key, "amount": "75.00", "method": "card", "with": [second.pk], "pos_reference": "POS123456"},
    )
    assert response.status_code == 200 and "Paid, receipt R00000001" in response.content.decode()
    assert OrderStatus.PAYMENT not in (status_of(first), status_of(second))
    second_page = clerk_client.get(reverse("orders:detail", kwargs={"order_id": second.pk})).content.decode()
    assert "R00000001" in second_page  # the payment shows on both orders' pages


def test_pay01_the_api_pays_two_orders_with_one_payment_and_answers_the_lines(world):
    first, second = two_orders(world)
    api = APIClient()
    api.force_authenticate(world.clerk)
    url = f"/api/v1/orders/{first.pk}/payments"
    body = {"method": "card", "amount": "75.00", "with_orders": [second.pk], "pos_reference": "POS123456"}
    response = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert response.status_code == 201, response.content
    assert {(o["order_number"], o["amount"]) for o in response.json()["orders"]} == {
        (first.number, "30.00"),
        (second.number, "45.00"),
    }
    assert api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="api-1").status_code == 200
    bad = api.post(url, {**body, "with_orders": [2**70]}, format="json", HTTP_IDEMPOTENCY_KEY="api-2")
    assert bad.status_code == 400
    elsewhere = build_world("hb")
    foreign = order_at_payment(elsewhere)
    response = api.post(url, {**body, "with_orders": [foreign.pk]}, format="json", HTTP_IDEMPOTENCY_KEY="api-3")
    assert response.status_code == 404
    assert Payment.objects.filter(hall=world.hall).count() == 1


@pytest.mark.django_db(transaction=True)
def test_pay01_an_order_paid_together_and_alone_at_once_is_charged_once(postgres_only, threads_db):
    world = build_world("ha")
    first, second = two_orders(world)
    close_old_connections()
    workers = [
        lambda: result_or_refusal(lambda: pay_together(world, [first, second], key="together", method="card")),
        lambda: result_or_refusal(lambda: pay(world, second, key="alone", method="card", amount="45.00")),
        lambda: result_or_refusal(lambda: pay_together(world, [second, first], key="together-2", method="card")),
    ]
    results, errors = run_at_once(workers)
    assert errors == []
    paid = [r for r in results if isinstance(r, tuple)]
    assert len(paid) == 1, "exactly one of them pays"
    assert PaymentLine.objects.filter(order=second).count() == 1
    assert sum(p.amount for p in Payment.objects.all()) in (Decimal("75.00"), Decimal("45.00"))
    assert all(isinstance(r, Conflict) and r.code == "not_at_payment" for r in results if not isinstance(r, tuple))
