"""PRIV04 in the browser: the head-office auditor filters the change trail and sees what a clerk changed."""

from __future__ import annotations

import pytest

from servicehall.core.change_audit import acting_as
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket
from testsupport.browser import new_page
from testsupport.world import make_member

pytestmark = pytest.mark.browser


def test_priv04_the_auditor_filters_the_trail_and_sees_the_clerks_change(asgi_server, browser, world):
    auditor = make_member(world.hall, "auditor", "auditor_ha")
    with acting_as(world.clerk):
        ticket = queue_services.ticket_issue(hall=world.hall, category=world.a, phone="13912345678")
    with acting_as(world.manager):
        queue_services.ticket_issue(hall=world.hall, category=world.b, phone="13700001111")

    page = new_page(browser, str(asgi_server), user=auditor)
    page.goto(asgi_server.url("/"))
    page.get_by_role("link", name="变更记录").first.click()
    page.get_by_test_id("trail-filters").wait_for()
    page.get_by_test_id("trail-actor").select_option(label=world.clerk.get_username())
    page.get_by_test_id("trail-kind").select_option(label=str(Ticket._meta.verbose_name))
    page.get_by_test_id("trail-filter").click()
    page.wait_for_url("**actor=*")
    rows = page.get_by_test_id("trail-row")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "139****5678" in text and str(ticket.pk) in text and world.clerk.get_username() in text
    assert "13912345678" not in page.content() and "137****1111" not in page.content()
