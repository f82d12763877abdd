"""STAFF03: shifts and the roster; the duty manager's console sees late openings, unplanned openings and
closures against it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from servicehall.duty import selectors, services
from servicehall.duty.models import RosterEntry
from servicehall.org.models import Counter
from servicehall.org.roles import Role
from servicehall.queueing import services as queue
from testsupport.world import make_member

from .conftest import NOW, at
from .helpers import all_steps, api, client_for, shift, url

pytestmark = pytest.mark.django_db


def _plan(world, member, counter, code="early", day=None):
    return services.roster_add(
        hall=world.hall,
        actor=world.manager,
        data=services.RosterInput(
            day=day or NOW.date(), shift_id=shift(world.hall, code).pk, member_id=member.pk, counter_id=counter.pk
        ),
    )


def _console(world) -> str:
    return client_for(world.manager).get(reverse("queueing:manager", kwargs={"hall": "ha"})).content.decode()


def _panel(page: str) -> str:
    start = page.index('data-testid="roster-panel"')
    return page[start : page.index("</article>", start)]


def _ready(world, *people):
    for person in people:
        services.preshift_tick(hall=world.hall, staff=person, steps=all_steps(world.hall), actor=person)


def test_staff03_a_late_opening_shows_on_the_console_after_ten_minutes_and_not_before(duty_hall):
    world = duty_hall
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
        queue.counter_set_status(counter=world.counter3, status=Counter.Status.CLOSED, actor=world.manager)
        _plan(world, world.clerk, world.counter1)  # early shift 08:30
        _plan(world, world.clerk2, world.counter2)  # counter 2 is open with clerk2
    with time_machine.travel(at(8, 39), tick=False):
        panel = _panel(_console(world))
        assert 'data-testid="roster-problem-1"' not in panel
        assert "Every counter is as the roster plans." in panel
    with time_machine.travel(at(8, 41), tick=False):
        panel = _panel(_console(world))
        late = panel[panel.index('data-testid="roster-problem-1"') :]
        assert "Late opening" in late and "clerk_ha, Early shift" in late and "08:30" in late
        assert 'data-testid="roster-problem-2"' not in panel
    with time_machine.travel(at(8, 45), tick=False):
        _ready(world, world.clerk)
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.OPEN, actor=world.clerk)
        assert 'data-testid="roster-problem-1"' not in _panel(_console(world))


def test_staff03_the_late_minutes_come_from_the_halls_setting(duty_hall):
    world = duty_hall
    from servicehall.duty.models import DutySettings

    DutySettings.objects.filter(hall=world.hall).update(late_opening_minutes=20)
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
        _plan(world, world.clerk, world.counter1)
    with time_machine.travel(at(8, 45), tick=False):
        assert [r.problem for r in selectors.roster_now(hall=world.hall) if r.counter.number == 1] == [None]
    with time_machine.travel(at(8, 51), tick=False):
        assert [r.problem for r in selectors.roster_now(hall=world.hall) if r.counter.number == 1] == ["late"]


def test_staff03_an_unplanned_closure_and_an_unplanned_opening(duty_hall):
    world = duty_hall
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
        _plan(world, world.clerk, world.counter1)
        _plan(world, world.clerk2, world.counter2)
    with time_machine.travel(at(8, 31), tick=False):
        _ready(world, world.clerk)
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.OPEN, actor=world.clerk)
    with time_machine.travel(at(9, 30), tick=False):
        queue.counter_release(counter=world.counter1, actor=world.clerk)
    with time_machine.travel(at(9, 32), tick=False):
        panel = _panel(_console(world))
        closed = panel[panel.index('data-testid="roster-problem-1"') :].split("</li>")[0]
        assert "Closed during the shift" in closed and "09:30" in closed and "Late opening" not in closed
        # Counter 3 is open with nobody rostered there.
        opened = panel[panel.index('data-testid="roster-problem-3"') :].split("</li>")[0]
        assert "Open without a rostered clerk" in opened
    # During the shift's break (11:00, 15 minutes) a closed counter is as planned.
    with time_machine.travel(at(11, 5), tick=False):
        assert 'data-testid="roster-problem-1"' not in _panel(_console(world))
    # After the shift nobody is rostered: no problem for the closed counter 1.
    with time_machine.travel(at(13, 30), tick=False):
        states = {r.counter.number: r.problem for r in selectors.roster_now(hall=world.hall)}
        assert states[1] is None and states[2] == "unplanned_opening"


@time_machine.travel(NOW, tick=False)
def test_staff03_a_hall_without_a_roster_today_shows_no_panel(duty_hall):
    assert 'data-testid="roster-panel"' not in _console(duty_hall)


@time_machine.travel(NOW, tick=False)
def test_staff03_the_duty_manager_plans_the_week_on_the_page(duty_hall):
    world = duty_hall
    manager = client_for(world.manager)
    form = {
        "day": "2026-12-09",
        "member": str(world.clerk.pk),
        "shift": str(shift(world.hall, "late").pk),
        "counter": str(world.counter2.pk),
        "break_start": "15:00",
    }
    added = manager.post(url("roster", hall="ha"), form)
    assert added.status_code == 302 and added["Location"].endswith("?week=2026-12-07")
    entry = RosterEntry.objects.get()
    assert entry.break_start == dt.time(15, 0)
    page = manager.get(url("roster", hall="ha")).content.decode()
    day = page[page.index('data-testid="roster-day-2026-12-09"') :].split("</section>")[0]
    assert "Late shift" in day and "13:00–18:00" in day and "Counter 2" in day and "clerk_ha" in day
    assert "break at 15:00" in day
    # The clerk sees it (read only) and so does the workbench on that day.
    clerk_page = client_for(world.clerk).get(url("roster", hall="ha") + "?week=2026-12-10").content.decode()
    assert f'data-testid="roster-entry-{entry.pk}"' in clerk_page and 'data-testid="roster-form"' not in clerk_page
    with time_machine.travel(at(9, 0, dt.date(2026, 12, 9)), tick=False):
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
        picker = client_for(world.clerk).get(reverse("queueing:workbench", kwargs={"hall": "ha"})).content.decode()
        assert "Your roster today: Late shift 13:00–18:00 at counter 2" in picker
    removed = manager.post(url("roster_remove", hall="ha", entry=entry.pk))
    assert removed.status_code == 302 and not RosterEntry.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_staff03_bad_roster_input_is_4xx_with_messages(duty_hall, other_world):
    world = duty_hall
    manager = client_for(world.manager)
    early = str(shift(world.hall, "early").pk)
    base = {"day": "2026-12-08", "member": str(world.clerk.pk), "shift": early, "counter": str(world.counter1.pk)}

    def post(**change):
        return manager.post(url("roster", hall="ha"), base | change)

    assert post().status_code == 302
    taken = post(member=str(world.clerk2.pk))
    assert (
        taken.status_code == 409
        and "Someone is already rostered at this counter at that time." in taken.content.decode()
    )
    # The full day overlaps the early shift for the same person.
    twice = post(shift=str(shift(world.hall, "day").pk), counter=str(world.counter2.pk))
    assert twice.status_code == 409 and "This member is already rostered at that time." in twice.content.decode()
    past = post(day="2026-12-06")
    assert past.status_code == 422 and "The roster of a day gone by cannot change." in past.content.decode()
    guide = post(member=str(world.guide.pk), counter=str(world.counter3.pk))
    assert guide.status_code == 422 and "Only staff who serve at counters can be rostered." in guide.content.decode()
    stranger = post(member=str(other_world.clerk.pk), counter=str(world.counter3.pk))
    assert stranger.status_code == 422 and "There is no such member of this hall." in stranger.content.decode()
    foreign_counter = post(member=str(world.clerk2.pk), counter=str(other_world.counter1.pk))
    assert foreign_counter.status_code == 422 and "There is no such counter." in foreign_counter.content.decode()
    bad_break = post(member=str(world.clerk2.pk), counter=str(world.counter3.pk), break_start="17:00")
    assert bad_break.status_code == 422 and "The break must start within the shift." in bad_break.content.decode()
    assert post(day="someday").status_code == 422
    assert post(shift="x").status_code == 422 and "Choose a shift." in post(shift="x").content.decode()
    assert manager.get(url("roster", hall="ha") + "?week=nope").status_code == 422
    assert RosterEntry.objects.count() == 1

    bad_api = manager.post(api("roster", hall="ha"), {"day": "2026-12-08"}, content_type="application/json")
    assert bad_api.status_code == 400
    conflict = manager.post(
        api("roster", hall="ha"),
        {"day": "2026-12-08", "shift": int(early), "member": world.clerk2.pk, "counter": world.counter1.pk},
        content_type="application/json",
    )
    assert conflict.status_code == 409 and conflict.json()["code"] == "counter_taken"


@time_machine.travel(NOW, tick=False)
def test_staff03_the_roster_api_lists_a_week_and_adds_and_removes(duty_hall):
    world = duty_hall
    manager = client_for(world.manager)
    body = {
        "day": "2026-12-13",
        "shift": shift(world.hall, "day").pk,
        "member": world.clerk2.pk,
        "counter": world.counter2.pk,
    }
    made = manager.post(api("roster", hall="ha"), body, content_type="application/json")
    assert made.status_code == 201
    assert made.json() | {"id": 0} == {
        "id": 0,
        "day": "2026-12-13",
        "shift": body["shift"],
        "shift_name": "Full day",
        "starts_at": "08:30:00",
        "ends_at": "18:00:00",
        "ends_next_day": False,
        "member": world.clerk2.pk,
        "member_name": "clerk2_ha",
        "counter": 2,
        "break_start": "12:00",
        "break_minutes": 60,
    }
    week = client_for(world.clerk).get(api("roster", hall="ha") + "?week=2026-12-10").json()
    assert [row["day"] for row in week] == ["2026-12-13"]
    assert client_for(world.clerk).get(api("roster", hall="ha") + "?week=2026-12-14").json() == []
    gone = manager.delete(api("roster_entry", hall="ha", entry=made.json()["id"]))
    assert gone.status_code == 204 and not RosterEntry.objects.exists()
    assert manager.delete(api("roster_entry", hall="ha", entry=made.json()["id"])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_staff03_only_the_duty_manager_or_hall_admin_edit_and_other_halls_are_not_found(duty_hall, other_world):
    world = duty_hall
    entry = _plan(world, world.clerk, world.counter1, day=dt.date(2026, 12, 8))
    body = {"day": "2026-12-08", "shift": entry.shift_id, "member": world.clerk2.pk, "counter": world.counter2.pk}
    form = {k: str(v) for k, v in body.items()}
    for person in (world.clerk, world.guide):
        client = client_for(person)
        assert client.get(url("roster", hall="ha")).status_code == 200
        assert client.post(url("roster", hall="ha"), form).status_code == 403
        assert client.post(url("roster_remove", hall="ha", entry=entry.pk)).status_code == 403
        assert client.post(api("roster", hall="ha"), body, content_type="application/json").status_code == 403
        assert client.delete(api("roster_entry", hall="ha", entry=entry.pk)).status_code == 403
    outsider = client_for(other_world.manager)
    assert outsider.get(url("roster", hall="ha")).status_code == 404
    assert outsider.post(url("roster_remove", hall="ha", entry=entry.pk)).status_code == 404
    assert outsider.get(api("roster", hall="ha")).status_code == 404
    # Through their own hall, hall A's entry does not exist.
    assert outsider.delete(api("roster_entry", hall="hb", entry=entry.pk)).status_code == 404
    assert RosterEntry.objects.count() == 1
    admin = client_for(make_member(world.hall, Role.HALL_ADMIN, "admin_ha"))
    assert admin.post(api("roster", hall="ha"), body, content_type="application/json").status_code == 201


def test_staff03_a_late_opening_is_noticed_once_with_the_chime(duty_hall, monkeypatch):
    from django.core.management import call_command

    from servicehall.duty.models import LateOpening
    from servicehall.queueing import events

    world = duty_hall
    pushed: list[tuple[str, dict]] = []
    monkeypatch.setattr(events, "send_on_commit", lambda hall, payload: pushed.append((hall, payload)))
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
        entry = _plan(world, world.clerk, world.counter1)
    pushed.clear()
    assert services.late_openings_record(now=at(8, 39)) == 0
    assert services.late_openings_record(now=at(8, 41)) == 1
    assert services.late_openings_record(now=at(8, 42)) == 0
    assert pushed == [("ha", {"type": "roster_late", "counter": 1, "chime": True})]
    assert LateOpening.objects.get().entry == entry
    with time_machine.travel(at(8, 43), tick=False):
        call_command("duty_late_openings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert LateOpening.objects.count() == 1 and len(pushed) == 1
