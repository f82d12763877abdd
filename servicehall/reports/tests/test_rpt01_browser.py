"""RPT01 in the browser (Chinese, under the real Content-Security-Policy): the duty manager's live dashboard
changes by itself when a ticket is issued and called elsewhere (the hall's push feed), and its ECharts chart of
the waiting per category is drawn again after each refresh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from servicehall.catalog.models import QueueCategory
from servicehall.queueing import services
from testsupport.browser import new_page, text

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    """SERVICEHALL_SHOTS=/some/dir keeps a screenshot of the dashboard."""
    directory = os.environ.get("SERVICEHALL_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def _shows(page, testid: str, value: str) -> None:
    page.wait_for_function(
        "([id, value]) => { const el = document.querySelector(`[data-testid=${id}]`);"
        " return el && el.textContent.trim() === value; }",
        arg=[testid, value],
    )


def test_rpt01_dashboard_updates_live_when_tickets_are_issued_and_called(asgi_server, browser, world):
    hall = world.hall
    QueueCategory.objects.filter(hall=hall).update(issue_from=None, issue_until=None, daily_cap=None)
    asgi_server.run(services.ticket_issue, hall=hall, category=world.a)
    page = new_page(browser, str(asgi_server), language="zh-hans", user=world.manager, enforce_csp=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(asgi_server.url(f"/reports/halls/{hall.code}/dashboard/"))
    assert page.get_by_test_id("dash-waiting").inner_text() == "1"
    page.locator("[data-dashboard-chart][data-drawn=true] svg").wait_for()
    page.locator("[data-feed-status].is-live").wait_for()
    assert text("zh-hans", "Live dashboard") in page.locator("h1").inner_text()

    # A second customer takes a number at the kiosk: the dashboard shows two waiting, without a reload.
    asgi_server.run(services.ticket_issue, hall=hall, category=world.b)
    _shows(page, "dash-waiting", "2")
    _shows(page, "dash-issued", "2")
    _shows(page, "dash-waiting-B", "1")
    page.locator("[data-dashboard-chart][data-drawn=true] svg").wait_for()

    # A clerk calls the next customer: one waiting, one counter serving.
    asgi_server.run(services.ticket_call_next, counter=world.counter1, staff=world.clerk)
    _shows(page, "dash-waiting", "1")
    _shows(page, "dash-serving", "1")
    page.locator("[data-dashboard-chart][data-drawn=true] svg").wait_for()
    shot(page, "rpt01-dashboard")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    page.context.close()
