"""STAFF03: a shift may run past midnight (the hotel desk's 夜班 23:00–07:00). The roster counts it from its
start's day into the next, the console follows it through the night, and the staffing planner counts its
counter on both days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from servicehall.core.errors import Conflict, Unprocessable
from servicehall.duty import selectors, services
from servicehall.duty.models import Shift
from servicehall.org.models import Counter
from servicehall.queueing import services as queue
from servicehall.reports.selectors import roster_windows

from .conftest import NOW, at
from .helpers import client_for, shift, url

pytestmark = pytest.mark.django_db

TOMORROW = NOW.date() + dt.timedelta(days=1)


@pytest.fixture
def desk(world):
    """Hall "ha" with the hotel pack's handover checklist and its three shifts, the night one among them."""
    world.hall.packs = ["hotel"]
    world.hall.save(update_fields=["packs"])
    services.duty_pack_load(hall=world.hall)
    return world


def _plan(world, member, counter, code, day=None, break_start=None):
    return services.roster_add(
        hall=world.hall,
        actor=world.manager,
        data=services.RosterInput(
            day=day or NOW.date(),
            shift_id=shift(world.hall, code).pk,
            member_id=member.pk,
            counter_id=counter.pk,
            break_start=break_start,
        ),
    )


def test_staff03_the_hotel_pack_has_a_night_shift_that_ends_the_next_morning(desk):
    night = shift(desk.hall, "night")
    assert night.overnight and night.length_minutes == 8 * 60
    assert not shift(desk.hall, "early").overnight
    begins, ends = night.span(NOW.date(), desk.hall.tz)
    assert (begins.hour, ends.date(), ends.hour) == (23, TOMORROW, 7)
    with translation.override("zh-hans"):
        assert night.hours_label == "23:00–次日07:00"
    with translation.override("en"):
        assert night.hours_label == "23:00–next day 07:00"
        assert shift(desk.hall, "early").hours_label == "07:00–15:00"


