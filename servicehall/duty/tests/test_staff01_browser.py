"""STAFF01 in the browser on a tablet: the clerk tries to take a counter, is refused with the message, follows
the link, ticks the seven steps and then takes the counter."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.duty import services
from servicehall.org.models import Counter
from servicehall.queueing import services as queue
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff01_the_clerk_ticks_the_seven_steps_then_takes_the_counter(asgi_server, browser, world, language):
    world.hall.packs = ["telecom"]
    world.hall.save(update_fields=["packs"])
    services.duty_pack_load(hall=world.hall)
    asgi_server.run(queue.counter_set_status, counter=world.counter1, status=Counter.Status.CLOSED, actor=world.clerk)
    tablet = {"width": 1024, "height": 768}

    clerk = new_page(browser, str(asgi_server), language=language, user=world.clerk, viewport=tablet)
    clerk.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    refusal = text(language, "Tick today's pre-shift checklist (the seven steps) before you open a counter.")
    clerk.get_by_test_id("pick-flash").filter(has_text=refusal).wait_for()
    clerk.get_by_test_id("preshift-link").click()
    steps = clerk.locator('[data-testid^="step-"]')
    steps.first.wait_for()
    assert steps.count() == 7
    if language == "zh-hans":
        clerk.get_by_text("上班提前一刻到").wait_for()
    for index in range(7):
        steps.nth(index).check()
    clerk.get_by_test_id("preshift-save").click()
    clerk.get_by_test_id("preshift-link").filter(has_text=text(language, "Pre-shift checklist: done today")).wait_for()
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("leave-counter").wait_for()
    world.counter1.refresh_from_db()
    assert world.counter1.status == Counter.Status.OPEN and world.counter1.staff == world.clerk
