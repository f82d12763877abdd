"""RPT01, the live dashboard: one hall's figures equal a direct count over the tickets the test made (waiting,
the longest wait, called within the target, abandoned), the alerts appear exactly at their thresholds, only
the hall's managers see it (another hall: 404, another role: 403), every hall a manager runs on one screen,
and the same figures from the API, which is in the schema."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from servicehall.care import services as care_services
from servicehall.catalog.models import ComplaintCategory
from servicehall.org.models import Counter, Membership
from servicehall.org.roles import Role
from servicehall.queueing import services
from servicehall.queueing.models import Ticket, TicketInterval, TicketStatus
from servicehall.reports.selectors_dashboard import hall_dashboard

S = TicketStatus
# 10:00 in Shanghai is 02:00 UTC.
MORNING = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def issue(world, category=None, count=1):
    return [services.ticket_issue(hall=world.hall, category=category or world.a) for _ in range(count)]


def page(client, user, hall_code, **kwargs):
    client.force_login(user)
    return client.get(reverse("reports:dashboard", kwargs={"hall": hall_code}), **kwargs)


def _busy_morning(world, clock):
    """A: target 10 min, B: target 10 min. Five tickets at 10:00; A001 called at 10:05 and served; B001 called
    at 10:14 (late); A003 gives up; counter 3 paused."""
    for category in (world.a, world.b):
        category.target_wait_minutes = 10
        category.save()
    issue(world, world.a, 3)
    issue(world, world.b, 2)
    clock.shift(dt.timedelta(minutes=5))
    first = services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_start(ticket=first, staff=world.clerk)
    services.ticket_finish(ticket=first, staff=world.clerk, outcome="completed")
    clock.shift(dt.timedelta(minutes=9))
    late = services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
    gone = Ticket.objects.get(hall=world.hall, number="A003")
    services.ticket_abandon(ticket=gone, actor=world.guide)
    services.counter_set_status(counter=world.counter3, status=Counter.Status.PAUSED, actor=world.manager)
    return first, late


def test_rpt01_figures_equal_a_direct_count_of_the_tickets(world, clock):
    first, late = _busy_morning(world, clock)
    assert (first.number, late.number) == ("A001", "B001")
    figures = hall_dashboard(hall=world.hall)
    waiting = Ticket.objects.filter(hall=world.hall, status=S.WAITING)
    oldest = min(t.queued_at for t in waiting)
    now = timezone.now()
    assert figures["waiting"] == waiting.count() == 2
    assert figures["longest_wait_seconds"] == int((now - oldest).total_seconds()) == 14 * 60
    by_code = {row["code"]: row for row in figures["categories"]}
    assert by_code["A"]["waiting"] == waiting.filter(category=world.a).count() == 1
    assert by_code["B"]["waiting"] == waiting.filter(category=world.b).count() == 1
    # Called within target: A001 after 5 minutes yes, B001 after 14 no.
    calls = {
        t.number: TicketInterval.objects.filter(ticket=t, status=S.CALLED).order_by("started_at")[0].started_at
        for t in Ticket.objects.filter(hall=world.hall, call_count__gt=0)
    }
    within = sum(
        1
        for number, at in calls.items()
        if at - Ticket.objects.get(hall=world.hall, number=number).issued_at <= dt.timedelta(minutes=10)
    )
    assert figures["within_target"] == {"within": within, "called": len(calls), "percent": 50.0}
    assert figures["tickets"] == {
        "issued": Ticket.objects.filter(hall=world.hall).count(),
        "served": Ticket.objects.filter(hall=world.hall, status=S.DONE).count(),
        "abandoned": Ticket.objects.filter(hall=world.hall, status=S.ABANDONED).count(),
        "no_show": 0,
    }
    assert figures["tickets"]["issued"] == 5 and figures["tickets"]["abandoned"] == 1
    assert figures["counters"] == {"open": 2, "paused": 1, "closed": 0, "serving": 1}


def test_rpt01_page_shows_the_figures(client, world, clock):
    _busy_morning(world, clock)
    response = page(client, world.manager, world.hall.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="dash-waiting">2<' in html
    assert 'data-testid="dash-longest">14 min<' in html
    assert 'data-testid="dash-within">50.0%<' in html
    assert 'data-testid="dash-abandoned">1<' in html
    assert 'data-testid="dash-paused">1<' in html
    assert 'data-testid="dash-serving">1<' in html
    assert 'hx-trigger="hall-changed from:body, every 60s"' in html
    assert 'id="dashboard-chart-data"' in html and "js/dashboard.js" in html
    # The push's refresh answers the panel only.
    partial = page(client, world.manager, world.hall.code, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="dashboard-panel"') and "<html" not in partial


def test_rpt01_yesterdays_tickets_do_not_count_today(world, clock):
    issue(world, world.a, 2)
    services.ticket_abandon(ticket=Ticket.objects.get(number="A002"), actor=world.guide)
    clock.shift(dt.timedelta(days=1))
    figures = hall_dashboard(hall=world.hall)
    assert figures["tickets"]["issued"] == 0 and figures["tickets"]["abandoned"] == 0
    assert figures["within_target"]["percent"] is None


def _kinds(world):
    return [alert["kind"] for alert in hall_dashboard(hall=world.hall)["alerts"]]


def test_rpt01_long_wait_alert_only_past_the_categorys_target(world, clock):
    world.a.target_wait_minutes = 10
    world.a.save()
    issue(world, world.a)
    clock.shift(dt.timedelta(minutes=10))
    assert _kinds(world) == []
    clock.shift(dt.timedelta(seconds=1))
    alerts = hall_dashboard(hall=world.hall)["alerts"]
    assert [a["kind"] for a in alerts] == ["long_wait"]
    assert "Payments" in alerts[0]["text"] and "10 minutes" in alerts[0]["text"]


@override_settings(REPORTS_LONG_WAIT_MINUTES=10, REPORTS_LONG_WAIT_COUNT=5)
def test_rpt01_more_than_five_waiting_over_ten_minutes_in_one_category(world, clock):
    world.a.target_wait_minutes = 60
    world.a.save()
    issue(world, world.a, 5)
    issue(world, world.b, 1)  # another category's long wait does not add up with A's
    clock.shift(dt.timedelta(minutes=11))
    assert "many_long" not in _kinds(world)
    clock.shift(dt.timedelta(minutes=-11))
    issue(world, world.a, 1)
    clock.shift(dt.timedelta(minutes=11))
    alerts = [a for a in hall_dashboard(hall=world.hall)["alerts"] if a["kind"] == "many_long"]
    assert len(alerts) == 1 and "6 customers" in alerts[0]["text"] and "Payments" in alerts[0]["text"]


def test_rpt01_dissatisfied_customer_and_overdue_complaint_alerts(world, clock):
    ticket = issue(world, world.a)[0]
    services.ticket_call_next(counter=world.counter1, staff=world.clerk)
    services.ticket_start(ticket=ticket, staff=world.clerk)
    services.ticket_finish(ticket=Ticket.objects.get(pk=ticket.pk), staff=world.clerk, outcome="completed")
    assert "dissatisfied" not in _kinds(world)
    care_services.rating_from_ticket_page(ticket=Ticket.objects.get(pk=ticket.pk), score="dissatisfied")
    assert "dissatisfied" in _kinds(world)
    care_services.complaint_record(
        hall=world.hall,
        actor=world.clerk,
        category=ComplaintCategory.objects.create(
            hall=world.hall,
            pack="telecom",
            code="wait",
            name_zh="等候",
            name_en="Waiting",
            acknowledge_hours=2,
            resolve_hours=16,
        ),
        words="等了很久没人管。",
        summary="您反映的是等候太久，是吗？",
        confirmed=True,
    )
    assert "complaints_overdue" not in _kinds(world)
    clock.shift(dt.timedelta(days=10))
    assert "complaints_overdue" in _kinds(world)


def test_rpt01_only_the_halls_managers_see_the_dashboard(client, world, other_world):
    assert page(client, world.manager, world.hall.code).status_code == 200
    assert page(client, world.manager, other_world.hall.code).status_code == 404
    assert page(client, world.clerk, world.hall.code).status_code == 403
    assert page(client, world.guide, world.hall.code).status_code == 403
    service_manager = Membership.objects.create(user=world.guide, hall=world.hall, role=Role.SERVICE_MANAGER).user
    assert page(client, service_manager, world.hall.code).status_code == 200


def test_rpt01_api_figures_scoping_and_schema(client, world, other_world, clock):
    _busy_morning(world, clock)
    url = reverse("reports_api:dashboard", kwargs={"hall": world.hall.code})
    assert client.get(url).status_code == 401
    client.force_login(world.manager)
    body = client.get(url).json()
    assert body["waiting"] == 2 and body["longest_wait_seconds"] == 14 * 60
    assert body["tickets"] == {"issued": 5, "served": 1, "abandoned": 1, "no_show": 0}
    assert body["within_target"] == {"within": 1, "called": 2, "percent": 50.0}
    assert body["counters"]["paused"] == 1 and body["hall"] == world.hall.code
    assert [c["code"] for c in body["categories"]][:2] == ["A", "B"]
    other = client.get(reverse("reports_api:dashboard", kwargs={"hall": other_world.hall.code}))
    assert other.status_code == 404
    client.force_login(world.clerk)
    assert client.get(url).status_code == 403
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/reports/halls/{hall}/dashboard" in schema and "DashboardCategory" in schema


def test_rpt01_all_halls_on_one_screen_for_a_manager_of_several(client, world, other_world, clock):
    Membership.objects.create(user=world.manager, hall=other_world.hall, role=Role.HALL_ADMIN)
    issue(world, world.a, 2)
    services.ticket_issue(hall=other_world.hall, category=other_world.b)
    client.force_login(world.manager)
    html = client.get(reverse("reports:company_dashboard")).content.decode()
    assert 'data-testid="company-waiting-ha">2<' in html and 'data-testid="company-waiting-hb">1<' in html
    assert reverse("reports:dashboard", kwargs={"hall": "hb"}) in html
    hall_page = page(client, world.manager, world.hall.code).content.decode()
    assert reverse("reports:company_dashboard") in hall_page
    # A clerk of the other hall sees neither hall here.
    client.force_login(other_world.clerk)
    assert client.get(reverse("reports:company_dashboard")).status_code == 403


def test_rpt01_company_screen_lists_only_halls_the_user_manages(client, world, other_world):
    Membership.objects.create(user=world.manager, hall=other_world.hall, role=Role.CLERK)
    client.force_login(world.manager)
    html = client.get(reverse("reports:company_dashboard")).content.decode()
    assert "company-hall-ha" in html and "company-hall-hb" not in html


def test_rpt01_nav_and_planner_link_to_the_dashboard(client, world):
    url = reverse("reports:dashboard", kwargs={"hall": world.hall.code})
    client.force_login(world.manager)
    staffing = client.get(reverse("reports:staffing", kwargs={"hall": world.hall.code})).content.decode()
    assert 'data-testid="planner-dashboard"' in staffing and url in staffing
    client.force_login(world.clerk)
    workbench = client.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})).content.decode()
    assert url not in workbench


def test_rpt01_figures_come_from_a_fixed_number_of_queries(world, clock, django_assert_max_num_queries):
    issue(world, world.a, 8)
    issue(world, world.b, 8)
    for _ in range(3):
        ticket = services.ticket_call_next(counter=world.counter1, staff=world.clerk)
        services.ticket_start(ticket=ticket, staff=world.clerk)
        services.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    # Categories, waiting tickets, counters by status, serving counters, today's tickets, first calls,
    # dissatisfied customers, overdue complaints: however many tickets there are.
    with django_assert_max_num_queries(8):
        figures = hall_dashboard(hall=world.hall)
    assert figures["tickets"]["served"] == 3 and figures["waiting"] == 13
