"""Patrol findings in the monthly score (STAFF05, SITE02): each rectification a clerk owned that month costs 10
points of 100, one that was escalated past its deadline 10 more; a clerk without findings gets nothing here."""

import datetime as dt

import pytest
import time_machine

from servicehall.premises import services as premises
from servicehall.premises.models import ChecklistTemplate, Rectification
from servicehall.staff.extensions import assessment_sources
from servicehall.staff.sources import patrol_findings

from .helpers import SHANGHAI

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)
END = dt.datetime(2026, 12, 1, tzinfo=SHANGHAI)


def fail_items(world, owner, count, when):
    world.hall.packs = ["telecom"]
    world.hall.save(update_fields=["packs"])
    premises.premises_load(hall=world.hall)
    site = ChecklistTemplate.objects.get(hall=world.hall, code="site")
    items = list(site.items.all())
    answers = {
        item.pk: premises.ItemAnswer(passed=False, note="Dusty", owner_id=owner.pk)
        if n < count
        else premises.ItemAnswer(passed=True)
        for n, item in enumerate(items)
    }
    with time_machine.travel(when, tick=False):
        premises.patrol_submit(hall=world.hall, actor=world.manager, template_id=site.pk, answers=answers)


def test_staff05_patrol_findings_owned_by_a_clerk_lower_the_patrol_component(world):
    fail_items(world, world.clerk, 2, dt.datetime(2026, 11, 10, 10, tzinfo=SHANGHAI))
    fail_items(world, world.clerk, 1, dt.datetime(2026, 12, 2, 10, tzinfo=SHANGHAI))  # next month: not counted
    first = Rectification.objects.filter(owner=world.clerk).order_by("id").first()
    Rectification.objects.filter(pk=first.pk).update(escalated_at=dt.datetime(2026, 11, 12, tzinfo=SHANGHAI))
    scores = patrol_findings(hall=world.hall, start=START, end=END, clerk_ids=[world.clerk.pk, world.clerk2.pk])
    assert scores == {world.clerk.pk: 70.0}  # two findings, one escalated; clerk2 had none
    assert assessment_sources()["patrol"] is patrol_findings
