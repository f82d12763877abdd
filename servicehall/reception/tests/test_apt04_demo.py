"""APT04 demo data: today's and tomorrow's visits, loaded twice without doubling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from servicehall.org.models import Hall
from servicehall.reception import selectors
from servicehall.reception.models import MeetingRoom, Visit
from servicehall.reception.states import VisitStatus


@pytest.mark.django_db
def test_apt04_demo_has_visits_today_and_tomorrow_and_loads_twice():
    call_command("load_demo")
    counts = (Visit.objects.count(), MeetingRoom.objects.count())
    call_command("load_demo")
    assert (Visit.objects.count(), MeetingRoom.objects.count()) == counts
    hall = Hall.objects.get(code="demo")
    today = hall.local_date()
    todays = list(selectors.visits_between(hall=hall, start=today, end=today))
    assert {v.status for v in todays} == {VisitStatus.ARRIVED, VisitStatus.PREPARED}
    tomorrows = list(
        selectors.visits_between(hall=hall, start=today + dt.timedelta(days=1), end=today + dt.timedelta(days=1))
    )
    assert {v.status for v in tomorrows} == {VisitStatus.SUBMITTED, VisitStatus.DRAFT}
    assert [v.code for v in selectors.visits_waiting_for_office(hall=hall)] == [
        v.code for v in tomorrows if v.status == VisitStatus.SUBMITTED
    ]
