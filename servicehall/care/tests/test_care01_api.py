"""CARE01 through the API: a hall's ratings and open alerts for its managers only, handling an alert once,
and every operation in the OpenAPI schema."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from servicehall.care.models import DissatisfactionAlert, Rating, Score
from servicehall.care.services import opinion_write, rating_press
from servicehall.care.states import RatingStatus

from .helpers import served

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def rated(world, score: str) -> Rating:
    rating = Rating.objects.get(ticket=served(world))
    return rating_press(counter=world.counter1, rating_id=rating.pk, score=score)


def test_care01_api_lists_the_days_ratings_without_customer_data(world):
    rating = rated(world, Score.SATISFIED)
    response = api_for(world.manager).get(f"/api/v1/care/halls/{world.hall.code}/ratings")
    assert response.status_code == 200
    [row] = response.json()
    assert row["ticket"] == rating.ticket.number
    assert (row["counter"], row["clerk"], row["score"], row["score_display"]) == (
        1,
        world.clerk.username,
        "satisfied",
        "Satisfied",
    )
    assert "phone" not in row
    bad = api_for(world.manager).get(f"/api/v1/care/halls/{world.hall.code}/ratings", {"day": "yesterday"})
    assert (bad.status_code, bad.json()["message"]) == (422, "Give the day as YYYY-MM-DD.")
    other = api_for(world.manager).get(f"/api/v1/care/halls/{world.hall.code}/ratings", {"day": "2020-01-01"})
    assert other.json() == []


def test_care01_api_alerts_are_for_the_halls_managers_only(world, other_world):
    rated(world, Score.DISSATISFIED)
    url = f"/api/v1/care/halls/{world.hall.code}/alerts"
    assert api_for(world.clerk).get(url).status_code == 403
    assert api_for(other_world.manager).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401
    [alert] = api_for(world.manager).get(url).json()
    assert alert["status"] == "open"


def test_care01_api_handles_an_alert_once(world):
    rated(world, Score.DISSATISFIED)
    alert = DissatisfactionAlert.objects.get()
    url = f"/api/v1/care/halls/{world.hall.code}/alerts/{alert.pk}/handle"
    client = api_for(world.manager)
    assert client.post(url, {"action": "shouted"}, format="json").status_code == 400
    done = client.post(url, {"action": "apologised", "note": "refunded the fee"}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["handled_by"]) == ("handled", world.manager.username)
    again = client.post(url, {"action": "apologised"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "alert_handled")
    assert api_for(world.manager).get(f"/api/v1/care/halls/{world.hall.code}/alerts").json() == []


def test_care06_api_lists_the_book_masked_and_answers_an_entry_once(world, other_world):
    entry = opinion_write(hall=world.hall, text="More seats, please.", contact_phone="13812345678")
    url = f"/api/v1/care/halls/{world.hall.code}/opinions"
    assert api_for(world.clerk).get(url).status_code == 403
    assert api_for(other_world.manager).get(url).status_code == 404
    [row] = api_for(world.manager).get(url).json()
    assert (row["code"], row["contact_phone"], row["status"]) == (entry.code, "138****5678", "open")
    answer = f"{url}/{entry.pk}/answer"
    assert api_for(world.manager).post(answer, {"answer": ""}, format="json").status_code == 400
    done = api_for(world.manager).post(answer, {"answer": "Ten more chairs next week."}, format="json")
    assert (done.status_code, done.json()["status"]) == (200, "answered")
    again = api_for(world.manager).post(answer, {"answer": "x"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "answered_already")


def test_care01_every_care_operation_is_in_the_schema(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    assert set(paths["/api/v1/care/halls/{hall}/ratings"]["get"]["responses"]) == {"200", "401", "403", "404"}
    assert "get" in paths["/api/v1/care/halls/{hall}/alerts"]
    handle = paths["/api/v1/care/halls/{hall}/alerts/{alert}/handle"]["post"]
    assert {"200", "400", "409"} <= set(handle["responses"])
    assert "get" in paths["/api/v1/care/halls/{hall}/opinions"]
    assert {"200", "400", "409"} <= set(paths["/api/v1/care/halls/{hall}/opinions/{entry}/answer"]["post"]["responses"])


def test_care01_finishing_a_ticket_asks_the_pad_within_a_pinned_number_of_queries(world):
    """Issue 17's hot path: the finish that makes the pad ask writes the asking rating in one insert (no
    second update of it, no extra read of the clerk); the count is pinned so that it does not creep up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicehall.queueing.tests.test_api import act, at_counter, client_for

    ticket = at_counter(world)
    clerk = client_for(world.clerk)
    assert act(clerk, ticket, "start").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = act(clerk, ticket, "finish", {"outcome": "completed"})
    assert response.status_code == 200
    rating = Rating.objects.get(ticket=ticket)
    assert rating.status == RatingStatus.ASKED and rating.open_until is not None and rating.clerk == world.clerk
    on_rating = [q["sql"] for q in captured.captured_queries if "care_rating" in q["sql"]]
    assert len(on_rating) == 3, on_rating  # is there one already, the insert, other windows closed
    assert len(captured.captured_queries) <= 13, [q["sql"][:80] for q in captured.captured_queries]
