"""The promotions screens and API: what a clerk and a client see (PAY04)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from servicehall.billing.tests.helpers import order_at_payment
from servicehall.orders.tests.helpers import business, create, customer
from servicehall.promotions.demo import promotions_demo_load
from servicehall.promotions.models import BankCardOffer, GroupPriceTier, PointsEntry, Promotion, PromotionApplication

from .helpers import bank_offer, give_points, promotion, today


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.POINTS_PER_YUAN_REDEEMED = 100


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_pay04_the_quote_api_lists_every_rule_with_why(world):
    order = order_at_payment(world, fee="120.00", code="big")
    promotion(world.hall, "five")
    bank_offer(world.hall, min_amount=Decimal("100.00"))
    response = api(world.clerk).get(f"/api/v1/orders/{order.pk}/offers", {"card_bin": "622202"})
    assert response.status_code == 200, response.json()
    body = response.json()
    lines = {line["code"]: line for line in body["quote"]["lines"]}
    assert lines["five"]["applies"] and lines["five"]["discount"] == "5.00"
    assert not lines["cmb"]["applies"]
    assert lines["cmb"]["reason"] == "card 622202 is not a card of this offer (China Merchants Bank)"
    assert body["quote"]["amount_due"] == "115.00"
    assert body["applied"] == [] and body["amount_due"] == "120.00"
    assert not PromotionApplication.objects.exists()


def test_pay04_a_malformed_bin_is_422_with_a_clear_message(world):
    order = order_at_payment(world)
    response = api(world.clerk).get(f"/api/v1/orders/{order.pk}/offers", {"card_bin": "62a588"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "bad_card_bin",
        "message": "The card BIN is the first 6 to 8 digits of the card number.",
    }


def test_pay04_applying_over_the_api_records_the_rules_and_the_amount_due(world):
    order = order_at_payment(world, fee="120.00", code="big")
    give_points(order, 500)
    promotion(world.hall, "five")
    bank_offer(world.hall)
    response = api(world.clerk).post(
        f"/api/v1/orders/{order.pk}/promotions", {"card_bin": "622588", "redeem_points": 300}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(a["rule_kind"], a["discount"]) for a in body["applied"]] == [
        ("promotion", "5.00"),
        ("bank_card", "10.00"),
        ("points", "3.00"),
    ]
    assert body["amount_due"] == "102.00"
    points = api(world.clerk).get(f"/api/v1/customers/{order.customer_id}/points").json()
    assert points["balance"] == 200
    assert [(e["kind"], e["points"]) for e in points["entries"]] == [("redeem", -300), ("adjust", 500)]


def test_pay04_redeeming_more_than_the_balance_is_422_and_nothing_is_written(world):
    order = order_at_payment(world)
    give_points(order, 100)
    promotion(world.hall, "five")
    response = api(world.clerk).post(f"/api/v1/orders/{order.pk}/promotions", {"redeem_points": 200}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "points_insufficient"
    assert "holds 100 points" in response.json()["message"]
    assert not PromotionApplication.objects.exists()
    assert PointsEntry.objects.count() == 1


def test_pay04_applying_at_another_step_is_409(world):
    order = create(world, business(world, "plain", standard_fee=Decimal("30.00")), person=customer(world))
    promotion(world.hall, "five")
    response = api(world.clerk).post(f"/api/v1/orders/{order.pk}/promotions", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_at_payment"
    assert not PromotionApplication.objects.exists()


def test_pay04_hall_b_can_neither_see_nor_apply(world, other_world):
    order = order_at_payment(world)
    promotion(world.hall, "five")
    outsider = api(other_world.clerk)
    assert outsider.get(f"/api/v1/orders/{order.pk}/offers").status_code == 404
    assert outsider.post(f"/api/v1/orders/{order.pk}/promotions", {}, format="json").status_code == 404
    assert outsider.get(f"/api/v1/customers/{order.customer_id}/points").status_code == 404
    page = browser(other_world.clerk)
    assert page.get(f"/promotions/orders/{order.pk}/offers/").status_code == 404
    assert page.post(f"/promotions/orders/{order.pk}/offers/").status_code == 404
    assert page.get(f"/promotions/halls/{world.hall.code}/").status_code == 404
    assert not PromotionApplication.objects.exists()


def test_pay04_a_lobby_guide_may_not_quote_or_apply(world):
    order = order_at_payment(world)
    assert api(world.guide).get(f"/api/v1/orders/{order.pk}/offers").status_code == 403
    assert browser(world.guide).post(f"/promotions/orders/{order.pk}/offers/").status_code == 403


def test_pay04_the_offers_panel_shows_why_and_applies_over_htmx(world):
    order = order_at_payment(world, fee="30.00")
    promotion(world.hall, "five", name_en="Five off")
    promotion(world.hall, "bb", types=[business(world, "broadband_open")], name_en="Broadband deal")
    page = browser(world.clerk)
    url = f"/promotions/orders/{order.pk}/offers/"
    shown = page.get(url, headers={"HX-Request": "true"})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "Five off" in html and "Broadband deal" in html and "only for Business broadband_open" in html
    assert "¥25.00" in html and "No promotion applied yet." in html
    applied = page.post(url, {"card_bin": "", "quantity": "", "redeem_points": "0"}, headers={"HX-Request": "true"})
    html = applied.content.decode()
    assert applied.status_code == 200
    assert "Promotions applied: the customer pays 25.00 yuan." in html
    assert 'data-testid="promo-applied-promotion-five"' in html
    assert json.loads(applied["HX-Trigger"])["promotions-applied"]["due"] == "25.00"
    assert PromotionApplication.objects.get(order=order).rule_code == "five"


def test_pay04_the_offers_page_shows_a_bad_input_message(world):
    order = order_at_payment(world)
    response = browser(world.clerk).get(f"/promotions/orders/{order.pk}/offers/", {"redeem_points": "-5"})
    assert response.status_code == 422
    assert "Points to redeem are a whole number, zero or more." in response.content.decode()
    refused = browser(world.clerk).post(f"/promotions/orders/{order.pk}/offers/", {"redeem_points": "500"})
    assert refused.status_code == 422
    assert "The customer holds 0 points; 500 cannot be redeemed." in refused.content.decode()
    assert not PromotionApplication.objects.exists()


def test_pay04_the_hall_list_shows_offers_bank_offers_and_group_prices(world):
    business(world, "broadband_open", standard_fee=Decimal("100.00"))
    business(world, "mobile_open")
    promotions_demo_load(hall=world.hall)
    response = browser(world.clerk).get(f"/promotions/halls/{world.hall.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "New broadband: 50 yuan off" in html and "CMB credit card: 10 yuan off from 100" in html
    assert "622588" in html and "¥45.00" in html
    row = html.split('data-testid="promo-row-double_eleven"')[1].split("</tr>")[0]
    assert "Ended" in row  # an offer past its last day says so, not "not running"
    assert ">double_eleven<" not in html  # the rule's code is not shown to the clerk


def test_pay04_the_demo_rules_load_once_and_make_sense(world):
    bb = business(world, "broadband_open", standard_fee=Decimal("100.00"))
    business(world, "mobile_open")
    first = promotions_demo_load(hall=world.hall)
    again = promotions_demo_load(hall=world.hall)
    assert first == {"promotions": 4, "bank_offers": 2, "group_tiers": 3, "installment_offers": 1}
    assert again == {"promotions": 0, "bank_offers": 0, "group_tiers": 0, "installment_offers": 0}
    assert Promotion.objects.get(code="broadband_new_50").business_types.get() == bb
    assert BankCardOffer.objects.count() == 2 and GroupPriceTier.objects.count() == 3
    order = order_at_payment(world, fee="100.00", code="broadband_open")
    response = api(world.clerk).get(f"/api/v1/orders/{order.pk}/offers", {"card_bin": "622588"})
    quote = response.json()["quote"]
    assert quote["amount_due"] == "50.00"  # 100 − 50 new broadband; 50 left is under CMB's 100


def test_pay04_the_customer_points_partial_shows_balance_and_ledger(world):
    order = order_at_payment(world)
    give_points(order, 250)
    response = browser(world.clerk).get(f"/promotions/customers/{order.customer_id}/points/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="points-balance">250<' in html and "worth ¥2.00" in html


def test_pay04_the_endpoints_are_documented_with_their_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    offers = schema["paths"]["/api/v1/orders/{order_id}/offers"]["get"]
    apply = schema["paths"]["/api/v1/orders/{order_id}/promotions"]["post"]
    points = schema["paths"]["/api/v1/customers/{customer_id}/points"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(offers["responses"])
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(apply["responses"])
    assert {"200", "401", "404"} <= set(points["responses"])
    assert {p["name"] for p in offers["parameters"]} >= {"card_bin", "quantity", "redeem_points"}


def test_pay04_the_offers_page_outside_htmx_is_a_full_page_and_says_when_it_applies(world):
    order = create(world, business(world, "plain", standard_fee=Decimal("30.00")), person=customer(world))
    promotion(world.hall, "five", name_en="Five off")
    response = browser(world.clerk).get(f"/promotions/orders/{order.pk}/offers/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Offers for order {order.number}" in html and "<!doctype html>" in html
    assert "Promotions are applied at the payment step." in html and 'data-testid="promo-apply"' not in html
    assert "style=" not in html.split("<body", 1)[1] and "<script>" not in html


def test_pay04_the_quote_costs_the_same_queries_however_many_rules(world, django_assert_max_num_queries):
    order = order_at_payment(world)
    client = api(world.clerk)
    client.get(f"/api/v1/orders/{order.pk}/offers")  # warm the session and membership caches
    for n in range(12):
        promotion(world.hall, f"p{n}", types=[order.business_type])
        bank_offer(world.hall, f"b{n}")
    with django_assert_max_num_queries(14):
        response = client.get(f"/api/v1/orders/{order.pk}/offers", {"card_bin": "622588"})
    assert response.status_code == 200 and len(response.json()["quote"]["lines"]) == 25


@pytest.mark.parametrize(
    ("starts", "ends", "active", "label"),
    [
        (-1, 1, True, "Running"),
        (1, 5, True, "Not started"),
        (-5, -1, True, "Ended"),
        (-1, 1, False, "Switched off"),
    ],
)
def test_pay04_the_list_says_where_each_offer_stands_today(world, starts, ends, active, label):
    day = today(world.hall)
    promotion(
        world.hall,
        "dated",
        starts_on=day + dt.timedelta(days=starts),
        ends_on=day + dt.timedelta(days=ends),
        active=active,
    )
    html = browser(world.clerk).get(f"/promotions/halls/{world.hall.code}/").content.decode()
    row = html.split('data-testid="promo-row-dated"')[1].split("</tr>")[0]
    assert f">{label}<" in row
