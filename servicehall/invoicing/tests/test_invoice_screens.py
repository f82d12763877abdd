"""PAY03 on screen: request at the counter, the hall's list with voiding, and the customer's download page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from servicehall.core.pdf import pdf_fonts, pdf_text
from servicehall.invoicing import services
from servicehall.invoicing.models import INVOICE_DIGITS, Invoice, InvoiceStatus
from testsupport.customers import make_uscc

from .helpers import issue, paid, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _create_url(world, **query) -> str:
    query = {"hall": world.hall.code, **query}
    return reverse("invoicing:create") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_pay03_the_clerk_sees_the_customers_invoiceable_payments_and_issues_an_invoice(client, world):
    who = person(world)
    first, second, done = paid(world, who), paid(world, who, "12.50"), paid(world, who)
    issue(world, who, [done])
    client.force_login(world.clerk)
    page = client.get(_create_url(world, customer=who.pk)).content.decode()
    # The payment checkboxes (other inputs of the page may hold the same numbers as values).
    assert f'id="payment-{first.pk}"' in page and f'id="payment-{second.pk}"' in page
    assert f'id="payment-{done.pk}"' not in page
    response = client.post(
        _create_url(world),
        {"customer": who.pk, "payments": [first.pk, second.pk], "buyer_kind": "personal"},
    )
    assert response.status_code == 302
    invoice = Invoice.objects.exclude(lines__payment=done).get()
    assert invoice.total == first.amount + second.amount
    detail = client.get(response["Location"]).content.decode()
    assert invoice.number in detail and invoice.download_code in detail
    assert "42.50" in detail


def test_pay03_the_counter_form_starts_from_a_payment(client, world):
    who = person(world)
    payment, other = paid(world, who), paid(world, who)
    client.force_login(world.clerk)
    for url in (_create_url(world, payment=payment.pk), _create_url(world, customer=who.pk, payment=payment.pk)):
        page = client.get(url).content.decode()
        assert f'value="{payment.pk}" id="payment-{payment.pk}" checked' in page
        assert f'value="{other.pk}" id="payment-{other.pk}">' in page


def test_pay03_an_enterprise_with_a_bad_tax_number_is_told_and_nothing_is_written(client, world):
    who = person(world)
    payment = paid(world, who)
    client.force_login(world.clerk)
    response = client.post(
        _create_url(world),
        {
            "customer": who.pk,
            "payments": [payment.pk],
            "buyer_kind": "enterprise",
            "buyer_title": "上海某某科技有限公司",
            "tax_number": "91310115MA1K3YJ12Y",
        },
    )
    assert response.status_code == 422
    assert "is not a valid unified social credit code" in response.content.decode()
    assert not Invoice.objects.exists()


def test_pay03_choosing_no_payment_is_refused(client, world):
    who = person(world)
    paid(world, who)
    client.force_login(world.clerk)
    response = client.post(_create_url(world), {"customer": who.pk, "buyer_kind": "personal"})
    assert response.status_code == 422
    assert "Choose the payments to invoice." in response.content.decode()


def test_pay03_another_customers_payment_cannot_be_slipped_into_the_form(client, world):
    who, other = person(world), person(world, "李四")
    mine, theirs = paid(world, who), paid(world, other)
    client.force_login(world.clerk)
    response = client.post(
        _create_url(world), {"customer": who.pk, "payments": [mine.pk, theirs.pk], "buyer_kind": "personal"}
    )
    assert response.status_code == 422
    assert not Invoice.objects.exists()


def test_pay03_the_hall_list_shows_invoices_and_voids_one_with_a_reason(client, world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    client.force_login(world.clerk)
    url = reverse("invoicing:list", kwargs={"hall": world.hall.code})
    page = client.get(url).content.decode()
    assert invoice.number in page and 'name="reason"' in page
    void_url = reverse("invoicing:void", kwargs={"hall": world.hall.code, "invoice_id": invoice.pk})
    assert client.post(void_url, {"reason": "", "next": "list"}).status_code == 422
    response = client.post(void_url, {"reason": "Wrong title", "next": "list"})
    assert response.status_code == 302 and response["Location"] == url
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOIDED and invoice.void_reason == "Wrong title"
    assert "Wrong title" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("written_in", "read_in", "reads", "not_reads"),
    [("en", "zh-hans", "退款", "Refund"), ("zh-hans", "en", "Refund", "退款")],
)
def test_pay03_an_invoice_voided_by_a_refund_gives_the_reason_in_the_readers_language(
    client, settings, world, written_in, read_in, reads, not_reads
):
    """The program writes the reason "Refund" in the language it spoke; a reason a clerk typed stays as typed."""
    who = person(world)
    by_refund, by_clerk = paid(world, who), paid(world, who)
    refunded, typed = issue(world, who, [by_refund]), issue(world, who, [by_clerk])
    with translation.override(written_in):
        services.invoices_void_for_refund(payment=by_refund, actor=world.clerk)
        services.invoice_void(invoice=typed, actor=world.clerk, reason="抬头写错 wrong title")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = read_in
    client.force_login(world.clerk)
    page = client.get(reverse("invoicing:list", kwargs={"hall": world.hall.code})).content.decode()
    cells = re.findall(r"<td>[^<]*: ([^<]*)</td>", page)
    assert reads in cells and not_reads not in cells and "抬头写错 wrong title" in cells
    document = client.get(reverse("invoicing:detail", kwargs={"hall": world.hall.code, "invoice_id": refunded.pk}))
    [note] = re.findall(r'class="invoice-note">([^<]*)<', document.content.decode())
    assert reads in note and not_reads not in note


def test_pay03_reissue_on_screen_keeps_both_invoices(client, world):
    who = person(world)
    first = issue(world, who, [paid(world, who)])
    client.force_login(world.clerk)
    url = reverse("invoicing:reissue", kwargs={"hall": world.hall.code, "invoice_id": first.pk})
    response = client.post(
        url,
        {"reason": "Enterprise", "buyer_kind": "enterprise", "buyer_title": "某某公司", "tax_number": make_uscc()},
    )
    assert response.status_code == 302
    second = Invoice.objects.get(replaces=first)
    page = client.get(response["Location"]).content.decode()
    assert first.number in page and second.number in page


def test_pay03_hall_b_sees_nothing_of_hall_a(client, world, other_world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    client.force_login(other_world.clerk)
    for url in (
        reverse("invoicing:list", kwargs={"hall": world.hall.code}),
        reverse("invoicing:detail", kwargs={"hall": world.hall.code, "invoice_id": invoice.pk}),
        reverse("invoicing:detail", kwargs={"hall": other_world.hall.code, "invoice_id": invoice.pk}),
        reverse("invoicing:pdf", kwargs={"hall": other_world.hall.code, "invoice_id": invoice.pk}),
        _create_url(other_world, customer=who.pk),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert invoice.number not in response.content.decode()
    void_url = reverse("invoicing:void", kwargs={"hall": other_world.hall.code, "invoice_id": invoice.pk})
    assert client.post(void_url, {"reason": "x"}).status_code == 404
    # No invoice number of any hall ("FP" and its digits; a random token in the page may hold the letters FP).
    own_list = client.get(reverse("invoicing:list", kwargs={"hall": other_world.hall.code})).content.decode()
    assert not re.search(rf"FP\d{{{INVOICE_DIGITS}}}", own_list)


def test_pay03_the_staff_pdf_has_the_lines_tax_rate_and_amounts_in_chinese(client, settings, world):
    who = person(world)
    invoice = issue(
        world,
        who,
        [paid(world, who)],
        buyer_kind="enterprise",
        buyer_title="上海某某科技有限公司",
        tax_number=make_uscc(),
    )
    client.force_login(world.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("invoicing:pdf", kwargs={"hall": world.hall.code, "invoice_id": invoice.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert any("CJK" in font for font in pdf_fonts(response.content))
    text = pdf_text(response.content).replace(" ", "")
    assert "上海某某科技有限公司" in text
    assert invoice.number in text and "30.00" in text and "1.70" in text and "6%" in text


# --- the customer's download page ------------------------------------------------------------------------


def _download(client, number, code):
    return client.post(reverse("invoicing:download"), {"number": number, "code": code})


def test_pay03_the_customer_downloads_the_pdf_with_number_and_code(client, world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    assert client.get(reverse("invoicing:download")).status_code == 200
    response = _download(client, invoice.number, invoice.download_code.lower())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert invoice.number in pdf_text(response.content)


def test_pay03_a_wrong_code_downloads_nothing_and_leaks_nothing(client, world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    for number, code in ((invoice.number, "WRONGCODE2"), ("FP99999999", invoice.download_code), ("", "")):
        response = _download(client, number, code)
        assert response.status_code == 404
        page = response.content.decode()
        assert response["Content-Type"].startswith("text/html")
        for secret in ("张", "30.00", invoice.buyer_title, invoice.download_code):
            assert secret not in page
    refused = _download(client, invoice.number, "WRONGCODE2").content.decode()
    assert refused.count("No invoice matches this number and code.") == 1  # said once, above the form


def test_pay03_a_voided_invoice_is_not_downloadable(client, world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    services.invoice_void(invoice=invoice, actor=world.clerk, reason="Wrong title")
    assert _download(client, invoice.number, invoice.download_code).status_code == 404


def test_pay03_guessing_download_codes_is_throttled(client, world, settings):
    settings.INVOICE_DOWNLOAD_PER_MINUTE = 3
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    answers = [_download(client, invoice.number, f"GUESS{n:05d}").status_code for n in range(3)]
    assert answers == [404, 404, 404]
    blocked = _download(client, invoice.number, invoice.download_code)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
