"""Issue 10 (PAY02, item 24 and 31): printing is the Print button's POST; a GET or a reload counts nothing,
and the receipt leads back to what it paid."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicehall.billing.models import Receipt
from servicehall.billing.tests.helpers import mobile_service, order_at_payment, pay, top_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _receipt(world) -> Receipt:
    payment, _ = pay(world, order_at_payment(world))
    return Receipt.objects.get(payment=payment)


def _page(receipt: Receipt) -> str:
    return reverse("billing:receipt", kwargs={"receipt_id": receipt.pk})


def _print(receipt: Receipt) -> str:
    return reverse("billing:receipt_print", kwargs={"receipt_id": receipt.pk})


def test_pay02_issue10_two_gets_count_nothing_and_never_open_the_print_dialog(client, world):
    receipt = _receipt(world)
    client.force_login(world.clerk)
    for _ in range(2):
        page = client.get(_page(receipt)).content.decode()
        assert 'data-autoprint="1"' not in page
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0


def test_pay02_issue10_print_counts_once_and_reloading_the_print_page_counts_nothing(client, world):
    receipt = _receipt(world)
    client.force_login(world.clerk)
    answer = client.post(_print(receipt))
    # The POST redirects: the page the browser shows (and reloads) is a GET.
    assert answer.status_code == 303 and answer["Location"] == _page(receipt)
    printed = client.get(answer["Location"]).content.decode()
    assert 'data-autoprint="1"' in printed and "副本 / COPY" not in printed
    reloaded = client.get(answer["Location"]).content.decode()
    reloaded_again = client.get(answer["Location"]).content.decode()
    receipt.refresh_from_db()
    assert receipt.printed_copies == 1
    # The reload is the preview (it prints blank), already marked as the copy the next print would be.
    for page in (reloaded, reloaded_again):
        assert 'data-autoprint="1"' not in page and "receipt-preview" in page
    assert "副本 / COPY" in reloaded


def test_pay02_issue10_a_second_print_is_the_copy(client, world):
    receipt = _receipt(world)
    client.force_login(world.clerk)
    client.post(_print(receipt), follow=True)
    second = client.post(_print(receipt), follow=True).content.decode()
    assert 'data-autoprint="1"' in second and "副本 / COPY" in second
    receipt.refresh_from_db()
    assert receipt.printed_copies == 2


def test_pay02_issue10_a_print_without_the_csrf_token_is_refused(world):
    from django.test import Client

    receipt = _receipt(world)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.clerk)
    assert strict.post(_print(receipt)).status_code == 403
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0


def test_issue10_the_receipt_page_leads_back_to_its_orders(client, world):
    from servicehall.billing.tests.test_pay_together import pay_together, two_orders

    first, second = two_orders(world)
    payment, _ = pay_together(world, [first, second])
    receipt = Receipt.objects.get(payment=payment)
    client.force_login(world.clerk)
    page = client.get(_page(receipt)).content.decode()
    for order in (first, second):
        assert f'href="{reverse("orders:detail", kwargs={"order_id": order.pk})}"' in page
        assert f"← Order {order.number}" in page


def test_issue10_a_top_up_receipt_leads_back_to_the_customer(client, world):
    service = mobile_service(world, number="13912345678")
    payment, _ = top_up(world, service, amount="50.00", tendered="50")
    receipt = Receipt.objects.get(payment=payment)
    client.force_login(world.clerk)
    page = client.get(_page(receipt)).content.decode()
    assert f'href="{reverse("customers:detail", kwargs={"customer_id": service.customer_id})}"' in page
    assert "← The customer" in page
