"""SITE02: the demo hall has last week's patrols with scores, one rectification open and one overdue; loading
again adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servicehall.premises.demo import premises_demo_load
from servicehall.premises.models import Patrol, Rectification

pytestmark = pytest.mark.django_db


def test_site02_demo_has_last_weeks_patrols_an_open_and_an_overdue_rectification(world, client):
    world.hall.packs = ["telecom"]
    world.hall.save(update_fields=["packs"])
    premises_demo_load(hall=world.hall)
    premises_demo_load(hall=world.hall)
    today = world.hall.local_date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    last_week = Patrol.objects.filter(hall=world.hall, day__gte=monday, day__lt=monday + dt.timedelta(days=7)).exclude(
        request_key="demo-recent"
    )
    assert last_week.count() == 10
    assert {str(p.score) for p in last_week} >= {"100.0", "89.5"}
    now = timezone.now()
    pending = Rectification.objects.filter(hall=world.hall, status="open")
    assert pending.filter(deadline__lt=now).count() == 1
    assert pending.filter(deadline__gte=now).count() == 1
    client.force_login(world.manager)
    page = client.get(f"/premises/halls/{world.hall.code}/rectifications/?all=1").content.decode()
    overdue = pending.get(deadline__lt=now)
    assert f'data-testid="rect-overdue-{overdue.pk}"' in page
