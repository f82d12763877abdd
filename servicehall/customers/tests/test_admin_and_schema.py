"""The admin shows customers' records and keeps the access log read-only; the API is in the OpenAPI schema."""

from __future__ import annotations

import itertools

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

from servicehall.customers import services
from servicehall.customers.models import PersonalDataAccess
from testsupport.customers import GasServiceFactory, MobileServiceFactory
from testsupport.world import UserFactory

from .conftest import client_for

ENDPOINTS = {
    "/api/v1/halls/{hall}/customers": {
        "get": {"200", "401", "403", "404"},
        "post": {"201", "400", "401", "403", "404", "409", "422"},
    },
    "/api/v1/halls/{hall}/customers/search": {"post": {"200", "400", "401", "403", "404"}},
    "/api/v1/customers/{customer_id}": {"get": {"200", "401", "403", "404"}},
    "/api/v1/customers/{customer_id}/services": {"get": {"200", "401", "403", "404"}},
    "/api/v1/customers/{customer_id}/reveal": {"post": {"200", "400", "401", "403", "404", "422"}},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_priv01_every_customers_endpoint_is_documented_with_its_errors(schema):
    for url, methods in ENDPOINTS.items():
        for method, codes in methods.items():
            operation = schema["paths"][url][method]
            assert codes <= set(operation["responses"]), (url, method, codes - set(operation["responses"]))
            assert operation.get("summary")
    reveal = schema["paths"]["/api/v1/customers/{customer_id}/reveal"]["post"]
    assert reveal["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RevealInput")


FUZZ = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_priv01_customers_api_answers_generated_bad_input_without_a_server_error(world, zhang, wsgi_app):
    MobileServiceFactory(customer=zhang)
    GasServiceFactory(customer=zhang)
    headers = {"Authorization": f"Token {Token.objects.create(user=world.clerk).key}"}
    real = {"hall": [world.hall.code], "customer_id": [str(zhang.pk)]}
    turn = itertools.count()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [r.ok() for r in schema.get_all_operations()]
    # The customers app's own operations; a customer's points are promotions' and fuzzed there.
    operations = [op for op in operations if "customers" in op.path and not op.path.endswith("/points")]
    assert len(operations) == 6

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case) -> None:
            n = next(turn)
            for name, values in real.items():
                if name in (case.path_parameters or {}) and n % 4:
                    case.path_parameters[name] = values[n % len(values)]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        send()


def test_priv01_the_admin_lists_customers_records_and_the_access_log_is_read_only(world, zhang):
    services.personal_data_reveal(actor=world.clerk, hall=world.hall, customer=zhang, field="phone", reason="核对")
    MobileServiceFactory(customer=zhang)
    admin = client_for(UserFactory(username="root", is_staff=True, is_superuser=True))
    models = ["customer", "iddocument", "service", "valueaddedservice", "servicestatuschange", "numberpoolentry"]
    for model in [*models, "personaldataaccess"]:
        assert admin.get(f"/admin/customers/{model}/").status_code == 200, model
    assert admin.get(f"/admin/customers/customer/{zhang.pk}/change/").status_code == 200
    assert admin.get("/admin/customers/service/add/").status_code == 200
    access = PersonalDataAccess.objects.get()
    assert admin.get("/admin/customers/personaldataaccess/add/").status_code == 403
    assert admin.post(f"/admin/customers/personaldataaccess/{access.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PersonalDataAccess.objects.count() == 1
