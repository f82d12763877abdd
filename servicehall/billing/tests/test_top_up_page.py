"""The counter top-up page (PAY01): money onto a service's balance, once per form, masked on screen."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from servicehall.billing.models import Payment, PaymentPurpose
from testsupport.customers import CustomerFactory, MobileServiceFactory

from .helpers import ensure_drawer


@pytest.fixture
def service(world):
    customer = CustomerFactory(company=world.hall.company)
    return MobileServiceFactory(customer=customer, balance=Decimal("12.50"), number="13901234567")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _url(service, hall) -> str:
    return f"{reverse('billing:top_up', kwargs={'service_id': service.pk})}?hall={hall.code}"


def _key(html: str) -> str:
    match = re.search(r'name="key" value="([0-9a-f]{32})"', html)
    assert match
    return match.group(1)


def test_pay01_a_clerk_tops_up_a_mobile_balance_by_cash_with_change_and_a_receipt(world, service):
    ensure_drawer(world)
    client = _client(world.clerk)
    page = client.get(_url(service, world.hall))
    html = page.content.decode()
    assert page.status_code == 200
    assert "139****4567" in html and "13901234567" not in html
    assert 'data-testid="balance">¥12.50<' in html
    fields = {"key": _key(html), "amount": "50", "method": "cash", "tendered": "100"}
    done = client.post(_url(service, world.hall), fields)
    assert done.status_code == 200
    body = done.content.decode()
    payment = Payment.objects.get(service=service)
    assert payment.purpose == PaymentPurpose.TOP_UP and payment.change == Decimal("50.00")
    assert f"Topped up ¥50.00, receipt {payment.receipt.number}." in body
    assert 'data-testid="balance">¥62.50<' in body
    assert "13901234567" not in payment.description
    again = client.post(_url(service, world.hall), fields)
    assert again.status_code == 200
    service.refresh_from_db()
    assert service.balance == Decimal("62.50")  # the retried form charged nothing more
    assert Payment.objects.filter(service=service).count() == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "must be more than zero"), ("1.005", "at most two decimal places"), ("abc", "must be a number")],
)
def test_pay01_a_bad_top_up_amount_is_422_and_nothing_is_written(world, service, amount, message):
    client = _client(world.clerk)
    html = client.get(_url(service, world.hall)).content.decode()
    response = client.post(_url(service, world.hall), {"key": _key(html), "amount": amount, "method": "card"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Payment.objects.exists()
    service.refresh_from_db()
    assert service.balance == Decimal("12.50")


def test_pay01_cash_without_an_open_drawer_is_refused(world, service):
    client = _client(world.clerk)
    html = client.get(_url(service, world.hall)).content.decode()
    response = client.post(
        _url(service, world.hall), {"key": _key(html), "amount": "20", "method": "cash", "tendered": "20"}
    )
    assert response.status_code == 409
    assert not Payment.objects.exists()


def test_pay01_another_halls_clerk_cannot_top_up_this_service(world, other_world, service):
    client = _client(other_world.clerk)
    assert client.get(_url(service, other_world.hall)).status_code == 404
    assert client.get(_url(service, world.hall)).status_code in (403, 404)
