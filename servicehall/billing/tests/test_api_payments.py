"""The payments API beyond order fees: status, list, recharges (PAY01)."""

import datetime as dt
from decimal import Decimal

from rest_framework.test import APIClient

from servicehall.billing.models import Payment
from servicehall.billing.providers import simulated
from servicehall.customers.models import Service

from .helpers import ensure_drawer, mobile_service, order_at_payment, pay


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def recharge(client, service, body, key="r-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/services/{service.pk}/recharges", body, format="json", **headers)


def test_pay01_an_online_recharge_by_qr_credits_the_balance_when_the_customer_pays(world):
    service = mobile_service(world, balance="5.00")
    client = client_for(world.clerk)
    response = recharge(client, service, {"hall": world.hall.code, "method": "qr", "amount": "50"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["purpose"], body["receipt"], body["service_id"]) == (
        "pending",
        "top_up",
        None,
        service.pk,
    )
    assert body["qr_content"].startswith("/billing/qr-sim/")
    replay = recharge(client, service, {"hall": world.hall.code, "method": "qr", "amount": "50.00"})
    assert replay.status_code == 200 and replay.json()["id"] == body["id"]
    simulated.customer_pays(Payment.objects.get(pk=body["id"]).provider_ref, notify=False)
    status = client.get(f"/api/v1/payments/{body['id']}")  # polling asks the provider
    assert status.status_code == 200 and status.json()["status"] == "succeeded"
    assert status.json()["receipt"]["number"] == "R00000001"
    assert Service.objects.get(pk=service.pk).balance == Decimal("55.00")


def test_pay01_a_counter_recharge_in_cash_answers_the_change(world):
    service = mobile_service(world)
    ensure_drawer(world)
    response = recharge(
        client_for(world.clerk), service, {"hall": world.hall.code, "method": "cash", "amount": "30", "tendered": "50"}
    )
    assert response.status_code == 201 and response.json()["change"] == "20.00"


def test_pay01_recharge_bad_input_is_4xx_with_nothing_written(world, other_world):
    service = mobile_service(world)
    client = client_for(world.clerk)
    cases = [
        ({"hall": world.hall.code, "method": "qr", "amount": "-1"}, 422, "bad_amount"),
        ({"hall": world.hall.code, "method": "qr", "amount": "1.001"}, 422, "bad_amount"),
        ({"hall": world.hall.code, "method": "coins", "amount": "1"}, 400, "invalid"),
        ({"hall": other_world.hall.code, "method": "qr", "amount": "1"}, 404, "not_found"),
        ({"method": "qr", "amount": "1"}, 400, "invalid"),
    ]
    for n, (body, status, code) in enumerate(cases):
        response = recharge(client, service, body, key=f"bad-{n}")
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert recharge(client, service, cases[0][0], key=None).status_code == 400
    other = mobile_service(other_world)
    assert recharge(client, other, {"hall": world.hall.code, "method": "qr", "amount": "1"}).status_code == 404
    assert not Payment.objects.exists()


def test_pay01_the_payments_list_is_scoped_to_the_hall_and_filtered(world, other_world):
    paid, _ = pay(world, order_at_payment(world), key="a")
    pending, _ = pay(world, order_at_payment(world), key="b", method="qr")
    pay(other_world, order_at_payment(other_world), key="c")
    client = client_for(world.clerk)
    rows = client.get("/api/v1/payments", {"hall": world.hall.code}).json()
    assert {r["id"] for r in rows} == {paid.pk, pending.pk}
    only = client.get("/api/v1/payments", {"hall": world.hall.code, "status": "pending"}).json()
    assert [r["id"] for r in only] == [pending.pk]
    today = world.hall.local_date().isoformat()
    assert len(client.get("/api/v1/payments", {"hall": world.hall.code, "day": today}).json()) == 2
    yesterday = (world.hall.local_date() - dt.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/payments", {"hall": world.hall.code, "day": yesterday}).json() == []
    assert client.get("/api/v1/payments", {"hall": world.hall.code, "day": "soon"}).status_code == 400
    assert client.get("/api/v1/payments", {"hall": world.hall.code, "status": "x"}).status_code == 400
    assert client.get("/api/v1/payments").status_code == 400
    assert client_for(other_world.manager).get("/api/v1/payments", {"hall": world.hall.code}).status_code == 404
    assert APIClient().get("/api/v1/payments", {"hall": world.hall.code}).status_code == 401


def test_pay01_selectors_for_other_apps_read_the_day(world):
    from servicehall.billing import selectors

    paid, _ = pay(world, order_at_payment(world), key="a")
    pay(world, order_at_payment(world), key="b", method="qr")  # pending: not money of the day
    day = world.hall.local_date()
    assert list(selectors.payments_for_hall_day(hall=world.hall, day=day)) == [paid]
    assert list(selectors.refunds_for_hall_day(hall=world.hall, day=day)) == []


def test_pay01_the_payments_list_does_not_grow_queries_with_rows(world, django_assert_max_num_queries):
    client = client_for(world.clerk)
    pay(world, order_at_payment(world), key="first")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/payments", {"hall": world.hall.code})
    for n in range(4):
        pay(world, order_at_payment(world), key=f"k{n}", method="qr" if n % 2 else "card")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get("/api/v1/payments", {"hall": world.hall.code}).json()
    assert len(rows) == 5
