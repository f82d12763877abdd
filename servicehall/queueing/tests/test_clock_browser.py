"""Issue 10 (18): the kiosk clock and the tracking page's "Updated" run on the hall's time zone.

The browser here lives in New York; the hall is in Shanghai. The slip and the
board already showed Shanghai time: the kiosk and the tracking page must agree
with them, whatever zone the device happens to be set to.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from servicehall.queueing import services
from testsupport.browser import DEFAULT_VIEWPORT, WAIT_MS

pytestmark = pytest.mark.browser


def hall_minutes(hall) -> re.Pattern[str]:
    """The hall's wall time now or a minute later (the clock may turn while the page loads), as HH:MM."""
    now = timezone.now().astimezone(hall.tz)
    shown = {(now + dt.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    return re.compile("^(" + "|".join(re.escape(s) for s in sorted(shown)) + ")")


def device_in_new_york(browser):
    context = browser.new_context(viewport=DEFAULT_VIEWPORT, locale="zh-CN", timezone_id="America/New_York")
    context.set_default_timeout(WAIT_MS)
    return context


def test_issue10_the_kiosk_clock_shows_the_halls_time_not_the_devices(asgi_server, browser, world):
    assert world.hall.timezone == "Asia/Shanghai"
    context = device_in_new_york(browser)
    page = context.new_page()
    page.goto(asgi_server.url(f"/halls/{world.hall.code}/kiosk/"))
    expected = hall_minutes(world.hall)
    expect(page.locator("[data-clock]")).to_have_text(expected, timeout=WAIT_MS)
    device = page.evaluate("new Date().toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit'})")
    assert not expected.match(device), "the device's own zone must differ for this test to mean anything"
    context.close()


def test_issue10_the_tracking_page_says_when_it_was_updated_in_the_halls_time(asgi_server, browser, world):
    ticket = asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    context = device_in_new_york(browser)
    page = context.new_page()
    page.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    expect(page.locator("[data-updated]")).to_have_text(hall_minutes(world.hall), timeout=WAIT_MS)
    context.close()
