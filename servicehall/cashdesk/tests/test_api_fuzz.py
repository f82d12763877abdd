"""CASH01-CASH04: generated bad input to the cashdesk API never makes it fail with a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from testsupport.cashdesk import open_drawer
from testsupport.world import build_world

FUZZ = settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi_app():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize(
    ("path", "method", "user"),
    [
        ("/api/v1/cashdesk/halls/{hall}/drawer/open", "POST", "clerk2"),
        ("/api/v1/cashdesk/halls/{hall}/drawer/close", "POST", "clerk"),
        ("/api/v1/cashdesk/halls/{hall}/drawer/suspect-notes", "POST", "clerk"),
        ("/api/v1/cashdesk/halls/{hall}/handovers", "POST", "clerk"),
        ("/api/v1/cashdesk/handovers/{handover_id}/sign", "POST", "clerk2"),
        ("/api/v1/cashdesk/halls/{hall}/settlements/{day}", "GET", "manager"),
        ("/api/v1/cashdesk/halls/{hall}/settlements/{day}/close", "POST", "manager"),
    ],
)
def test_cash01_cashdesk_api_answers_generated_bad_input_without_a_server_error(wsgi_app, path, method, user):
    world = build_world("ha")
    open_drawer(world)
    headers = {"Authorization": f"Token {Token.objects.create(user=getattr(world, user)).key}"}
    turn = iter(range(10**9))
    operation = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)[path][method]

    @FUZZ
    @given(case=operation.as_strategy())
    def send(case) -> None:
        n = next(turn)
        params = case.path_parameters or {}
        if "hall" in params and n % 3:
            params["hall"] = world.hall.code
        if "day" in params and n % 2:
            params["day"] = world.hall.local_date().isoformat()
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    send()
