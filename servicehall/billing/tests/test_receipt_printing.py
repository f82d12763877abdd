"""PAY02: the printable receipt slip, its PDF, and copies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicehall.billing.models import Receipt
from servicehall.billing.tests.helpers import mobile_service, order_at_payment, pay, top_up
from servicehall.core.models import AuditEntry
from servicehall.core.pdf import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """Pages in English unless a test asks for Chinese (the language cookie, as the language switch sets it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"


def _paid_receipt(world, **kwargs) -> Receipt:
    payment, _ = pay(world, order_at_payment(world), **kwargs)
    return Receipt.objects.get(payment=payment)


def _urls(receipt: Receipt) -> dict[str, str]:
    args = {"receipt_id": receipt.pk}
    return {name: reverse(f"billing:{name}", kwargs=args) for name in ("receipt", "receipt_print", "receipt_pdf")}


def test_pay02_the_slip_shows_what_was_paid_the_change_phrase_and_the_customer_masked(client, world):
    receipt = _paid_receipt(world, tendered="50.00")
    client.force_login(world.clerk)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    assert receipt.number in page
    assert receipt.payment.order.number in page
    assert "Received ¥50.00, your change is ¥20.00" in page
    assert "138****5678" in page and "13812345678" not in page
    assert "张*" in page and "张三" not in page
    assert "Hall ha" in page
    assert "30.00" in page


def test_pay02_the_chinese_slip_says_shou_nin_zhao_nin(client, settings, world):
    receipt = _paid_receipt(world, tendered="100")
    client.force_login(world.clerk)
    _chinese(client, settings)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    assert "收您100.00元，找您70.00元" in page


def test_pay02_looking_at_a_receipt_counts_no_print(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    assert client.get(_urls(receipt)["receipt"]).status_code == 200
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0


def test_pay02_the_first_print_is_the_original_and_a_reprint_is_marked_copy_and_counted(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    first = client.post(_urls(receipt)["receipt_print"], follow=True)
    assert first.status_code == 200
    assert "COPY" not in first.content.decode()
    assert 'data-autoprint="1"' in first.content.decode()
    second = client.post(_urls(receipt)["receipt_print"], follow=True).content.decode()
    assert "副本 / COPY" in second
    receipt.refresh_from_db()
    assert receipt.printed_copies == 2
    audits = AuditEntry.objects.filter(action="receipt.print", object_id=str(receipt.pk)).order_by("id")
    assert [a.data["copy"] for a in audits] == [1, 2]
    assert all(set(a.data) == {"receipt", "copy"} for a in audits)


def test_pay02_a_printed_receipt_previews_as_a_copy(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    assert "副本 / COPY" not in client.get(_urls(receipt)["receipt"]).content.decode()
    client.post(_urls(receipt)["receipt_print"], follow=True)
    assert "副本 / COPY" in client.get(_urls(receipt)["receipt"]).content.decode()


def test_pay02_the_pdf_is_a_pdf_with_the_chinese_text_in_the_cjk_font(client, settings, world):
    receipt = _paid_receipt(world, tendered="50")
    client.force_login(world.clerk)
    _chinese(client, settings)
    response = client.post(_urls(receipt)["receipt_pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert any("CJK" in font for font in pdf_fonts(pdf))
    text = pdf_text(pdf).replace(" ", "")
    assert "收您50.00元，找您20.00元" in text
    assert receipt.number in text
    receipt.refresh_from_db()
    assert receipt.printed_copies == 1


def test_pay02_a_second_pdf_is_marked_copy(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    first = pdf_text(client.post(_urls(receipt)["receipt_pdf"]).content)
    second = pdf_text(client.post(_urls(receipt)["receipt_pdf"]).content)
    assert "COPY" not in first
    assert "副本" in second and "COPY" in second


def test_pay02_the_pdf_download_is_a_post(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    # A GET (a reload, a copied address) leads back to the receipt's page and prints nothing.
    back = client.get(_urls(receipt)["receipt_pdf"])
    assert back.status_code == 302 and back.url == _urls(receipt)["receipt"]
    assert client.put(_urls(receipt)["receipt_pdf"]).status_code == 405
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0


def test_pay02_hall_b_sees_no_receipt_of_hall_a(client, world, other_world):
    receipt = _paid_receipt(world)
    client.force_login(other_world.clerk)
    urls = _urls(receipt)
    assert client.get(urls["receipt"]).status_code == 404
    assert client.post(urls["receipt_print"]).status_code == 404
    assert client.post(urls["receipt_pdf"]).status_code == 404
    assert receipt.number not in client.get(urls["receipt"]).content.decode()
    receipt.refresh_from_db()
    assert receipt.printed_copies == 0


def test_pay02_a_lobby_guide_may_not_print_receipts(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.guide)
    assert client.post(_urls(receipt)["receipt_print"]).status_code == 403


def test_pay02_the_receipt_page_has_no_inline_script_or_style(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.manager)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    assert "<script>" not in page and "style=" not in page and " onclick" not in page
    assert "js/receipt" in page


def test_pay02_a_card_payment_has_no_change_phrase(client, world):
    receipt = _paid_receipt(world, method="card")
    client.force_login(world.clerk)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    assert "your change" not in page
    assert "Bank card" in page


def test_pay02_a_top_up_slip_names_the_top_up_and_masks_the_number(client, world):
    service = mobile_service(world, number="13912345678")
    payment, _ = top_up(world, service, amount="50.00", tendered="100")
    receipt = Receipt.objects.get(payment=payment)
    client.force_login(world.clerk)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "Received ¥100.00, your change is ¥50.00" in page
    assert "50.00" in page


def test_pay02_the_receipt_page_offers_an_invoice_for_the_payment(client, world):
    receipt = _paid_receipt(world)
    client.force_login(world.clerk)
    page = client.get(_urls(receipt)["receipt"]).content.decode()
    link = reverse("invoicing:create") + f"?hall={world.hall.code}&payment={receipt.payment_id}"
    assert link.replace("&", "&amp;") in page
    assert client.get(link).status_code == 200
