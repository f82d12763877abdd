"""Issue 10 item 11: every refusal of the API has the one error shape `{"code", "message"}`.

Before the fix a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE answered Django's HTML 400 page, and so did any
path under /api/ outside /api/v1/.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from servicehall.core.views import server_error


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def clerk_client(world) -> Client:
    client = english(Client())
    client.force_login(world.clerk)
    return client


def tickets_url(world) -> str:
    return f"/api/v1/halls/{world.hall.code}/tickets"


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    return body


def test_issue10_a_json_body_over_the_size_limit_gets_the_api_error_shape(clerk_client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = json.dumps({"category": "A", "channel": "counter", "note": "x" * 2048})
    answer = clerk_client.post(tickets_url(world), big, content_type="application/json")
    body = assert_error_shape(answer, 413, "request_too_large")
    assert body["message"] == "The request is too large (at most 1 KiB)."


def test_issue10_a_form_body_with_too_many_fields_gets_the_api_error_shape(clerk_client, world, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = "&".join(f"f{n}=1" for n in range(20))
    answer = clerk_client.post(tickets_url(world), fields, content_type="application/x-www-form-urlencoded")
    assert_error_shape(answer, 400, "bad_request")


def test_issue10_bad_json_gets_the_api_error_shape(clerk_client, world):
    answer = clerk_client.post(tickets_url(world), "{not json", content_type="application/json")
    assert_error_shape(answer, 400, "parse_error")


def test_issue10_an_unsupported_media_type_gets_the_api_error_shape(clerk_client, world):
    answer = clerk_client.post(tickets_url(world), "category=A", content_type="text/plain")
    assert_error_shape(answer, 415, "unsupported_media_type")


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/no-such-thing", "/api/v2/halls"])
def test_issue10_an_unknown_path_under_api_gets_the_api_error_shape(clerk_client, path):
    body = assert_error_shape(clerk_client.get(path), 404, "not_found")
    assert body["message"] == "There is no such API endpoint."


def test_issue10_a_wrong_method_gets_the_api_error_shape(clerk_client, world):
    assert_error_shape(clerk_client.delete(tickets_url(world)), 405, "method_not_allowed")


def test_issue10_an_unacceptable_accept_header_gets_the_api_error_shape(clerk_client, world):
    assert_error_shape(clerk_client.get(tickets_url(world), HTTP_ACCEPT="text/csv"), 406, "not_acceptable")


def test_issue10_a_session_call_without_the_csrf_token_gets_the_api_error_shape(world):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(world.clerk)
    answer = client.post(tickets_url(world), {"category": "A"}, content_type="application/json")
    body = assert_error_shape(answer, 403, "csrf_failed")
    assert body["message"] == "The security check of this page failed. Reload the page and try again."


def test_issue10_anonymous_and_forbidden_calls_keep_the_shape(world, other_world):
    anonymous = english(Client())
    assert_error_shape(anonymous.get("/api/v1/payments?hall=ha"), 401, "not_authenticated")
    stranger = english(Client())
    stranger.force_login(other_world.clerk)
    answer = stranger.get(f"/api/v1/payments?hall={world.hall.code}")
    assert answer.status_code in (403, 404) and set(answer.json()) >= {"code", "message"}


def test_issue10_a_server_error_under_api_answers_json_and_pages_stay_html():
    api = server_error(RequestFactory().get("/api/v1/halls/x/queue"))
    assert api.status_code == 500 and json.loads(api.content)["code"] == "server_error"
    page = server_error(RequestFactory().get("/customers/"))
    assert page.status_code == 500 and page.content.startswith(b"<!doctype html>")


def test_issue10_a_page_over_the_size_limit_still_gets_the_friendly_page(clerk_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    answer = clerk_client.post("/accounts/login/", {"username": "x" * 4096, "password": "y"})
    assert answer.status_code == 413 and answer["Content-Type"].startswith("text/html")
    assert "The request is too large" in answer.content.decode()
