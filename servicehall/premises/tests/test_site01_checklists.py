"""SITE01: the checklists of the packs loaded into a hall, idempotently, with their items, how to check them and
their weights; the first patrol schedule comes with them."""

from __future__ import annotations

import pytest

from servicehall.premises import services
from servicehall.premises.models import ChecklistItem, ChecklistTemplate, PatrolRound

from .helpers import loaded


@pytest.mark.django_db
def test_site01_telecom_pack_loads_site_and_safety_checklists_once(world):
    hall = loaded(world.hall)
    services.premises_load(hall=hall)  # again: nothing doubles
    templates = {t.code: t for t in ChecklistTemplate.objects.filter(hall=hall)}
    assert set(templates) == {"site", "safety_daily", "safety_weekly"}
    assert (templates["site"].kind, templates["site"].frequency) == ("site", "round")
    assert (templates["safety_daily"].kind, templates["safety_daily"].frequency) == ("safety", "daily")
    assert templates["safety_weekly"].frequency == "weekly"
    floor = ChecklistItem.objects.get(template=templates["site"], code="floor")
    assert floor.name_zh == "地面清洁" and floor.how_zh and floor.weight == 10 and floor.deadline_hours == 1
    assert ChecklistItem.objects.filter(template=templates["site"]).count() == 14
    assert PatrolRound.objects.filter(hall=hall).count() == 4


@pytest.mark.django_db
def test_site01_reload_keeps_a_changed_schedule_and_updates_item_texts(world):
    hall = loaded(world.hall)
    PatrolRound.objects.filter(hall=hall).first().delete()
    ChecklistItem.objects.filter(code="floor").update(weight=1)
    services.premises_load(hall=hall)
    assert PatrolRound.objects.filter(hall=hall).count() == 3
    assert ChecklistItem.objects.get(code="floor").weight == 10


@pytest.mark.django_db
def test_site01_gas_pack_adds_the_gas_alarm_check(world):
    hall = loaded(world.hall, "gas")
    assert ChecklistItem.objects.filter(template__hall=hall, template__code="safety_daily", code="gas_alarm").exists()
    assert not ChecklistItem.objects.filter(template__hall=hall, code="nothing").exists()


@pytest.mark.django_db
def test_site01_hotel_pack_has_the_front_of_house_checklists_and_the_drawer_check(world):
    """A hotel (issue 15's pack) patrols its lobby and front desk: room cards and guest information ready, today's
    arrivals prepared, the emergency plan known; its daily safety check reads the front desk's cash drawers."""
    hall = loaded(world.hall, "hotel")
    templates = {t.code: t for t in ChecklistTemplate.objects.filter(hall=hall)}
    assert set(templates) == {"site", "safety_daily", "safety_weekly"}
    site_codes = set(ChecklistItem.objects.filter(template=templates["site"]).values_list("code", flat=True))
    assert {"pcs_encoder", "guest_information", "arrivals_prepared"} <= site_codes and "opinion_book" not in site_codes
    drawer = ChecklistItem.objects.get(template=templates["safety_daily"], code="drawer_cash")
    assert drawer.computed == "drawer_cash" and drawer.name_zh == "钱箱现金未超限额"
    assert ChecklistItem.objects.filter(template=templates["safety_daily"], code="emergency_plan").exists()
    assert [r.time.strftime("%H:%M") for r in PatrolRound.objects.filter(hall=hall).order_by("time")] == [
        "07:30",
        "10:00",
        "13:00",
        "21:00",
    ]
