"""PAY05 fee by promotion: the monthly fee rate of a credit purchase comes from the hall's installment offers
(分期优惠, e.g. "12期免息"), else the standard rate `CREDIT_MONTHLY_FEE_RATE`; never from the clerk.

PAY04 tests cover the promotions selector `installment_offer_for` (which offer applies)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.core.models import AuditEntry
from servicehall.credit.models import CreditApplication, Installment
from servicehall.promotions.models import InstallmentOffer
from servicehall.promotions.selectors import installment_offer_for

from .helpers import eligible_customer, signed, submit

pytestmark = pytest.mark.django_db
D = Decimal
API = "/api/v1/credit/applications"


def offer(hall, code: str = "free12", *, months: int | None = 12, rate: str = "0", **fields) -> InstallmentOffer:
    today = hall.local_date()
    values = {
        "name_zh": "12期免息",
        "name_en": "12 months interest-free",
        "months": months,
        "monthly_fee_rate": D(rate),
        "starts_on": today - dt.timedelta(days=10),
        "ends_on": today + dt.timedelta(days=10),
    }
    values.update(fields)
    return InstallmentOffer.objects.create(hall=hall, code=code, **values)


# --- the rate a plan gets ----------------------------------------------------------------------------


def test_pay05_without_an_offer_the_standard_rate_sets_the_fees_and_the_schedule_adds_up(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    application = signed(world, price="3999.00", down="999.00", months=12, rate=None)
    assert application.monthly_fee_rate == D("0.0050") and application.fee_offer is None
    assert application.fee_total == D("180.00")  # 3000 × 0.005 × 12
    parts = list(Installment.objects.filter(application=application))
    assert len(parts) == 12
    assert sum(p.principal_part for p in parts) == D("3000.00")
    assert sum(p.fee_part for p in parts) == D("180.00")
    assert sum(p.amount for p in parts) == application.principal + application.fee_total == D("3180.00")
    audit = AuditEntry.objects.get(action="credit.submitted", object_id=str(application.pk))
    assert audit.data["rate"] == "0.0050" and audit.data["fee_offer"] == ""


def test_pay05_the_standard_rate_follows_the_setting(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0125")
    application = submit(world, price="1100.00", down="100.00", months=6, rate=None)
    assert application.monthly_fee_rate == D("0.0125")
    assert application.fee_total == D("75.00")  # 1000 × 0.0125 × 6


def test_pay05_an_interest_free_12_month_offer_costs_nothing_for_12_months_but_6_months_pay_the_standard_rate(
    world, settings
):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    free = offer(world.hall)
    twelve = signed(world, months=12, rate=None)
    assert (twelve.monthly_fee_rate, twelve.fee_total, twelve.fee_offer) == (D("0"), D("0.00"), free)
    assert sum(i.amount for i in Installment.objects.filter(application=twelve)) == D("3000.00")
    assert all(i.fee_part == 0 for i in Installment.objects.filter(application=twelve))
    audit = AuditEntry.objects.get(action="credit.submitted", object_id=str(twelve.pk))
    assert audit.data["fee_offer"] == "free12" and audit.data["rate"] == "0.0000"
    six = submit(world, months=6, rate=None)
    assert (six.monthly_fee_rate, six.fee_total, six.fee_offer) == (D("0.0050"), D("90.00"), None)


def test_pay05_the_plan_keeps_its_rate_when_the_offer_changes_later(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    cheap = offer(world.hall, rate="0.0020")
    application = submit(world, months=12, rate=None)
    InstallmentOffer.objects.filter(pk=cheap.pk).update(monthly_fee_rate=D("0.0100"), active=False)
    application.refresh_from_db()
    assert application.monthly_fee_rate == D("0.0020") and application.fee_total == D("72.00")
    assert application.fee_offer_id == cheap.pk


def test_pay05_an_offer_used_by_a_plan_cannot_be_deleted(world):
    free = offer(world.hall)
    submit(world, months=12, rate=None)
    with pytest.raises(ProtectedError), transaction.atomic():
        free.delete()


# --- which offer applies (the promotions selector) --------------------------------------------------


def test_pay04_the_lowest_rate_wins_and_a_tie_goes_to_the_code(world):
    hall = world.hall
    offer(hall, "b_every_term", months=None, rate="0.0030")
    offer(hall, "z_twelve", months=12, rate="0.0010")
    offer(hall, "a_twelve", months=12, rate="0.0010")
    assert installment_offer_for(hall=hall, months=12, principal=D("3000")).code == "a_twelve"
    assert installment_offer_for(hall=hall, months=6, principal=D("3000")).code == "b_every_term"
    offer(hall, "free_all", months=None, rate="0")
    assert installment_offer_for(hall=hall, months=12, principal=D("3000")).code == "free_all"


def test_pay05_two_offers_the_plan_gets_the_lowest_rate(world):
    offer(world.hall, "half", months=None, rate="0.0025")
    low = offer(world.hall, "low12", months=12, rate="0.0010")
    application = submit(world, months=12, rate=None)
    assert application.fee_offer == low and application.monthly_fee_rate == D("0.0010")
    assert application.fee_total == D("36.00")  # 3000 × 0.001 × 12


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"active": False}, "switched off"),
        ({"starts_on": dt.date(2020, 1, 1), "ends_on": dt.date(2020, 12, 31)}, "expired"),
        ({"starts_on": dt.date(2099, 1, 1), "ends_on": dt.date(2099, 12, 31)}, "not started"),
    ],
)
def test_pay04_an_inactive_expired_or_future_offer_never_applies(world, settings, fields, why):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    offer(world.hall, **fields)
    assert installment_offer_for(hall=world.hall, months=12, principal=D("3000")) is None, why
    application = submit(world, months=12, rate=None)
    assert application.fee_offer is None and application.monthly_fee_rate == D("0.0050")


def test_pay04_an_offer_applies_on_its_first_and_last_day_only(world):
    free = offer(world.hall, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 31))
    for day, expected in (
        (dt.date(2026, 2, 28), None),
        (dt.date(2026, 3, 1), free),
        (dt.date(2026, 3, 31), free),
        (dt.date(2026, 4, 1), None),
    ):
        assert installment_offer_for(hall=world.hall, months=12, principal=D("100"), on=day) == expected


def test_pay04_another_halls_offer_never_applies(world, other_world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    offer(other_world.hall, months=None)
    assert installment_offer_for(hall=world.hall, months=12, principal=D("3000")) is None
    application = submit(world, months=12, rate=None)
    assert application.fee_offer is None and application.monthly_fee_rate == D("0.0050")


def test_pay04_the_minimum_financed_amount_is_respected(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    free = offer(world.hall, min_amount=D("3000.00"))
    assert installment_offer_for(hall=world.hall, months=12, principal=D("2999.99")) is None
    assert installment_offer_for(hall=world.hall, months=12, principal=D("3000.00")) == free
    below = submit(world, price="3999.00", down="1000.00", months=12, rate=None)  # 2999.00 financed
    assert below.fee_offer is None and below.monthly_fee_rate == D("0.0050")
    enough = submit(world, price="3999.00", down="999.00", months=12, rate=None)  # 3000.00 financed
    assert enough.fee_offer == free and enough.fee_total == D("0.00")


@pytest.mark.parametrize(
    "fields",
    [
        {"monthly_fee_rate": D("0.0201")},
        {"monthly_fee_rate": D("-0.0001")},
        {"months": 5},
        {"ends_on": dt.date(2020, 1, 1), "starts_on": dt.date(2020, 2, 1)},
    ],
)
def test_pay04_the_database_refuses_a_malformed_installment_offer(world, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        offer(world.hall, **fields)


def test_pay04_an_offer_code_is_unique_in_its_hall(world, other_world):
    offer(world.hall, "same")
    offer(other_world.hall, "same")
    with pytest.raises(IntegrityError), transaction.atomic():
        offer(world.hall, "same")


# --- screens -------------------------------------------------------------------------------------------


def test_pay05_the_apply_page_lists_the_rate_of_each_term_and_asks_for_no_rate(client, world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    offer(world.hall)
    offer(world.hall, "big24", months=24, rate="0.0030", name_en="24 months at 0.3%", min_amount=D("5000.00"))
    customer, _service = eligible_customer(world.hall)
    client.force_login(world.clerk)
    response = client.get(f"{reverse('credit:apply')}?hall={world.hall.code}&customer={customer.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="monthly_fee_rate"' not in html
    rows = {m: html.split(f'data-testid="fee-rate-{m}"')[1].split("</tr>")[0] for m in (3, 6, 12, 24)}
    assert "0.5%" in rows[3] and "Standard rate" in rows[3]
    assert "0.5%" in rows[6] and "Standard rate" in rows[6]
    assert "0%" in rows[12] and "12 months interest-free" in rows[12]
    assert "0.5%" in rows[24] and "Standard rate" in rows[24]
    assert "0.3% (24 months at 0.3%) when ¥5000.00 or more is financed" in rows[24]


def test_pay05_a_rate_posted_by_the_apply_form_is_not_used(client, world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    customer, service = eligible_customer(world.hall)
    client.force_login(world.clerk)
    data = {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "iPhone",
        "handset_price": "5999",
        "down_payment": "999",
        "months": "12",
        "monthly_fee_rate": "0",
    }
    response = client.post(reverse("credit:apply"), data)
    assert response.status_code == 302
    assert CreditApplication.objects.get().monthly_fee_rate == D("0.0050")


def test_pay05_the_plan_page_the_review_list_and_the_contract_show_the_offers_name(client, world):
    offer(world.hall)
    application = signed(world, months=12, rate=None)
    waiting = submit(world, months=12, rate=None)
    client.force_login(world.clerk)
    contract = client.get(reverse("credit:contract", kwargs={"application_id": application.pk})).content.decode()
    assert 'data-testid="fee-rate">12 months interest-free · 0%<' in contract
    page = client.get(reverse("credit:application", kwargs={"application_id": application.pk})).content.decode()
    assert 'data-testid="fee-rate">12 months interest-free · 0%<' in page
    client.force_login(world.manager)
    review = client.get(reverse("credit:applications", kwargs={"hall": world.hall.code})).content.decode()
    assert f'data-testid="fee-rate-{waiting.number}">12 months interest-free · 0%<' in review


def test_pay05_a_standard_rate_plan_shows_the_rate_without_an_offer(client, world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    application = signed(world, months=6, rate=None)
    client.force_login(world.clerk)
    contract = client.get(reverse("credit:contract", kwargs={"application_id": application.pk})).content.decode()
    assert 'data-testid="fee-rate">0.5%<' in contract


def test_pay04_the_promotions_list_shows_the_installment_offers(client, world):
    offer(world.hall)
    offer(world.hall, "old", months=None, rate="0.0030", name_en="Old rate", active=False)
    client.force_login(world.clerk)
    html = client.get(reverse("promotions:list", kwargs={"hall": world.hall.code})).content.decode()
    row = html.split('data-testid="installment-row-free12"')[1].split("</tr>")[0]
    assert "12 months interest-free" in row and ">12<" in row and "0%" in row and "Running" in row
    old = html.split('data-testid="installment-row-old"')[1].split("</tr>")[0]
    assert "Old rate" in old and "All" in old and "0.3%" in old and "Switched off" in old


# --- the API -------------------------------------------------------------------------------------------


def _api_body(world, customer, service, **extra):
    return {
        "hall": world.hall.code,
        "customer": customer.pk,
        "service": service.pk,
        "handset_name": "Xiaomi 15",
        "handset_price": "4299.00",
        "down_payment": "1299.00",
        "months": 12,
        **extra,
    }


def test_pay05_the_api_refuses_a_sent_fee_rate_and_writes_nothing(world):
    customer, service = eligible_customer(world.hall)
    client = APIClient()
    client.force_authenticate(world.clerk)
    response = client.post(API, _api_body(world, customer, service, monthly_fee_rate="0"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "The fee rate comes from the hall's installment offers" in response.json()["message"]
    assert "monthly_fee_rate" in response.json()["fields"]
    assert CreditApplication.objects.count() == 0


def test_pay05_the_api_answers_the_rate_and_the_offer_that_set_it(world, settings):
    settings.CREDIT_MONTHLY_FEE_RATE = D("0.0050")
    offer(world.hall)
    client = APIClient()
    client.force_authenticate(world.clerk)
    customer, service = eligible_customer(world.hall)
    free = client.post(API, _api_body(world, customer, service), format="json")
    assert free.status_code == 201
    assert (free.json()["monthly_fee_rate"], free.json()["fee_offer"], free.json()["fee_total"]) == (
        "0.0000",
        "free12",
        "0.00",
    )
    customer, service = eligible_customer(world.hall)
    standard = client.post(API, _api_body(world, customer, service, months=6), format="json")
    assert standard.status_code == 201
    assert (standard.json()["monthly_fee_rate"], standard.json()["fee_offer"], standard.json()["fee_total"]) == (
        "0.0050",
        None,
        "90.00",
    )
    again = client.get(f"{API}/{free.json()['id']}")
    assert again.json()["fee_offer"] == "free12"
