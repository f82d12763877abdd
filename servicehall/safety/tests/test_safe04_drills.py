"""SAFE04 training and drills (营业厅安全生产管理规定 3.3.2): kinds and intervals from the pack, results per
person, who is overdue (last pass older than the interval, or never)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.errors import Forbidden, Unprocessable
from servicehall.safety import selectors, services
from servicehall.safety.models import Drill, DrillKind, DrillResult

from .helpers import client_for

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def overdue_pairs(world):
    return {(row.member.username, row.kind.code) for row in selectors.overdue(hall=world.hall)}


def test_safe04_kinds_and_intervals_come_from_the_pack_and_load_twice(world):
    kinds = services.drill_kinds_load(hall=world.hall)
    services.drill_kinds_load(hall=world.hall)
    assert DrillKind.objects.filter(hall=world.hall).count() == len(kinds) == 4
    fire = DrillKind.objects.get(hall=world.hall, code="fire_drill")
    assert (fire.name_zh, fire.interval_months, fire.required) == ("消防演习", 6, True)
    world.hall.packs = ["gas"]
    world.hall.save(update_fields=["packs"])
    services.drill_kinds_load(hall=world.hall)
    assert DrillKind.objects.get(hall=world.hall, code="gas_leak").interval_months == 6


def test_safe04_a_member_is_overdue_when_the_last_pass_is_older_than_the_interval(world, officer):
    kinds = {k.code: k for k in services.drill_kinds_load(hall=world.hall)}
    DrillKind.objects.exclude(code="fire_drill").update(required=False)
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.drill_record(
            hall=world.hall,
            actor=officer,
            kind_id=kinds["fire_drill"].pk,
            held_on=dt.date(2026, 1, 10),
            topic="Evacuation",
            results={world.clerk.pk: True, world.clerk2.pk: False},
        )
        pairs = overdue_pairs(world)
        assert ("clerk_ha", "fire_drill") not in pairs
        assert ("clerk2_ha", "fire_drill") in pairs  # failed: no pass yet
        assert ("guide_ha", "fire_drill") in pairs  # never took part
    # Six months on, the pass still holds on its due day; the day after, the clerk is overdue.
    with time_machine.travel(dt.datetime(2026, 7, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert ("clerk_ha", "fire_drill") not in overdue_pairs(world)
    with time_machine.travel(dt.datetime(2026, 7, 11, 10, 0, tzinfo=SHANGHAI), tick=False):
        rows = [r for r in selectors.overdue(hall=world.hall) if r.member == world.clerk]
        assert [(r.kind.code, r.last_passed, r.due) for r in rows] == [
            ("fire_drill", dt.date(2026, 1, 10), dt.date(2026, 7, 10))
        ]
        body = (
            client_for(world.clerk)
            .get(reverse("safety:page", kwargs={"hall": world.hall.code}), {"tab": "drills"})
            .content.decode()
        )
        assert f'data-testid="overdue-{world.clerk.pk}-fire_drill"' in body and "2026-07-10" in body
        api = client_for(world.clerk).get(f"/api/v1/safety/halls/{world.hall.code}/drills/overdue").json()
        assert {
            "member": "clerk_ha",
            "kind": "fire_drill",
            "last_passed": "2026-01-10",
            "due": "2026-07-10",
        }.items() <= next(row for row in api if row["member_id"] == world.clerk.pk).items()


def test_safe04_recording_through_the_page_and_bad_input(world, officer):
    kinds = {k.code: k for k in services.drill_kinds_load(hall=world.hall)}
    url = reverse("safety:drill_record", kwargs={"hall": world.hall.code})
    today = world.hall.local_date().isoformat()
    form = {"kind": kinds["fire_training"].pk, "held_on": today, "topic": "Extinguishers"}
    client = client_for(officer)
    response = client.post(url, form)
    assert response.status_code == 422 and "at least one participant" in response.content.decode()
    response = client.post(url, form | {"held_on": "2099-01-01", f"result_{world.clerk.pk}": "pass"})
    assert response.status_code == 422
    response = client.post(url, form | {f"result_{world.clerk.pk}": "pass", f"result_{world.clerk2.pk}": "fail"})
    assert response.status_code == 302
    drill = Drill.objects.get()
    assert dict(DrillResult.objects.filter(drill=drill).values_list("member__username", "passed")) == {
        "clerk_ha": True,
        "clerk2_ha": False,
    }
    # Clerks do not record drills.
    response = client_for(world.clerk).post(url, form | {f"result_{world.clerk.pk}": "pass"})
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        services.drill_record(
            hall=world.hall, actor=world.clerk, kind_id=kinds["fire_drill"].pk, held_on=None, topic="x", results={}
        )
    with pytest.raises(Unprocessable):
        services.drill_record(
            hall=world.hall,
            actor=officer,
            kind_id=kinds["fire_drill"].pk,
            held_on=world.hall.local_date(),
            topic="x",
            results={999999: True},
        )
    assert Drill.objects.count() == 1
