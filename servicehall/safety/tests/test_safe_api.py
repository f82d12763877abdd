"""SAFE02–04 API: in the schema; keys listed, issued, returned and confirmed; incidents reported, added to,
listed; 4xx with messages; clerks cannot issue keys; other halls 404."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from servicehall.safety.models import Incident, KeyCopy, KeyHandover


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_safe02_safe03_safe04_the_safety_api_is_in_the_schema(schema):
    paths = schema["paths"]
    base = "/api/v1/safety/halls/{hall}/"
    assert "get" in paths[base + "keys"]
    for action in ("issue", "return", "confirm"):
        assert {"400", "403", "404", "409", "422"} <= set(paths[base + f"keys/{action}"]["post"]["responses"])
    assert {"get", "post"} <= set(paths[base + "incidents"])
    assert "post" in paths[base + "incidents/{incident}/entries"]
    assert "get" in paths[base + "drills/overdue"]
    assert "safety" in paths[base + "incidents"]["post"]["tags"]


@pytest.mark.django_db
def test_safe02_keys_through_the_api(world, officer, door):
    base = f"/api/v1/safety/halls/{world.hall.code}/keys"
    listed = api(world.clerk).get(base).json()
    assert [(row["key"], row["number"], row["holder"]) for row in listed] == [
        ("Front door", 1, ""),
        ("Front door", 2, ""),
    ]
    copy = KeyCopy.objects.get(key=door, number=1)
    # A clerk may not issue keys.
    refused = api(world.clerk).post(base + "/issue", {"copy": copy.pk, "receiver": world.clerk2.pk}, format="json")
    assert refused.status_code == 403 and refused.json()["message"]
    bad = api(officer).post(base + "/issue", {"copy": "x"}, format="json")
    assert bad.status_code == 400
    issued = api(officer).post(base + "/issue", {"copy": copy.pk, "receiver": world.clerk.pk}, format="json")
    assert issued.status_code == 201 and issued.json()["status"] == "pending"
    again = api(officer).post(base + "/issue", {"copy": copy.pk, "receiver": world.clerk2.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "handover_pending"
    confirmed = api(world.clerk).post(base + "/confirm", {"handover": issued.json()["id"]}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "signed"
    assert api(world.clerk).get(base).json()[0]["holder"] == "clerk_ha"
    returned = api(world.clerk).post(base + "/return", {"copy": copy.pk, "receiver": officer.pk}, format="json")
    assert returned.status_code == 201
    assert KeyHandover.objects.filter(kind="return", status="pending").count() == 1


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
def test_safe03_incidents_through_the_api(world, other_world):
    base = f"/api/v1/safety/halls/{world.hall.code}/incidents"
    body = {
        "kind": "injury",
        "occurred_at": "2026-12-07T08:30:00",
        "place": "Entrance",
        "description": "Slipped on the wet floor",
    }
    bad = api(world.clerk).post(base, body | {"kind": "meteor"}, format="json")
    assert bad.status_code == 400
    future = api(world.clerk).post(base, body | {"occurred_at": "2099-01-01T08:00:00"}, format="json")
    assert future.status_code == 422 and future.json()["message"]
    assert not Incident.objects.exists()
    made = api(world.clerk).post(base, body, format="json")
    assert made.status_code == 201, made.content
    incident_id = made.json()["id"]
    entry = api(world.guide).post(
        f"{base}/{incident_id}/entries", {"kind": "action", "text": "Mopped and signposted"}, format="json"
    )
    assert entry.status_code == 201
    closing = api(world.clerk).post(
        f"{base}/{incident_id}/entries", {"kind": "conclusion", "text": "ok"}, format="json"
    )
    assert closing.status_code == 403
    listed = api(world.manager).get(base).json()
    assert (
        listed[0]["description"] == "Slipped on the wet floor"
        and listed[0]["entries"][0]["text"] == "Mopped and signposted"
    )
    assert listed[0]["closed"] is False
    assert api(other_world.clerk).get(base).status_code == 404
    assert (
        api(other_world.clerk)
        .post(
            f"/api/v1/safety/halls/{other_world.hall.code}/incidents/{incident_id}/entries",
            {"kind": "fact", "text": "x"},
            format="json",
        )
        .status_code
        == 404
    )