@time_machine.travel(NOW, tick=False)
def test_staff03_the_roster_page_says_a_night_shift_ends_the_next_day(desk):
    _plan(desk, desk.clerk, desk.counter1, "night")
    with translation.override("zh-hans"):
        page = client_for(desk.manager).get(url("roster", hall="ha"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "夜班" in page and "23:00–次日07:00" in page


@time_machine.travel(NOW, tick=False)
def test_staff03_a_night_shift_overlaps_the_next_mornings_shift_but_not_the_one_after_it(desk):
    _plan(desk, desk.clerk, desk.counter1, "night")
    dawn = Shift.objects.create(
        hall=desk.hall, code="dawn", name_zh="早早班", starts_at=dt.time(5, 0), ends_at=dt.time(12, 0)
    )
    # 05:00 tomorrow is still the night shift: the same person, or anyone at the same counter, is refused.
    with pytest.raises(Conflict) as taken:
        services.roster_add(
            hall=desk.hall,
            actor=desk.manager,
            data=services.RosterInput(
                day=TOMORROW, shift_id=dawn.pk, member_id=desk.clerk.pk, counter_id=desk.counter2.pk
            ),
        )
    assert taken.value.code == "member_taken"
    with pytest.raises(Conflict) as counter_taken:
        services.roster_add(
            hall=desk.hall,
            actor=desk.manager,
            data=services.RosterInput(
                day=TOMORROW, shift_id=dawn.pk, member_id=desk.clerk2.pk, counter_id=desk.counter1.pk
            ),
        )
    assert counter_taken.value.code == "counter_taken"
    # The early shift at 07:00 starts as the night one ends: the night clerk's colleague takes over the counter.
    assert _plan(desk, desk.clerk2, desk.counter1, "early", day=TOMORROW).day == TOMORROW
    # A night shift planned after the next morning's is checked against it too (the day after).
    later = TOMORROW + dt.timedelta(days=1)
    services.roster_add(
        hall=desk.hall,
        actor=desk.manager,
        data=services.RosterInput(day=later, shift_id=dawn.pk, member_id=desk.clerk.pk, counter_id=desk.counter2.pk),
    )
    with pytest.raises(Conflict) as before_dawn:
        _plan(desk, desk.clerk, desk.counter3, "night", day=TOMORROW)
    assert before_dawn.value.code == "member_taken"


@time_machine.travel(NOW, tick=False)
def test_staff03_a_night_shifts_break_may_fall_after_midnight_but_not_outside_the_shift(desk):
    assert _plan(desk, desk.clerk, desk.counter1, "night", break_start=dt.time(2, 0)).break_start == dt.time(2, 0)
    with pytest.raises(Unprocessable) as outside:
        _plan(desk, desk.clerk2, desk.counter2, "night", break_start=dt.time(12, 0))
    assert outside.value.code == "bad_break"


def test_staff03_the_console_follows_a_night_shift_past_midnight(desk):
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=desk.counter1, status=Counter.Status.CLOSED, actor=desk.clerk)
        _plan(desk, desk.clerk, desk.counter1, "night")
    # 23:05: not late yet; 23:11: late.
    with time_machine.travel(at(23, 5), tick=False):
        assert _problem(desk, 1) is None
    with time_machine.travel(at(23, 11), tick=False):
        assert _problem(desk, 1) == "late"
    # 02:00 the next day, still closed: still the night shift's late opening, counted from 23:00.
    with time_machine.travel(at(2, 0, day=TOMORROW), tick=False):
        row = _row(desk, 1)
        assert row.problem == "late" and row.entry is not None and row.entry.day == NOW.date()
        assert row.since == at(23, 0)
    # During the night shift's break (03:00, 30 minutes) a closed counter is as planned.
    with time_machine.travel(at(3, 10, day=TOMORROW), tick=False):
        assert _problem(desk, 1) is None
    # 07:30: the night shift is over and nobody else is rostered: nothing to compare.
    with time_machine.travel(at(7, 30, day=TOMORROW), tick=False):
        assert selectors.roster_now(hall=desk.hall) == []


def test_staff03_the_clerk_opening_at_night_is_as_planned_and_the_console_says_so(desk):
    with time_machine.travel(NOW, tick=False):
        queue.counter_set_status(counter=desk.counter1, status=Counter.Status.CLOSED, actor=desk.clerk)
        queue.counter_set_status(counter=desk.counter3, status=Counter.Status.CLOSED, actor=desk.manager)
        _plan(desk, desk.clerk, desk.counter1, "night")
    with time_machine.travel(at(1, 0, day=TOMORROW), tick=False):
        queue.counter_set_status(counter=desk.counter1, status=Counter.Status.OPEN, actor=desk.clerk)
        assert _problem(desk, 1) is None
        page = client_for(desk.manager).get(reverse("queueing:manager", kwargs={"hall": "ha"})).content.decode()
        assert 'data-testid="roster-panel"' in page and 'data-testid="roster-problem-1"' not in page


@time_machine.travel(NOW, tick=False)
def test_staff03_rpt03_the_planner_counts_a_night_shifts_counter_on_both_days(desk):
    _plan(desk, desk.clerk, desk.counter1, "night")
    tonight = roster_windows(hall=desk.hall, day=NOW.date())
    assert [(w.counter, w.opens, w.closes) for w in tonight] == [(1, dt.time(23, 0), dt.time(23, 59))]
    morning = roster_windows(hall=desk.hall, day=TOMORROW)
    assert [(w.counter, w.opens, w.closes) for w in morning] == [
        (1, dt.time(0, 0), dt.time(3, 0)),
        (1, dt.time(3, 30), dt.time(7, 0)),
    ]


def _row(world, number):
    return next(r for r in selectors.roster_now(hall=world.hall) if r.counter.number == number)


def _problem(world, number):
    return _row(world, number).problem
