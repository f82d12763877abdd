"""PAY03 online (扫码开票): the receipt carries an invoice code; with it the customer requests the invoice."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from servicehall.billing.models import Payment, Receipt
from servicehall.billing.tests.helpers import order_at_payment, pay
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEntry
from servicehall.core.pdf import pdf_text
from servicehall.invoicing.models import Invoice, InvoiceChannel, InvoiceLine, InvoiceMove, InvoiceStatus
from testsupport.customers import make_uscc

from .helpers import issue, paid

pytestmark = pytest.mark.django_db

REQUEST_URL = "/invoices/request/"
NO_MATCH = "No receipt matches this hall, receipt number and code."
FULLY_INVOICED = "This receipt is already fully invoiced"
_keys = itertools.count(1)


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _receipt(world, amount: str = "30.00") -> Receipt:
    key = f"online-{next(_keys)}"
    payment, _ = pay(world, order_at_payment(world, fee=amount), key=key, amount=amount, tendered=amount)
    return Receipt.objects.select_related("hall", "payment").get(payment=payment)


def _post(client, slip: Receipt, **fields):
    data = {
        "hall": slip.hall.code,
        "receipt": slip.number,
        "code": slip.invoice_code,
        "buyer_kind": "personal",
        "buyer_title": "王小明",
        "tax_number": "",
        **fields,
    }
    return client.post(reverse("invoicing:request"), data)


def _written() -> tuple[int, int, int, int]:
    return (
        Invoice.objects.count(),
        InvoiceLine.objects.count(),
        InvoiceMove.objects.count(),
        AuditEntry.objects.filter(action="invoice.issue").count(),
    )


# --- the receipt ------------------------------------------------------------------------------------------


def test_pay03_every_receipt_gets_an_unguessable_invoice_code(world):
    first, second = _receipt(world), _receipt(world)
    for receipt in (first, second):
        assert len(receipt.invoice_code) == 10
        assert not set(receipt.invoice_code) & set("01OIL")
    assert first.invoice_code != second.invoice_code


def test_pay03_the_receipt_slip_shows_the_code_and_the_qr_code_of_the_request(client, world):
    receipt = _receipt(world)
    client.force_login(world.clerk)
    page = client.get(reverse("billing:receipt", kwargs={"receipt_id": receipt.pk})).content.decode()
    assert "Invoice online" in page and receipt.invoice_code in page
    assert f"http://testserver{REQUEST_URL}?hall={world.hall.code}" in page
    assert 'class="slip-qr"><title>QR code to request the invoice</title>' in page
    # A copy shows them too (the customer may have lost the original).
    print_url = reverse("billing:receipt_print", kwargs={"receipt_id": receipt.pk})
    client.post(print_url)
    copy = client.post(print_url, follow=True).content.decode()
    assert "副本 / COPY" in copy and receipt.invoice_code in copy and "slip-qr" in copy


def test_pay03_the_receipt_pdf_carries_the_code_and_the_request_address(client, world):
    receipt = _receipt(world)
    client.force_login(world.clerk)
    response = client.post(reverse("billing:receipt_pdf", kwargs={"receipt_id": receipt.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content).replace(" ", "").replace("\n", "")
    assert receipt.invoice_code in text and REQUEST_URL in text


def test_pay03_the_qr_code_opens_the_request_page_filled_in(client, world):
    from servicehall.invoicing.templatetags.invoice_request import request_path

    receipt = _receipt(world)
    url = request_path(hall_code=world.hall.code, receipt_number=receipt.number, code=receipt.invoice_code)
    assert parse_qs(urlsplit(url).query) == {
        "hall": [world.hall.code],
        "receipt": [receipt.number],
        "code": [receipt.invoice_code],
    }
    page = client.get(url).content.decode()
    assert f'value="{receipt.number}"' in page and f'value="{receipt.invoice_code}"' in page
    assert f'value="{world.hall.code}"' in page


# --- the request ------------------------------------------------------------------------------------------


def test_pay03_the_right_code_issues_an_online_invoice_for_what_is_left_without_staff(client, world):
    receipt = _receipt(world, "30.00")
    response = _post(client, receipt, code=receipt.invoice_code.lower())
    assert response.status_code == 200
    invoice = Invoice.objects.get()
    assert invoice.channel == InvoiceChannel.ONLINE and invoice.status == InvoiceStatus.ISSUED
    assert invoice.issued_by is None and invoice.moves.get().actor is None
    assert invoice.customer_id == receipt.payment.order.customer_id
    assert invoice.total == receipt.payment.amount and invoice.buyer_title == "王小明"
    assert list(invoice.lines.values_list("payment_id", flat=True)) == [receipt.payment_id]
    audit = AuditEntry.objects.get(action="invoice.issue")
    assert audit.actor is None and audit.data["channel"] == "online" and audit.data["number"] == invoice.number
    page = response.content.decode()
    assert invoice.number in page and invoice.download_code in page
    assert f'action="{reverse("invoicing:download")}"' in page
    # Nothing about the customer beyond the title typed: not their name, phone or amount paid.
    for secret in ("张三", "13812345678", "138****5678"):
        assert secret not in page


def test_pay03_a_receipt_invoiced_at_the_counter_is_refused_online_until_that_invoice_is_voided(client, world):
    from servicehall.invoicing import services

    receipt = _receipt(world)
    who = receipt.payment.order.customer
    counter = issue(world, who, [receipt.payment])
    assert _post(client, receipt).status_code == 409
    services.invoice_void(invoice=counter, actor=world.clerk, reason="Wrong title")
    assert _post(client, receipt).status_code == 200
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED, channel=InvoiceChannel.ONLINE).count() == 1


def test_pay03_the_downloaded_pdf_of_an_online_invoice_has_its_number(client, world):
    receipt = _receipt(world)
    _post(client, receipt)
    invoice = Invoice.objects.get()
    response = client.post(reverse("invoicing:download"), {"number": invoice.number, "code": invoice.download_code})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert invoice.number in pdf_text(response.content)


def test_pay03_an_enterprise_online_invoice_carries_its_credit_code(client, world):
    receipt = _receipt(world)
    uscc = make_uscc()
    response = _post(client, receipt, buyer_kind="enterprise", buyer_title="上海某某科技有限公司", tax_number=uscc)
    assert response.status_code == 200
    invoice = Invoice.objects.get()
    assert invoice.buyer_kind == "enterprise" and invoice.tax_number == uscc


@pytest.mark.parametrize("what", ["code", "hall", "receipt", "empty"])
def test_pay03_a_wrong_code_hall_or_receipt_gets_the_same_not_found(client, world, other_world, what):
    receipt = _receipt(world)
    other = _receipt(other_world)
    wrong = {
        "code": {"code": "WRONGCODE2"},
        "hall": {"hall": other_world.hall.code},  # the same receipt number exists in hall B
        "receipt": {"receipt": "R99999999"},
        "empty": {"code": ""},
    }[what]
    assert other.number == receipt.number
    response = _post(client, receipt, **wrong)
    assert response.status_code == 404 if what != "empty" else 422
    page = response.content.decode()
    if what != "empty":
        assert NO_MATCH in page
    for secret in ("张", "30.00", other.invoice_code):
        assert secret not in page
    assert _written() == (0, 0, 0, 0)


def test_pay03_a_second_request_is_told_fully_invoiced_and_writes_nothing(client, world):
    receipt = _receipt(world)
    assert _post(client, receipt).status_code == 200
    before = _written()
    again = _post(client, receipt, buyer_title="Someone else")
    assert again.status_code == 409
    assert again.content.decode().count(FULLY_INVOICED) == 1  # said once, above the form
    assert _written() == before


def test_pay03_an_enterprise_without_a_valid_tax_number_is_told_beside_the_field(client, world):
    receipt = _receipt(world)
    for tax_number, message in (
        ("", "An enterprise invoice needs the buyer"),
        ("91310115MA1K3YJ12Y", "is not a valid unified social credit code"),
    ):
        response = _post(client, receipt, buyer_kind="enterprise", buyer_title="某某公司", tax_number=tax_number)
        assert response.status_code == 422
        page = response.content.decode()
        # Beside the tax number field (its own error list), not on top of the form.
        errors = page[page.index('id="id_tax_number_error"') :]
        assert message in errors[: errors.index("</ul>")]
        assert 'data-testid="invoice-request-error"' not in page
    assert _written() == (0, 0, 0, 0)


def test_pay03_online_the_buyer_title_is_required(client, world):
    receipt = _receipt(world)
    response = _post(client, receipt, buyer_title="")
    assert response.status_code == 422
    assert "Enter the buyer title" in response.content.decode()
    assert not Invoice.objects.exists()


def test_pay03_no_online_invoice_once_todays_settlement_is_closed(client, world):
    from servicehall.cashdesk.models import Settlement

    receipt = _receipt(world)
    Settlement.objects.create(
        hall=world.hall, day=world.hall.local_date(), status="closed", closed_by=world.manager, closed_at=timezone.now()
    )
    response = _post(client, receipt)
    assert response.status_code == 409
    assert "already settled and closed" in response.content.decode()
    assert _written() == (0, 0, 0, 0)


def test_pay03_a_payment_without_a_customer_is_sent_to_the_counter(client, world):
    receipt = _receipt(world)
    Payment.objects.filter(pk=receipt.payment_id).update(customer=None, order=None)
    response = _post(client, receipt)
    assert response.status_code == 409
    assert "ask at the counter" in response.content.decode()
    assert not Invoice.objects.exists()


def test_pay03_guessing_receipt_codes_is_throttled(client, world, settings):
    settings.INVOICE_REQUEST_PER_MINUTE = 3
    receipt = _receipt(world)
    answers = [_post(client, receipt, code=f"GUESS{n:05d}").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    blocked = _post(client, receipt)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert not Invoice.objects.exists()


def test_pay03_the_download_page_links_to_the_request(client, world):
    page = client.get(reverse("invoicing:download")).content.decode()
    assert "No invoice yet? Request one with your receipt" in page and f'href="{REQUEST_URL}"' in page


def test_pay03_once_invoiced_online_the_counter_finds_nothing_left_on_that_payment(client, world):
    receipt = _receipt(world)
    mine = paid(world, receipt.payment.order.customer)
    _post(client, receipt)
    with pytest.raises(Conflict) as refused:
        issue(world, receipt.payment.order.customer, [receipt.payment, mine])
    assert refused.value.code == "already_invoiced"
    assert issue(world, receipt.payment.order.customer, [mine]).total == mine.amount


def test_pay03_receipts_from_before_the_code_get_one_from_the_migration(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("servicehall.billing.migrations.0004_receipt_invoice_code")
    old, current = _receipt(world), _receipt(world)
    Receipt.objects.filter(pk=old.pk).update(invoice_code="")
    migration.codes_for_earlier_receipts(apps, None)
    old_code = Receipt.objects.get(pk=old.pk).invoice_code
    assert len(old_code) == 10 and not set(old_code) & set("01OIL")
    assert Receipt.objects.get(pk=current.pk).invoice_code == current.invoice_code
