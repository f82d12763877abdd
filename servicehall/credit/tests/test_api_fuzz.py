"""PAY05: generated bad input to the credit API never makes it fail with a 500."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from .helpers import eligible_customer, signed

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
        ("/api/v1/credit/applications", "POST"),
        ("/api/v1/credit/applications/{application_id}/payments", "POST"),
        ("/api/v1/credit/applications/{application_id}/review", "POST"),
    ],
)
def test_pay05_credit_api_answers_generated_bad_input_without_a_server_error(world, wsgi_app, path, method):
    headers = {"Authorization": f"Token {Token.objects.create(user=world.manager).key}"}
    customer, service = eligible_customer(world.hall)
    plan = signed(world)
    turn = iter(range(10**9))
    operation = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)[path][method]

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case) -> None:
        n = next(turn)
        if "application_id" in (case.path_parameters or {}) and n % 3:
            case.path_parameters["application_id"] = str(plan.pk)
        if isinstance(case.body, dict) and n % 2 and path.endswith("applications"):
            case.body.update({"hall": world.hall.code, "customer": customer.pk, "service": service.pk})
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    send()
