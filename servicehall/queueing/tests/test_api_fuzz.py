"""Bad input never makes the API fail with a 500 (issue 2, definition of done 4).

Schemathesis reads the OpenAPI schema at /api/schema/ and generates requests —
valid and invalid bodies, odd query strings, wrong types — for every operation,
sent signed in as a duty manager of a real hall; any 5xx answer fails the test.
Path parameters are mostly replaced by real halls, counters and tickets (in
every state), so the generated bodies reach the services instead of stopping
at "not found". (Its pytest plugin does not run under pytest 9, so the
operations are walked here with hypothesis directly.)
"""

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from servicehall.queueing import services

FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    # As Django's test client does: a request's end must not close the test transaction's connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def tickets_in_every_state(world) -> list[str]:
    """Waiting, called, serving, held and missed tickets for the fuzzer to aim at."""
    issue = [services.ticket_issue(hall=world.hall, category=world.b) for _ in range(6)]
    called = services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    serving = services.ticket_start(
        ticket=services.ticket_call_next(counter=world.counter2, staff=world.clerk2), staff=world.clerk2
    )
    held = services.ticket_call_next(counter=world.counter3, staff=world.manager)
    services.ticket_hold(ticket=held, staff=world.manager)
    missed = services.ticket_call_next(counter=world.counter3, staff=world.manager)
    services.ticket_no_show(ticket=missed, staff=world.manager)
    return [str(t.pk) for t in (issue[-1], called, serving, held, missed)]


def test_q01_q03_q04_api_answers_generated_bad_input_without_a_server_error(world, wsgi_app):
    headers = {"Authorization": f"Token {Token.objects.create(user=world.manager).key}"}
    real = {
        "hall": [world.hall.code],
        "counter_id": [str(c.pk) for c in (world.counter1, world.counter2, world.counter3)],
        "ticket_id": tickets_in_every_state(world),
    }
    turn = itertools.count()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy())
        def send(case) -> None:
            n = next(turn)
            for name, values in real.items():
                if name in (case.path_parameters or {}) and n % 5:  # one in five keeps the generated value
                    case.path_parameters[name] = values[n % len(values)]
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        send()
