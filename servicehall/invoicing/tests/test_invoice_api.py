"""PAY03 through the API: request online by payment ids, read, void, PDF; documented in the schema."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from servicehall.core.pdf import pdf_text
from servicehall.invoicing.models import Invoice, InvoiceStatus
from testsupport.customers import make_uscc

from .helpers import issue, paid, person

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


@pytest.fixture
def api(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _post(api, url, body):
    return api.post(url, body, content_type="application/json")


def test_pay03_an_invoice_is_requested_online_by_payment_ids(api, world):
    who = person(world)
    first, second = paid(world, who), paid(world, who)
    api.force_login(world.clerk)
    response = _post(api, URL, {"payment_ids": [first.pk, second.pk], "buyer_kind": "personal"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "FP00000001" and body["channel"] == "online"
    assert body["total"] == "60.00" and body["tax_amount"] == "3.40" and body["tax_rate"] == "0.0600"
    assert sorted(line["payment_id"] for line in body["lines"]) == [first.pk, second.pk]
    again = api.get(f"{URL}/{body['id']}")
    assert again.status_code == 200 and again.json()["download_code"] == body["download_code"]


def test_pay03_the_api_never_invoices_an_amount_twice(api, world):
    who = person(world)
    payment = paid(world, who)
    api.force_login(world.clerk)
    assert _post(api, URL, {"payment_ids": [payment.pk], "buyer_kind": "personal"}).status_code == 201
    response = _post(api, URL, {"payment_ids": [payment.pk], "buyer_kind": "personal"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_invoiced"
    assert Invoice.objects.count() == 1


def test_pay03_an_enterprise_with_a_bad_tax_number_gets_422_with_a_message(api, world):
    who = person(world)
    payment = paid(world, who)
    api.force_login(world.clerk)
    response = _post(
        api,
        URL,
        {"payment_ids": [payment.pk], "buyer_kind": "enterprise", "buyer_title": "某某公司", "tax_number": "12345"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "bad_tax_number",
        "message": "12345 is not a valid unified social credit code: check the 18 characters.",
    }
    assert not Invoice.objects.exists()


def test_pay03_payments_of_two_customers_are_refused(api, world):
    who, other = person(world), person(world, "李四")
    api.force_login(world.clerk)
    response = _post(api, URL, {"payment_ids": [paid(world, who).pk, paid(world, other).pk], "buyer_kind": "personal"})
    assert response.status_code == 422 and response.json()["code"] == "other_customer"
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"payment_ids": [], "buyer_kind": "personal"},
        {"payment_ids": ["x"], "buyer_kind": "personal"},
        {"payment_ids": [1], "buyer_kind": "company"},
    ],
)
def test_pay03_a_malformed_request_is_400(api, world, body):
    api.force_login(world.clerk)
    response = _post(api, URL, body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_pay03_hall_b_sees_nothing_through_the_api(api, world, other_world):
    who = person(world)
    payment = paid(world, who)
    invoice = issue(world, who, [payment])
    api.force_login(other_world.clerk)
    assert _post(api, URL, {"payment_ids": [payment.pk], "buyer_kind": "personal"}).status_code == 404
    for path in (f"{URL}/{invoice.pk}", f"{URL}/{invoice.pk}/pdf"):
        response = api.get(path)
        assert response.status_code == 404 and invoice.number not in response.content.decode()
    assert _post(api, f"{URL}/{invoice.pk}/void", {"reason": "x"}).status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_pay03_an_anonymous_caller_is_401(api, world):
    assert api.get(f"{URL}/1").status_code == 401


def test_pay03_void_through_the_api_needs_a_reason_and_keeps_the_invoice(api, world):
    who = person(world)
    invoice = issue(world, who, [paid(world, who)])
    api.force_login(world.manager)
    assert _post(api, f"{URL}/{invoice.pk}/void", {"reason": " "}).status_code == 422
    response = _post(api, f"{URL}/{invoice.pk}/void", {"reason": "Wrong title"})
    assert response.status_code == 200
    assert response.json()["status"] == "voided" and response.json()["void_reason"] == "Wrong title"
    assert _post(api, f"{URL}/{invoice.pk}/void", {"reason": "again"}).status_code == 409
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_pay03_the_api_pdf_is_the_invoice(api, world):
    who = person(world)
    invoice = issue(
        world, who, [paid(world, who)], buyer_kind="enterprise", buyer_title="某某公司", tax_number=make_uscc()
    )
    api.force_login(world.clerk)
    response = api.get(f"{URL}/{invoice.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "某某公司" in pdf_text(response.content)


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_pay03_the_invoice_endpoints_are_documented_with_their_errors(schema):
    paths = schema["paths"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(paths[URL]["post"]["responses"])
    assert {"200", "401", "403", "404"} <= set(paths[URL + "/{invoice_id}"]["get"]["responses"])
    assert {"200", "400", "401", "404", "409", "422"} <= set(paths[URL + "/{invoice_id}/void"]["post"]["responses"])
    pdf = paths[URL + "/{invoice_id}/pdf"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in pdf
    invoice = schema["components"]["schemas"]["Invoice"]["properties"]
    assert {"number", "total", "tax_rate", "tax_amount", "lines", "status", "replaces_id"} <= set(invoice)
