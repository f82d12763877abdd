"""The payments endpoint is described at /api/schema/, and generated bad input never makes it fail with a 500."""

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from .helpers import order_at_payment

URL = "/api/v1/orders/{order_id}/payments"


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_pay01_the_payment_endpoint_is_documented_with_its_key_and_errors(schema):
    operation = schema["paths"][URL]["post"]
    assert {"200", "201", "400", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    assert operation["summary"] and "payments" in operation["tags"]
    header = next(p for p in operation["parameters"] if p["in"] == "header")
    assert (header["name"], header["required"]) == ("Idempotency-Key", True)
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/OrderPaymentInput")
    assert "with_orders" in schema["components"]["schemas"]["OrderPaymentInput"]["properties"]
    payment = schema["components"]["schemas"]["Payment"]["properties"]
    assert {"amount", "tendered", "change", "receipt", "status", "orders"} <= set(payment)


FUZZ = settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_pay01_payments_api_answers_generated_bad_input_without_a_server_error(world, wsgi_app):
    headers = {"Authorization": f"Token {Token.objects.create(user=world.manager).key}"}
    orders = [str(order_at_payment(world).pk) for _ in range(3)]
    turn = iter(range(10**9))
    operation = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)[URL]["POST"]

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case) -> None:
        n = next(turn)
        if n % 5:
            case.path_parameters["order_id"] = orders[n % len(orders)]
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    send()


def test_pay06_recharge_refund_and_notification_endpoints_answer_generated_input_without_a_server_error(
    world, wsgi_app
):
    from .helpers import ensure_drawer, mobile_service, pay

    headers = {"Authorization": f"Token {Token.objects.create(user=world.manager).key}"}
    ensure_drawer(world, world.manager)
    service = mobile_service(world)
    payment, _ = pay(world, order_at_payment(world), method="card", key="fuzz-card")
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [
        (schema["/api/v1/services/{service_id}/recharges"]["POST"], {"service_id": str(service.pk)}),
        (schema["/api/v1/payments/{payment_id}/refunds"]["POST"], {"payment_id": str(payment.pk)}),
        (schema["/api/v1/payments/qr-notifications/{provider}"]["POST"], {"provider": "simulated"}),
        (schema["/api/v1/payments"]["GET"], {}),
    ]
    for operation, path in operations:
        _fuzz(operation, path, headers)


def _fuzz(operation, path, headers) -> None:
    turn = iter(range(10**9))

    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def send(case) -> None:
        if next(turn) % 3:
            case.path_parameters.update(path)
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    send()
