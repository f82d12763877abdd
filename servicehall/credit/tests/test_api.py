"""PAY05 API: eligibility, create with reasons, review, sign, schedule, repayments; documented in the schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from servicehall.billing.models import Payment
from servicehall.credit.models import CreditApplication, Repayment

from .helpers import approved, eligible_customer, signed

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credit/applications"


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(world, customer, service, **overrides):
    body = {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "Xiaomi 15",
        "handset_price": "4299.00",
        "down_payment": "1299.00",
        "months": 6,
    }
    body.update(overrides)
    return body


def test_pay05_api_eligibility_names_the_failing_conditions(world):
    customer, service = eligible_customer(world.hall, level=1, opened_days_ago=20)
    response = _client(world.clerk).get(
        "/api/v1/credit/eligibility", {"hall": world.hall.code, "customer": customer.pk, "service": service.pk}
    )
    assert response.status_code == 200
    assert response.json()["eligible"] is False
    assert response.json()["credit_level"] == 1
    assert [r["code"] for r in response.json()["reasons"]] == ["short_tenure", "low_credit_level"]


def test_pay05_api_an_ineligible_application_is_422_with_reasons_and_nothing_written(world):
    customer, service = eligible_customer(world.hall, arrears="3.00")
    response = _client(world.clerk).post(BASE, _body(world, customer, service), format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "not_eligible"
    assert response.json()["reasons"][0]["code"] == "arrears"
    assert CreditApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"months": 5}, 422, "bad_months"),
        ({"down_payment": "-100"}, 422, "bad_amount"),
        ({"down_payment": "4299.00"}, 422, "down_payment_too_high"),
        ({"monthly_fee_rate": "0"}, 400, "invalid"),
        ({"months": "six"}, 400, "invalid"),
        ({"handset_price": None}, 400, "invalid"),
    ],
)
def test_pay05_api_bad_input_is_4xx_and_nothing_written(world, overrides, status, code):
    customer, service = eligible_customer(world.hall)
    response = _client(world.clerk).post(BASE, _body(world, customer, service, **overrides), format="json")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert CreditApplication.objects.count() == 0


def test_pay05_api_create_review_sign_schedule_and_pay(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = Decimal("0")  # interest-free: the amounts below are the principal
    customer, service = eligible_customer(world.hall)
    clerk, manager = _client(world.clerk), _client(world.manager)
    created = clerk.post(BASE, _body(world, customer, service), format="json")
    assert created.status_code == 201
    app_id = created.json()["id"]
    assert created.json()["status"] == "submitted" and created.json()["principal"] == "3000.00"
    assert created.json()["service_number"] != service.number  # masked
    assert clerk.post(f"{BASE}/{app_id}/review", {"approve": True}, format="json").status_code == 403
    assert manager.post(f"{BASE}/{app_id}/review", {"approve": True}, format="json").status_code == 200
    assert clerk.get(f"{BASE}/{app_id}/schedule").status_code == 409
    signed_body = clerk.post(f"{BASE}/{app_id}/sign").json()
    assert signed_body["status"] == "signed"
    schedule = clerk.get(f"{BASE}/{app_id}/schedule").json()
    assert len(schedule["installments"]) == 6
    assert sum(Decimal(i["amount"]) for i in schedule["installments"]) == Decimal(schedule["total"]) == Decimal("3000")
    assert (
        clerk.post(
            f"{BASE}/{app_id}/payments",
            {"method": "card", "amount": "500", "pos_reference": "POS123456"},
            format="json",
        ).status_code
        == 400
    )
    paid = clerk.post(
        f"{BASE}/{app_id}/payments",
        {"method": "card", "amount": "500.00", "pos_reference": "POS123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a1",
    )
    assert paid.status_code == 201
    assert paid.json()["receipt"]
    assert paid.json()["application"]["schedule"]["installments"][0]["status"] == "paid"
    replay = clerk.post(
        f"{BASE}/{app_id}/payments",
        {"method": "card", "amount": "500.00", "pos_reference": "POS123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a1",
    )
    assert replay.status_code == 200 and replay.json()["payment_id"] == paid.json()["payment_id"]
    mismatch = clerk.post(
        f"{BASE}/{app_id}/payments",
        {"method": "card", "amount": "600.00", "pos_reference": "POS123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a1",
    )
    assert mismatch.status_code == 422
    assert Payment.objects.count() == 1 and Repayment.objects.count() == 1
    early = paid.json()["application"]["schedule"]["early_repayment"]
    done = clerk.post(
        f"{BASE}/{app_id}/payments",
        {"method": "card", "amount": "2500.00", "early": True, "pos_reference": "POS123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="a2",
    )
    assert early == "2500.00" and done.status_code == 201
    assert done.json()["application"]["status"] == "paid_off"


def test_pay05_api_hall_b_sees_nothing(world, other_world):
    application = signed(world)
    other = _client(other_world.manager)
    for url in (f"{BASE}/{application.pk}", f"{BASE}/{application.pk}/schedule"):
        assert other.get(url).status_code == 404
    assert other.post(f"{BASE}/{application.pk}/sign").status_code == 404
    response = other.post(
        f"{BASE}/{application.pk}/payments",
        {"method": "card", "amount": "1.00", "pos_reference": "POS123456"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert response.status_code == 404
    pending = approved(world)
    assert other.post(f"{BASE}/{pending.pk}/review", {"approve": True}, format="json").status_code == 404
    assert APIClient().get(f"{BASE}/{application.pk}").status_code == 401


def test_pay05_the_credit_endpoints_are_documented_with_their_errors(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    create = schema["paths"][BASE]["post"]
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create["responses"])
    pay = schema["paths"][BASE + "/{application_id}/payments"]["post"]
    assert {"200", "201", "400", "401", "403", "404", "409", "422"} <= set(pay["responses"])
    header = next(p for p in pay["parameters"] if p["in"] == "header")
    assert (header["name"], header["required"]) == ("Idempotency-Key", True)
    for suffix in ("", "/review", "/sign", "/schedule"):
        assert BASE + "/{application_id}" + suffix in schema["paths"]
