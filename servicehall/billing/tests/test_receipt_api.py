"""PAY02 through the API: a receipt and its PDF; every PDF counts a print and copies are marked."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from servicehall.billing.models import Receipt
from servicehall.billing.tests.helpers import order_at_payment, pay
from servicehall.core.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _receipt(world) -> Receipt:
    payment, _created = pay(world, order_at_payment(world), tendered="50.00")
    return Receipt.objects.get(payment=payment)


def test_pay02_the_api_answers_a_receipt_with_its_payment(world):
    receipt = _receipt(world)
    answer = _api(world.clerk).get(f"/api/v1/receipts/{receipt.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["number"] == receipt.number and body["printed_copies"] == 0
    assert (body["amount"], body["tendered"], body["change"]) == ("30.00", "50.00", "20.00")
    assert body["order_number"] == receipt.payment.order.number


def test_pay02_each_pdf_from_the_api_counts_a_print_and_the_second_is_a_copy(world):
    receipt = _receipt(world)
    api = _api(world.clerk)
    first = api.post(f"/api/v1/receipts/{receipt.pk}/pdf")
    second = api.post(f"/api/v1/receipts/{receipt.pk}/pdf")
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert "COPY" not in pdf_text(first.content) and "COPY" in pdf_text(second.content)
    # PAY03: the slip's way to the invoice online is an address a phone can open.
    assert "http://testserver/invoices/request/" in pdf_text(first.content)
    receipt.refresh_from_db()
    assert receipt.printed_copies == 2


def test_pay02_another_halls_clerk_finds_no_receipt(world, other_world):
    receipt = _receipt(world)
    api = _api(other_world.clerk)
    assert api.get(f"/api/v1/receipts/{receipt.pk}").status_code == 404
    assert api.post(f"/api/v1/receipts/{receipt.pk}/pdf").status_code == 404
    assert api.get("/api/v1/receipts/99999999999999999999999").status_code == 404
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0
