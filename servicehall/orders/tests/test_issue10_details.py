"""Issue 10, item 5: an order's business details are checked before they reach the database.

A NUL character inside `details` made PostgreSQL refuse the statement (a 500,
and the whole statement with a street address in the server's log); any key
was stored as it came. Now control characters are refused with a 400 and a
message, and only the inputs of the business type's details form are kept.
Run on SQLite and on PostgreSQL (the one that answered 500).
"""

from __future__ import annotations

import json

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from servicehall.core.errors import ApplicationError
from servicehall.core.validators import has_control_characters, validate_json_text
from servicehall.orders import services
from servicehall.orders.models import WorkOrder

from .helpers import create, customer
from .telecom_helpers import MORNING, SIM, installation_details, load_telecom, reload, telecom_business

STREET = "张杨路500弄8号1203室"


@pytest.fixture(autouse=True)
def telecom(world):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def create_order(world, details):
    # Encoded here, escaped: a lone surrogate cannot be encoded as UTF-8, but a client can send "\\ud800".
    body = json.dumps({"business_type": "mobile_open", "details": details})
    return api(world.clerk).post(f"/api/v1/halls/{world.hall.code}/orders", body, content_type="application/json")


@pytest.mark.parametrize(
    "details",
    [
        {"sim_number": "\u0000"},
        {"sim_number": "8986\u00001234"},
        {"sim_number": "\u0007"},
        {"sim_number": "\ud800"},
        {"\u0000": "x"},
        {"package": ["mobile_39", {"deep": "\u001b"}]},
    ],
    ids=["nul", "nul-inside", "bell", "lone-surrogate", "nul-key", "nested-escape"],
)
def test_issue10_a_control_character_in_the_details_is_a_clear_400_and_writes_nothing(world, details):
    response = create_order(world, details)
    assert response.status_code == 400, response.content
    assert "control character" in response.json()["message"]
    assert WorkOrder.objects.count() == 0


def test_issue10_the_refusal_names_the_field_never_the_value(world):
    response = create_order(world, {"address_detail": STREET + "\u0000"})
    assert response.status_code == 400
    assert "address_detail" in response.json()["message"]
    assert STREET not in response.content.decode()


def test_issue10_an_unknown_key_in_the_details_is_refused_by_name_and_not_stored(world):
    response = create_order(world, {"sim_number": SIM, "favourite_colour": "red"})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "bad_details"
    assert "“favourite_colour” is not an input of this business" in body["message"]
    assert WorkOrder.objects.count() == 0


def test_issue10_the_inputs_of_the_business_are_accepted_and_kept(world):
    response = create_order(world, {"package": "mobile_39", "sim_number": SIM})
    assert response.status_code == 201, response.content
    assert WorkOrder.objects.get().details == {"package": "mobile_39", "sim_number": SIM}


def test_issue10_a_business_without_inputs_takes_no_details(world):
    password_reset = telecom_business(world, "password_reset")
    with pytest.raises(ApplicationError) as refused:
        services.order_create(
            hall=world.hall, actor=world.clerk, business_type=password_reset, details={"new_password": "123456"}
        )
    assert refused.value.status_code == 400
    assert "new_password" in str(refused.value.message)
    assert WorkOrder.objects.count() == 0


def test_issue10_the_service_refuses_a_nul_whoever_calls_it(world):
    with pytest.raises(ApplicationError) as refused:
        create(world, telecom_business(world, "broadband_open"), details=installation_details(world, technician="\x00"))
    assert (refused.value.status_code, refused.value.code) == (400, "bad_details")
    assert WorkOrder.objects.count() == 0


def test_issue10_the_details_form_refuses_a_control_character_beside_its_field(world):
    order = create(world, telecom_business(world, "broadband_open"), person=customer(world))
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.clerk)
    url = reverse("orders:details", kwargs={"order_id": order.pk})
    response = client.post(
        url, installation_details(world, address_detail=STREET + "\x01"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert "control character" in response.content.decode()
    assert reload(order).details == {}


@hypothesis_settings(deadline=None)
@given(st.text())
def test_issue10_the_json_check_refuses_exactly_the_texts_with_control_characters(text):
    try:
        validate_json_text({"field": [text]})
    except Exception:
        assert has_control_characters(text)
    else:
        assert not has_control_characters(text)
        assert "\x00" not in text
