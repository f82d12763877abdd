"""Issue 10, item 6: a far-future or ancient day is a 4xx with a message, never a 500.

`GET /api/v1/payments?hall=…&day=9999-12-31` overflowed asking for the next
midnight. Every date and time a page, form or API takes goes through
`servicehall.core.dates`: between 2000-01-01 and today + 10 years.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from servicehall.core import dates

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
BAD_DAYS = ["9999-12-31", "0001-01-01", "1999-12-31", "2037-01-01", "garbage", "2026-13-01", "２０２６-12-01"]
RANGE = "Give a date between"


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(NOW, tick=False):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def page_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


# --- the helper ---------------------------------------------------------------------------------------


def test_issue10_the_range_runs_from_2000_to_ten_years_ahead():
    assert dates.day_check(dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)
    assert dates.day_check(dt.date(2036, 12, 1)) == dt.date(2036, 12, 1)
    for day in (dt.date(1999, 12, 31), dt.date(2036, 12, 2), dt.date.max, dt.date.min):
        with pytest.raises(ValidationError) as refused:
            dates.day_check(day)
        assert refused.value.code == "date_out_of_range"


def test_issue10_a_moment_at_the_ends_of_python_time_is_refused_not_overflowed():
    for moment in (dt.datetime.max.replace(tzinfo=dt.UTC), dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max):
        with pytest.raises(ValidationError):
            dates.moment_in_range(moment)
    dates.moment_in_range(NOW)


@hypothesis_settings(deadline=None)
@given(st.text(max_size=12))
def test_issue10_parse_day_answers_a_day_in_range_or_a_validation_error(text):
    try:
        day = dates.parse_day(text)
    except ValidationError as refused:
        assert refused.messages
    else:
        assert dates.FIRST_DAY <= day <= dates.last_day()


# --- APIs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", BAD_DAYS)
def test_issue10_the_payments_list_refuses_a_day_out_of_range_with_a_400(world, day):
    response = api(world.manager).get("/api/v1/payments", {"hall": world.hall.code, "day": day})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "bad_day"
    assert RANGE in body["message"] or "such as 2026-12-01" in body["message"]


def test_issue10_the_payments_list_still_answers_a_day_in_range(world):
    response = api(world.manager).get("/api/v1/payments", {"hall": world.hall.code, "day": "2026-12-01"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "garbage"])
def test_issue10_the_orders_archive_api_refuses_a_day_out_of_range(world, field, day):
    response = api(world.manager).get(f"/api/v1/halls/{world.hall.code}/orders", {field: day})
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "garbage"])
def test_issue10_the_settlement_api_refuses_a_day_out_of_range(world, day):
    response = api(world.manager).get(f"/api/v1/cashdesk/halls/{world.hall.code}/settlements/{day}")
    assert response.status_code == 404, response.content
    assert RANGE in response.json()["message"] or "such as 2026-12-01" in response.json()["message"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_issue10_a_document_valid_until_the_end_of_time_is_refused(world, day):
    from testsupport.customers import make_resident_id

    body = {
        "name": "李四",
        "phone": "139 0000 0001",
        "document_kind": "resident_id",
        "document_number": make_resident_id(region="440305", sequence=41),
        "valid_until": day,
    }
    response = api(world.clerk).post(f"/api/v1/halls/{world.hall.code}/customers", body, format="json")
    assert response.status_code == 400, response.content
    assert "valid_until" in response.json()["fields"]


def test_issue10_a_resident_id_valid_twenty_years_is_still_taken(world):
    from testsupport.customers import make_resident_id

    body = {
        "name": "李四",
        "phone": "139 0000 0001",
        "document_kind": "resident_id",
        "document_number": make_resident_id(region="440305", sequence=41),
        "valid_until": "2046-11-30",
    }
    response = api(world.clerk).post(f"/api/v1/halls/{world.hall.code}/customers", body, format="json")
    assert response.status_code == 201, response.content


# --- pages ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "garbage"])
def test_issue10_the_money_console_answers_a_bad_day_with_a_message(world, day):
    response = page_client(world.manager).get(f"/cashdesk/halls/{world.hall.code}/money/", {"day": day})
    assert response.status_code == 404
    text = response.content.decode()
    assert RANGE in text or "such as 2026-12-01" in text


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_issue10_the_archive_page_refuses_a_day_out_of_range_beside_its_field(world, day):
    response = page_client(world.manager).post(f"/orders/halls/{world.hall.code}/archive/", {"date_to": day})
    assert response.status_code == 422
    assert RANGE in response.content.decode()


def test_issue10_the_archive_export_refuses_a_day_out_of_range(world):
    response = page_client(world.manager).post(
        f"/orders/halls/{world.hall.code}/archive.xlsx", {"date_from": "0001-01-01"}
    )
    assert response.status_code == 422
