"""POST /api/v1/orders/{id}/payments: what a client sees (PAY01, PAY02)."""

from rest_framework.test import APIClient

from servicehall.billing.models import Payment, Receipt
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus

from .helpers import nothing_written, order_at_payment

CASH = {"method": "cash", "amount": "30.00", "tendered": "50"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, order, body, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/v1/orders/{order.pk}/payments", body, format="json", **headers)


def test_pay01_first_payment_is_201_with_change_and_receipt(world):
    order = order_at_payment(world)
    response = post(client_for(world.clerk), order, CASH)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["tendered"], body["change"]) == ("30.00", "50.00", "20.00")
    assert body["receipt"]["number"] == "R00000001"
    assert body["order_id"] == order.pk
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.CLOSED


def test_pay01_a_retried_payment_is_charged_once_over_http(world):
    order = order_at_payment(world)
    client = client_for(world.clerk)
    first = post(client, order, CASH)
    replay = post(client, order, {"method": "cash", "amount": "30", "tendered": "50.00"})
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


def test_pay01_same_key_different_body_is_422_over_http(world):
    order = order_at_payment(world)
    client = client_for(world.clerk)
    post(client, order, CASH)
    response = post(client, order, {"method": "cash", "amount": "30.00", "tendered": "100"})
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_mismatch"


def test_pay01_the_idempotency_key_is_required_and_short(world):
    order = order_at_payment(world)
    client = client_for(world.clerk)
    missing = post(client, order, CASH, key=None)
    too_long = post(client, order, CASH, key="k" * 65)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_missing")
    assert (too_long.status_code, too_long.json()["code"]) == (400, "idempotency_key_too_long")
    assert nothing_written(world.hall)


def test_pay01_bad_input_is_4xx_in_the_error_shape_with_nothing_written(world):
    order = order_at_payment(world)
    client = client_for(world.clerk)
    cases = [
        ({"method": "cash", "amount": "-30", "tendered": "50"}, 422, "bad_amount"),
        ({"method": "cash", "amount": "30.005", "tendered": "50"}, 422, "bad_amount"),
        ({"method": "cash", "amount": "25.00", "tendered": "50"}, 422, "wrong_amount"),
        ({"method": "qr", "amount": "25.00"}, 422, "wrong_amount"),
        ({"method": "gold", "amount": "30.00"}, 400, "invalid"),
        ({"amount": "30.00"}, 400, "invalid"),
    ]
    for n, (body, status, code) in enumerate(cases):
        response = post(client, order, body, key=f"bad-{n}")
        assert (response.status_code, response.json()["code"]) == (status, code), body
        assert response.json()["message"]
    assert nothing_written(world.hall)
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.PAYMENT


def test_pay01_paying_a_closed_order_is_409(world):
    order = order_at_payment(world)
    client = client_for(world.clerk)
    post(client, order, CASH, key="one")
    response = post(client, order, CASH, key="two")
    assert (response.status_code, response.json()["code"]) == (409, "not_at_payment")


def test_pay01_staff_of_another_hall_get_404_and_guides_403(world, other_world):
    order = order_at_payment(world)
    assert post(client_for(other_world.manager), order, CASH).status_code == 404
    assert post(client_for(world.guide), order, CASH).status_code == 403
    assert APIClient().post(f"/api/v1/orders/{order.pk}/payments", CASH, format="json").status_code == 401
    assert nothing_written(world.hall)
