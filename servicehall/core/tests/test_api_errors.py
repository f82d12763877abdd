"""One error shape for the whole API: `{"code", "message"}` in the user's language."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions
from rest_framework.test import APIClient, APIRequestFactory

from servicehall.core.apis import PublicAPIView, exception_handler
from servicehall.core.errors import Conflict, NotFound, Unprocessable


def handle(exc):
    with translation.override("en"):
        response = exception_handler(exc, {})
        assert response is not None
        return response.status_code, response.data


def test_org02_application_errors_keep_their_status_code_and_extra():
    assert handle(Conflict("Busy.", code="counter_busy")) == (409, {"code": "counter_busy", "message": "Busy."})
    assert handle(NotFound("Gone.")) == (404, {"code": "not_found", "message": "Gone."})
    status, body = handle(Unprocessable("Full.", code="daily_cap_reached", extra={"cap": 3}))
    assert status == 422
    assert body == {"code": "daily_cap_reached", "message": "Full.", "cap": 3}


def test_org02_django_errors_become_the_same_shape():
    assert handle(Http404("secret internals")) == (404, {"code": "not_found", "message": "Not found."})
    assert handle(PermissionDenied()) == (
        403,
        {"code": "permission_denied", "message": "You do not have permission to do this."},
    )
    status, body = handle(DjangoValidationError({"phone": ["Bad phone."]}))
    assert status == 400
    assert body == {"code": "invalid", "message": "Bad phone.", "fields": {"phone": ["Bad phone."]}}
    assert handle(DjangoValidationError("Plain.")) == (400, {"code": "invalid", "message": "Plain."})


def test_org02_drf_validation_errors_carry_fields():
    status, body = handle(exceptions.ValidationError({"category": ["This field is required."]}))
    assert status == 400
    assert body == {
        "code": "invalid",
        "message": "category: This field is required.",
        "fields": {"category": ["This field is required."]},
    }
    status, body = handle(exceptions.ValidationError(["Expected an object."]))
    assert body["fields"] == {"non_field_errors": ["Expected an object."]}


def test_org02_parse_errors_do_not_leak_parser_internals():
    status, body = handle(exceptions.ParseError("JSON parse error - Expecting value: line 1 column 1 (char 0)"))
    assert status == 400
    assert body["code"] == "parse_error"
    assert "char 0" not in body["message"]


def test_org02_unknown_exceptions_are_left_to_django():
    assert exception_handler(ValueError("boom"), {}) is None


class Boom(PublicAPIView):
    def get(self, request):
        raise Unprocessable("Refused.", code="refused")


def test_org02_a_view_raising_an_application_error_answers_in_the_shape():
    request = APIRequestFactory().get("/x")
    response = Boom.as_view()(request)
    assert response.status_code == 422
    assert response.data == {"code": "refused", "message": "Refused."}


# --- language: Simplified Chinese by default, English on request ----------------------------


@pytest.fixture
def hall_url(world):
    return f"/api/v1/halls/{world.hall.code}/tickets"


def test_org02_errors_are_in_chinese_by_default(world, hall_url):
    client = APIClient()

    required = client.post(hall_url, {}, format="json")
    assert required.status_code == 400
    assert required.json()["fields"] == {"category": ["该字段是必填项。"]}
    assert required["Content-Language"] == "zh-hans"

    unauthenticated = client.post(f"/api/v1/counters/{world.counter1.pk}/call-next")
    assert unauthenticated.json() == {"code": "not_authenticated", "message": "身份认证信息未提供。"}

    world.a.active = False
    world.a.save()
    closed = client.post(hall_url, {"category": "A"}, format="json")
    assert closed.status_code == 422
    assert closed.json()["code"] == "category_closed"
    assert "缴费充值" in closed.json()["message"]


def test_org02_errors_are_in_english_with_accept_language(world, hall_url):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    required = client.post(hall_url, {}, format="json")
    assert required.json() == {
        "code": "invalid",
        "message": "category: This field is required.",
        "fields": {"category": ["This field is required."]},
    }
    assert required["Content-Language"] == "en"

    unauthenticated = client.post(f"/api/v1/counters/{world.counter1.pk}/call-next")
    assert unauthenticated.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
    }

    world.a.active = False
    world.a.save()
    closed = client.post(hall_url, {"category": "A"}, format="json")
    assert closed.json() == {"code": "category_closed", "message": "Payments is not taking tickets at the moment."}


def test_org02_not_found_and_method_errors_are_translated_too(world):
    chinese = APIClient().get("/api/v1/tickets/not-a-ticket")
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tickets/not-a-ticket")
    assert chinese.status_code == english.status_code == 404
    assert chinese.json()["code"] == english.json()["code"] == "not_found"
    assert english.json()["message"] == "There is no such API endpoint."

    wrong = APIClient().delete(f"/api/v1/halls/{world.hall.code}/queue")
    assert wrong.status_code == 405
    assert wrong.json() == {"code": "method_not_allowed", "message": "方法 “DELETE” 不被允许。"}
