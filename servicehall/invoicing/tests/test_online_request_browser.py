"""PAY03 online in the browser (扫码开票): the customer opens the address of the receipt's QR code, types the
buyer title, gets the invoice number and downloads the PDF. No CSP violation on the way."""

from __future__ import annotations

import pytest

from servicehall.billing.models import Receipt
from servicehall.billing.tests.helpers import order_at_payment, pay
from servicehall.invoicing.models import Invoice, InvoiceChannel
from servicehall.invoicing.templatetags.invoice_request import request_path
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def test_pay03_the_customer_requests_the_invoice_from_the_receipts_qr_code_and_downloads_it(
    asgi_server, browser, world
):
    payment, _ = pay(world, order_at_payment(world), key="browser-online-invoice")
    receipt = Receipt.objects.get(payment=payment)
    violations: list[str] = []

    phone = new_page(browser, str(asgi_server), language="en", enforce_csp=True)
    phone.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    # The address the receipt's QR code carries: hall, receipt number and code filled in.
    phone.goto(
        asgi_server.url(
            request_path(hall_code=world.hall.code, receipt_number=receipt.number, code=receipt.invoice_code)
        )
    )
    assert phone.get_by_label("Receipt number").input_value() == receipt.number
    assert phone.get_by_label("Invoice code").input_value() == receipt.invoice_code
    phone.get_by_label("Buyer title").fill("王小明")
    phone.get_by_test_id("invoice-request-submit").click()

    number = phone.get_by_test_id("invoice-number").inner_text().strip()
    invoice = Invoice.objects.get(number=number)
    assert invoice.channel == InvoiceChannel.ONLINE and invoice.issued_by is None
    assert phone.get_by_test_id("invoice-download-code").inner_text().strip() == invoice.download_code

    with phone.expect_download() as download_info:
        phone.get_by_test_id("invoice-download").click()
    download = download_info.value
    assert download.suggested_filename == f"invoice-{number}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert violations == []
