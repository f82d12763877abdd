"""RPT03: the staffing planner's page — arrivals and handle times from the hall's ticket history, the counters
needed per half hour by Erlang C beside the roster, typed-in figures, the what-if, bad input as form errors,
and who may open it."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from servicehall.duty.models import RosterEntry, Shift
from servicehall.org.roles import Role
from servicehall.queueing.models import Ticket, TicketInterval
from servicehall.reports.erlang import counters_needed
from testsupport.world import make_member

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=SHANGHAI)  # a Monday
PLAN_DAY = dt.date(2026, 12, 8)  # Tuesday: history from Tuesdays 1 Dec and 24 Nov


def _url(world) -> str:
    return reverse("reports:staffing", kwargs={"hall": world.hall.code})


def _tickets(world, day: dt.date, count: int, *, hour: int = 9, handle_seconds: int = 300, start: int = 0):
    for n in range(start, start + count):
        issued = dt.datetime.combine(day, dt.time(hour, n % 30), tzinfo=SHANGHAI)
        ticket = Ticket.objects.create(
            hall=world.hall,
            category=world.a,
            service_date=day,
            sequence=n + 1,
            number=f"A{n + 1:03d}",
            channel="kiosk",
            status="done",
            rank=int(issued.timestamp()),
            issued_at=issued,
            queued_at=issued,
            closed_at=issued + dt.timedelta(minutes=20),
        )
        began = issued + dt.timedelta(minutes=5)
        TicketInterval.objects.create(
            ticket=ticket, status="serving", started_at=began, ended_at=began + dt.timedelta(seconds=handle_seconds)
        )


def _cell(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(?:<strong>)?([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_rpt03_page_plans_from_history_against_the_roster(client, world, frozen):
    _tickets(world, dt.date(2026, 12, 1), 20)  # 20 between 09:00 and 09:30
    _tickets(world, dt.date(2026, 11, 24), 10, start=100)  # 10 a week earlier
    _tickets(world, dt.date(2026, 12, 2), 50, start=200)  # a Wednesday: not counted
    shift = Shift.objects.create(
        hall=world.hall, code="am", name_zh="早班", starts_at=dt.time(8, 30), ends_at=dt.time(12, 0)
    )
    RosterEntry.objects.create(hall=world.hall, day=PLAN_DAY, shift=shift, member=world.clerk, counter=world.counter1)
    client.force_login(world.manager)
    response = client.get(
        _url(world),
        {"day": PLAN_DAY.isoformat(), "source": "history", "weeks": 2, "target_percent": 80, "within_minutes": 10},
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = counters_needed(arrivals_per_hour=30, handle_seconds=300, target_level=0.8, within_seconds=600)
    assert _cell(html, "needed-0900") == str(expected.counters)
    assert _cell(html, "level-0900") == f"{expected.service_level * 100:.1f}"
    assert _cell(html, "asa-0900") == f"{expected.asa_seconds:.1f}"
    row = re.search(r'data-testid="planner-row-0900".*?</tr>', html, re.S).group(0)
    assert "<td>15.0</td>" in row  # (20 + 10) / 2 weeks
    assert "<td>5.0</td>" in row  # handle time in minutes, from the serving intervals
    assert "30 tickets and 30 services" in html
    assert 'data-testid="planner-chart"' in html and 'id="staffing-chart-data"' in html
    chart = re.search(r'id="staffing-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert '"rostered": [1, 1, 1, 1, 1, 1, 1' in chart  # 08:30–12:00 on the roster
    assert _cell(html, "needed-1000") == "0"
    # One counter on the roster where more are needed: the half hour is marked short.
    assert expected.counters > 1
    assert 'data-testid="short-0900"' in html and 'data-testid="short-1000"' not in html


def test_rpt03_page_typed_figures_and_what_if(client, world, frozen):
    client.force_login(world.manager)
    response = client.get(
        _url(world),
        {
            "day": PLAN_DAY.isoformat(),
            "source": "typed",
            "weeks": 8,
            "target_percent": 80,
            "within_minutes": "0.5",
            "arrivals": "125, 125，60",
            "starts_at": "09:00",
            "handle_minutes": "5.5",
            "open_counter": "4",
            "open_at": "10:00",
            "arrivals_percent": "20",
            "simulate": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # 125 per half hour = 250 an hour of 330 s, 80 % within 30 s: the command's example, 28 counters.
    assert _cell(html, "needed-0900") == "28"
    assert _cell(html, "asa-0930") == "14.8"
    assert 'data-testid="planner-what-if"' in html
    assert 'data-testid="what-if-changed"' in html
    assert "planner-no-roster" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"source": "typed", "arrivals": "12, lots", "handle_minutes": "5"}, "is not a number of arrivals"),
        ({"source": "typed", "arrivals": "12, -3", "handle_minutes": "5"}, "between 0 and 10000"),
        ({"source": "typed", "arrivals": "0, 0", "handle_minutes": "5"}, "At least one half hour needs arrivals"),
        ({"source": "typed", "arrivals": "12", "handle_minutes": "0"}, "greater than or equal to 0.1"),
        ({"source": "typed", "arrivals": "", "handle_minutes": ""}, "Type the arrivals"),
        ({"source": "typed", "arrivals": "10000", "handle_minutes": "240"}, "No number of counters up to 2000"),
        ({"target_percent": "100"}, "less than or equal to 99"),
        ({"day": "tomorrow"}, "Enter a valid date"),
        ({"open_at": "10:00"}, "Which counter opens?"),
    ],
)
def test_rpt03_page_bad_input_is_a_form_error(client, world, frozen, params, message):
    client.force_login(world.manager)
    response = client.get(_url(world), {"day": PLAN_DAY.isoformat(), **params})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'data-testid="planner-table"' not in response.content.decode()


def test_rpt03_page_first_visit_plans_tomorrow_from_history(client, world, frozen):
    client.force_login(world.manager)
    response = client.get(_url(world))
    assert response.status_code == 200
    assert 'data-testid="planner-empty"' in response.content.decode()  # no history yet


def test_rpt03_page_only_for_the_halls_managers(client, world, other_world, frozen):
    client.force_login(world.clerk)
    assert client.get(_url(world)).status_code == 403
    client.force_login(make_member(world.hall, Role.SERVICE_MANAGER, "svc_ha"))
    assert client.get(_url(world)).status_code == 200
    client.force_login(other_world.manager)
    assert client.get(_url(world)).status_code == 404


def test_rpt03_nav_link_for_managers(client, world, frozen):
    client.force_login(world.manager)
    html = client.get(reverse("duty:roster", kwargs={"hall": world.hall.code})).content.decode()
    assert _url(world) in html
    client.force_login(world.clerk)
    html = client.get(reverse("duty:roster", kwargs={"hall": world.hall.code})).content.decode()
    assert _url(world) not in html
