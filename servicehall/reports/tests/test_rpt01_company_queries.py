"""RPT01 at volume: the company screen reads each source once for all the halls the user manages, so fifty halls
cost the same queries as one (the volume benchmark, bench/reports_volume.py, times it with fifty), and each
hall's row shows that hall's own figures."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicehall.org.models import Membership
from servicehall.org.roles import Role
from servicehall.queueing import services
from servicehall.reports.selectors_dashboard import hall_dashboard, halls_dashboard
from testsupport.world import build_world


def company_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:company_dashboard")).status_code == 200
    return len(queries.captured_queries)


def test_rpt01_the_company_screen_costs_the_same_queries_for_four_halls_as_for_one(client, world):
    services.ticket_issue(hall=world.hall, category=world.a)
    client.force_login(world.manager)
    company_queries(client)  # warm the session
    one = company_queries(client)
    others = [build_world(code) for code in ("hc", "hd", "he")]
    for n, other in enumerate(others, start=1):
        Membership.objects.create(user=world.manager, hall=other.hall, role=Role.DUTY_MANAGER)
        for _ in range(n):
            services.ticket_issue(hall=other.hall, category=other.b)
    # The halls and roles of the user grow with the halls (the menu's memberships); the figures do not.
    assert company_queries(client) == one
    html = client.get(reverse("reports:company_dashboard")).content.decode()
    for code, waiting in (("ha", 1), ("hc", 1), ("hd", 2), ("he", 3)):
        assert f'data-testid="company-waiting-{code}">{waiting}<' in html
    halls = [world.hall, *(other.hall for other in others)]
    assert halls_dashboard(halls=halls)[2]["waiting"] == hall_dashboard(hall=others[1].hall)["waiting"] == 2
