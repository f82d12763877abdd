"""SAFE03 incidents (营业厅安全生产管理规定 4.4): any staff member reports at once, the duty manager's console
shows it with a chime, the record is append-only (later facts are entries), a safety manager closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.safety import services
from servicehall.safety.models import Incident, IncidentEntry

from .helpers import client_for

pytestmark = pytest.mark.django_db
TEXT = "Customer Wang shouted at counter 2 and pushed the clerk"


def report(world, actor=None, **change):
    data = {
        "kind": "conflict",
        "occurred_at": timezone.now() - dt.timedelta(minutes=5),
        "place": "Counter 2",
        "description": TEXT,
    } | change
    return services.incident_report(hall=world.hall, actor=actor or world.clerk, **data)


def test_safe03_a_clerk_reports_and_the_console_shows_it_with_a_chime(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("servicehall.queueing.events._send", lambda group, payload: sent.append((group, payload)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(world.clerk).post(
            reverse("safety:incident_report", kwargs={"hall": world.hall.code}),
            {
                "kind": "fire",
                "occurred_at": timezone.localtime(timezone.now(), world.hall.tz).strftime("%Y-%m-%dT%H:%M"),
                "place": "Back office",
                "description": "Smoke from the printer",
            },
        )
        assert response.status_code == 302
        assert sent == []  # nothing is pushed before the commit
    for callback in callbacks:
        callback()
    incident = Incident.objects.get()
    assert sent == [
        (
            "hall.ha",
            {"type": "safety_incident", "incident": incident.pk, "chime": True, "sent_at": sent[0][1]["sent_at"]},
        )
    ]
    # The push carries ids only; the console of the duty manager shows the incident.
    console = client_for(world.manager).get(reverse("queueing:manager", kwargs={"hall": world.hall.code}))
    body = console.content.decode()
    assert f'data-testid="safety-incident-{incident.pk}"' in body and "Fire" in body and "Back office" in body


def test_safe03_an_incident_cannot_be_edited_or_deleted(world):
    incident = report(world)
    assert not [
        name
        for name in dir(services)
        if name.startswith("incident_") and ("update" in name or "edit" in name or "delete" in name)
    ]
    incident.description = "Nothing happened"
    with pytest.raises(ValueError):
        incident.save()
    with pytest.raises(ValueError):
        Incident.objects.filter(pk=incident.pk).update(description="Nothing happened")
    with pytest.raises(ValueError):
        incident.delete()
    with pytest.raises(ValueError):
        Incident.objects.filter(pk=incident.pk).delete()
    assert Incident.objects.get(pk=incident.pk).description == TEXT
    entry = services.incident_add_entry(incident=incident, actor=world.clerk2, kind="fact", text="Police called")
    entry.text = "changed"
    with pytest.raises(ValueError):
        entry.save()


def test_safe03_later_facts_and_actions_are_added_and_a_safety_manager_closes_it(world):
    incident = report(world)
    services.incident_add_entry(incident=incident, actor=world.clerk2, kind="fact", text="A witness saw it")
    services.incident_add_entry(incident=incident, actor=world.manager, kind="action", text="Guard posted at counter 2")
    with pytest.raises(Forbidden):
        services.incident_add_entry(incident=incident, actor=world.clerk, kind="conclusion", text="Done")
    client = client_for(world.manager)
    url = reverse("safety:incident_entry", kwargs={"hall": world.hall.code, "incident": incident.pk})
    assert client.post(url, {"kind": "conclusion", "text": "Settled; customer apologised"}).status_code == 302
    page = client.get(reverse("safety:incident", kwargs={"hall": world.hall.code, "incident": incident.pk}))
    body = page.content.decode()
    assert "A witness saw it" in body and "Guard posted at counter 2" in body and "Settled; customer apologised" in body
    assert 'data-testid="incident-status">Closed' in body
    with pytest.raises(Conflict):
        services.incident_add_entry(incident=incident, actor=world.manager, kind="fact", text="More")
    assert list(IncidentEntry.objects.filter(incident=incident).values_list("kind", flat=True)) == [
        "fact",
        "action",
        "conclusion",
    ]


def test_safe03_bad_input_is_4xx_and_nothing_is_written(world):
    client = client_for(world.clerk)
    url = reverse("safety:incident_report", kwargs={"hall": world.hall.code})
    response = client.post(url, {"kind": "fire", "occurred_at": "2026-12-01T09:00", "place": "", "description": "x"})
    assert response.status_code == 422 and "Please fill in: Place." in response.content.decode()
    response = client.post(url, {"kind": "fire", "occurred_at": "yesterday", "place": "Hall", "description": "x"})
    assert response.status_code == 422 and "like 2026-05-01 09:30" in response.content.decode()
    with pytest.raises(Unprocessable):
        report(world, occurred_at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(Unprocessable):
        report(world, kind="alien")
    assert not Incident.objects.exists()
    incident = report(world)
    entry_url = reverse("safety:incident_entry", kwargs={"hall": world.hall.code, "incident": incident.pk})
    response = client.post(entry_url, {"kind": "fact", "text": "   "})
    assert response.status_code == 422
    assert not IncidentEntry.objects.exists()


def test_safe03_nothing_personal_goes_to_the_audit_log(world):
    incident = report(world)
    services.incident_add_entry(incident=incident, actor=world.clerk, kind="fact", text="Wang's phone 13812345678")
    logged = " ".join(str(entry.data) for entry in AuditEntry.objects.all())
    assert "Wang" not in logged and "13812345678" not in logged
    assert AuditEntry.objects.filter(action="safety.incident_report").exists()


def test_safe03_other_halls_see_nothing(world, other_world):
    incident = report(world)
    outsider = client_for(other_world.clerk)
    assert (
        outsider.get(reverse("safety:incident", kwargs={"hall": world.hall.code, "incident": incident.pk})).status_code
        == 404
    )
    # From their own hall, the other hall's incident is not found either.
    own = outsider.get(reverse("safety:incident", kwargs={"hall": other_world.hall.code, "incident": incident.pk}))
    assert own.status_code == 404 and TEXT not in own.content.decode()
    api = outsider.get(f"/api/v1/safety/halls/{world.hall.code}/incidents")
    assert api.status_code == 404
    assert TEXT not in outsider.get(f"/api/v1/safety/halls/{other_world.hall.code}/incidents").content.decode()


def test_safe03_the_database_refuses_an_update_of_an_incident(world):
    """Under the model's refusal, a raw UPDATE is refused by the database itself (a trigger)."""
    incident = report(world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE safety_incident SET place = %s WHERE id = %s", ["elsewhere", incident.pk])
    assert Incident.objects.get(pk=incident.pk).place == "Counter 2"
