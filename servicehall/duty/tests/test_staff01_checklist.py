"""STAFF01: the seven pre-shift steps (班前准备七步) each person ticks once a business day before a counter opens."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.errors import Conflict
from servicehall.duty import selectors, services
from servicehall.duty.models import DutySettings, PreShiftCheck, PreShiftStep
from servicehall.org.models import Counter
from servicehall.queueing import services as queue

from .conftest import NOW, SHANGHAI
from .helpers import all_steps, api, client_for, take, url

pytestmark = pytest.mark.django_db


def _close(world, counter, clerk):
    queue.counter_set_status(counter=counter, status=Counter.Status.CLOSED, actor=clerk)


def test_staff01_the_pack_loads_the_seven_steps_from_the_seed_once(duty_hall):
    services.duty_pack_load(hall=duty_hall.hall)  # again: nothing more
    steps = selectors.steps(hall=duty_hall.hall)
    assert [s.name_zh for s in steps] == [
        "上班提前一刻到",
        "换装照镜笑一笑",
        "晨会之前喊口号",
        "会议内容要记牢",
        "符合标准再上岗",
        "换牌开机备资料",
        "站立迎宾要微笑",
    ]
    assert all(s.name_en and s.how_zh and s.how_en for s in steps)
    assert PreShiftStep.objects.filter(hall=duty_hall.hall).count() == 7
    assert DutySettings.objects.get(hall=duty_hall.hall).checklist_required is True


@time_machine.travel(NOW, tick=False)
def test_staff01_the_counter_will_not_open_before_the_seven_steps_and_does_after(duty_hall):
    world = duty_hall
    _close(world, world.counter1, world.clerk)
    clerk = client_for(world.clerk)

    refused = take(clerk, world, world.counter1)
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "Tick today&#x27;s pre-shift checklist (the seven steps) before you open a counter." in page
    assert url("checklist", hall="ha") in page and "Pre-shift checklist: to do" in page
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.CLOSED and world.counter1.staff is None

    # Six of seven steps are not enough.
    steps = all_steps(world.hall)
    clerk.post(url("checklist", hall="ha"), {"steps": steps[:-1]})
    assert take(clerk, world, world.counter1).status_code == 409

    done = clerk.post(url("checklist", hall="ha"), {"steps": steps[-1:]})
    assert done.status_code == 302 and done["Location"] == reverse("queueing:workbench", kwargs={"hall": "ha"})
    opened = take(clerk, world, world.counter1)
    assert opened.status_code == 302
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.OPEN and world.counter1.staff == world.clerk
    picker = client_for(world.clerk2).get(reverse("queueing:workbench", kwargs={"hall": "ha"})).content.decode()
    assert "Pre-shift checklist: to do" in picker  # clerk2's own checklist is not clerk1's


@time_machine.travel(NOW, tick=False)
def test_staff01_the_service_refuses_the_opening_for_the_person_at_the_counter(duty_hall):
    world = duty_hall
    _close(world, world.counter1, world.clerk)
    with pytest.raises(Conflict) as refused:
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.OPEN, actor=world.clerk)
    assert refused.value.code == "preshift_not_done"
    # A hall whose setting does not require the checklist opens at once.
    DutySettings.objects.filter(hall=world.hall).update(checklist_required=False)
    queue.counter_set_status(counter=world.counter1, status=Counter.Status.OPEN, actor=world.clerk)
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.OPEN


def test_staff01_a_hall_without_the_checklist_is_not_refused(world):
    _close(world, world.counter1, world.clerk)
    clerk = client_for(world.clerk)
    assert take(clerk, world, world.counter1).status_code == 302
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.OPEN
    picker = clerk.get(reverse("queueing:workbench", kwargs={"hall": "ha"}))
    assert "Pre-shift checklist" not in picker.content.decode()


@time_machine.travel(NOW, tick=False)
def test_staff01_ticking_twice_keeps_one_record(duty_hall):
    world = duty_hall
    steps = all_steps(world.hall)
    first = services.preshift_tick(hall=world.hall, staff=world.clerk, steps=steps, actor=world.clerk)
    again = services.preshift_tick(hall=world.hall, staff=world.clerk, steps=steps[:2], actor=world.clerk)
    assert PreShiftCheck.objects.filter(staff=world.clerk).count() == 1
    assert again.pk == first.pk and again.done_at == first.done_at and sorted(again.steps) == sorted(steps)
    client_for(world.clerk).post(url("checklist", hall="ha"), {"steps": steps})
    assert PreShiftCheck.objects.filter(staff=world.clerk).count() == 1


def test_staff01_the_day_ends_at_the_halls_midnight_not_utc(duty_hall):
    world = duty_hall
    steps = all_steps(world.hall)
    _close(world, world.counter1, world.clerk)
    # 23:50 in Shanghai is 15:50 UTC on the same date.
    with time_machine.travel(dt.datetime(2026, 12, 7, 23, 50, tzinfo=SHANGHAI), tick=False):
        services.preshift_tick(hall=world.hall, staff=world.clerk, steps=steps, actor=world.clerk)
        assert selectors.preshift_done_today(hall=world.hall, staff=world.clerk)
    # 00:05 the next morning in Shanghai is still 7 December in UTC: a new business day all the same.
    with time_machine.travel(dt.datetime(2026, 12, 8, 0, 5, tzinfo=SHANGHAI), tick=False):
        assert dt.datetime.now(dt.UTC).date() == dt.date(2026, 12, 7)
        assert not selectors.preshift_done_today(hall=world.hall, staff=world.clerk)
        assert take(client_for(world.clerk), world, world.counter1).status_code == 409
        page = client_for(world.clerk).get(url("checklist", hall="ha")).content.decode()
        assert "2026-12-08" in page and 'data-testid="preshift-done"' not in page


@time_machine.travel(NOW, tick=False)
def test_staff01_bad_ticks_are_4xx_with_messages(duty_hall):
    world = duty_hall
    clerk = client_for(world.clerk)
    unknown = clerk.post(url("checklist", hall="ha"), {"steps": ["fly"]})
    assert unknown.status_code == 422 and "Unknown pre-shift step." in unknown.content.decode()
    nothing = clerk.post(url("checklist", hall="ha"), {})
    assert nothing.status_code == 422 and "Tick at least one step." in nothing.content.decode()
    api_bad = clerk.post(api("checklist", hall="ha"), {"steps": "not a list"}, content_type="application/json")
    assert api_bad.status_code == 400 and api_bad.json()["code"]
    api_unknown = clerk.post(api("checklist", hall="ha"), {"steps": ["fly"]}, content_type="application/json")
    assert api_unknown.status_code == 422 and api_unknown.json()["message"] == "Unknown pre-shift step."
    assert not PreShiftCheck.objects.exists()


def test_staff01_a_hall_without_steps_says_so(world):
    clerk = client_for(world.clerk)
    page = clerk.get(url("checklist", hall="ha"))
    assert page.status_code == 200 and "This hall has no pre-shift checklist." in page.content.decode()
    refused = clerk.post(api("checklist", hall="ha"), {"steps": ["early"]}, content_type="application/json")
    assert refused.status_code == 409


@time_machine.travel(NOW, tick=False)
def test_staff01_the_api_shows_and_ticks_the_own_checklist(duty_hall):
    world = duty_hall
    clerk = client_for(world.clerk)
    today = clerk.get(api("checklist", hall="ha")).json()
    assert today["day"] == "2026-12-07" and today["required_before_opening"] is True and today["done_at"] is None
    assert today["steps"][0]["name_zh"] == "上班提前一刻到"
    ticked = clerk.post(api("checklist", hall="ha"), {"steps": all_steps(world.hall)}, content_type="application/json")
    assert ticked.status_code == 200 and ticked.json()["done_at"]
    # clerk2 sees their own (empty) checklist, not clerk1's.
    assert client_for(world.clerk2).get(api("checklist", hall="ha")).json()["ticked"] == []


@time_machine.travel(NOW, tick=False)
def test_staff01_only_counter_staff_tick_and_other_halls_are_not_found(duty_hall, other_world):
    world = duty_hall
    guide = client_for(world.guide)
    assert guide.get(url("checklist", hall="ha")).status_code == 403
    assert (
        guide.post(api("checklist", hall="ha"), {"steps": ["early"]}, content_type="application/json").status_code
        == 403
    )
    outsider = client_for(other_world.clerk)
    assert outsider.get(url("checklist", hall="ha")).status_code == 404
    assert outsider.post(url("checklist", hall="ha"), {"steps": ["early"]}).status_code == 404
    assert outsider.get(api("checklist", hall="ha")).status_code == 404
    assert not PreShiftCheck.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_staff01_the_duty_manager_sees_who_is_ready(duty_hall):
    world = duty_hall
    services.preshift_tick(hall=world.hall, staff=world.clerk2, steps=all_steps(world.hall), actor=world.clerk2)
    page = client_for(world.manager).get(url("checklist", hall="ha")).content.decode()
    team = page[page.index('data-testid="preshift-team"') :]
    assert "clerk2_ha · done at 08:00" in team and "clerk_ha · <span" in team
