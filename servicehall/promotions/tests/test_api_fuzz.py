"""Generated bad input to the promotions API never makes it fail with a 500 (PAY04)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from servicehall.billing.tests.helpers import order_at_payment

from .helpers import bank_offer, give_points, promotion

FUZZ = settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/orders/{order_id}/offers", "GET"),
        ("/api/v1/orders/{order_id}/promotions", "POST"),
        ("/api/v1/customers/{customer_id}/points", "GET"),
    ],
)
def test_pay04_promotions_api_answers_generated_input_without_a_server_error(world, wsgi_app, path, method):
    headers = {"Authorization": f"Token {Token.objects.create(user=world.manager).key}"}
    order = order_at_payment(world)
    give_points(order, 1000)
    promotion(world.hall, "five")
    bank_offer(world.hall)
    turn = iter(range(10**9))
    operation = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)[path][method]

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case) -> None:
        if next(turn) % 3:
            key = "order_id" if "order_id" in path else "customer_id"
            case.path_parameters[key] = str(order.pk if key == "order_id" else order.customer_id)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    send()
