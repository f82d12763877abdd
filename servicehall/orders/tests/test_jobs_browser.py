"""BT02 in Chromium on a 10-inch tablet held upright: each installation job is a card of labelled cells whose
result form spans the card; nothing scrolls sideways."""

from __future__ import annotations

import pytest
import time_machine

from testsupport.browser import new_page

from .telecom_helpers import MORNING, at_processing, installation_details, load_telecom, process, settle

pytestmark = pytest.mark.browser

TABLET_PORTRAIT = {"width": 800, "height": 1280}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bt02_the_jobs_page_fits_a_tablet_held_upright(asgi_server, browser, world, language):
    with time_machine.travel(MORNING, tick=False):
        load_telecom(world)
        order = at_processing(world, "broadband_open", details=installation_details(world))
        settle(process(order, world), world)
    page = new_page(browser, str(asgi_server), language=language, user=world.clerk, viewport=TABLET_PORTRAIT)
    page.goto(asgi_server.url(f"/orders/halls/{world.hall.code}/jobs/"))
    row = page.locator(".job-row").first
    row.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Every cell says what it holds, since the table's head is hidden at this width.
    label = row.locator("td[data-label]").first.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label.strip('"') in {"预约", "Appointment"}
    note = row.locator("input[name=note]")
    box, card = note.bounding_box(), row.bounding_box()
    assert box is not None and card is not None
    assert box["x"] + box["width"] <= card["x"] + card["width"] + 1
    assert box["width"] > TABLET_PORTRAIT["width"] / 3  # the note field is wide enough to type in
