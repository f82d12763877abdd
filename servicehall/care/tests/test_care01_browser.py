"""CARE01 in the browser: the clerk finishes a ticket, the counter's pad asks aloud, the customer presses
不满意, and the duty manager's console in another browser sounds and shows the alert, which the manager
handles."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.care.models import DissatisfactionAlert
from servicehall.care.states import AlertStatus
from servicehall.queueing import services as queue
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def text(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care01_finish_pad_asks_dissatisfied_alert_on_the_console_handled(asgi_server, browser, world, language):
    base = str(asgi_server)
    hall = world.hall.code
    world.clerk.first_name = "王晓燕"
    world.clerk.save()

    pad = new_page(browser, base, language=language)
    pad.goto(asgi_server.url(f"/care/halls/{hall}/counters/1/rate/?voice=off"))
    pad.get_by_test_id("pad-clerk").filter(has_text="王晓燕").wait_for()
    pad.wait_for_function("document.documentElement.dataset.feed === 'live'")
    assert pad.get_by_test_id("pad-question").is_hidden()

    console = new_page(browser, base, language=language, user=world.manager)
    console.goto(asgi_server.url(f"/halls/{hall}/manager/"))
    console.wait_for_function("document.documentElement.dataset.feed === 'live'")

    ticket = asgi_server.run(queue.ticket_issue, hall=world.hall, category=world.a)
    phone = new_page(browser, base, language=language)  # the customer follows the ticket from the slip's QR code
    phone.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    assert phone.get_by_test_id("rate-service").count() == 0
    clerk = new_page(browser, base, language=language, user=world.clerk)
    clerk.goto(asgi_server.url(f"/halls/{hall}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").click()
    clerk.get_by_test_id("action-start").click()
    clerk.get_by_test_id("finish-outcome").select_option("completed")
    clerk.get_by_test_id("action-finish").click()

    # The customer's page turns to "done" and offers the rating without a reload.
    phone.get_by_test_id("rate-service").wait_for()
    # The pad asks (aloud: one utterance queued) with the four keys.
    pad.get_by_test_id("pad-question").wait_for()
    assert pad.get_by_test_id("pad-question").inner_text() == text(language, "Please rate my service")
    pad.wait_for_function("window.ratePad.spoken === 1")
    pad.get_by_test_id("pad-key-dissatisfied").click()
    pad.get_by_test_id("pad-answer").filter(has_text=text(language, "Thank you for your rating!")).wait_for()

    # Once rated, the ticket's page offers no second rating.
    phone.reload()
    phone.get_by_test_id("track-status").wait_for()
    assert phone.get_by_test_id("rate-service").count() == 0

    # The console, in another browser, chimes and shows the alert naming the ticket and the clerk.
    alert_row = console.get_by_test_id("care-alert-A001")
    alert_row.wait_for()
    assert "王晓燕" in alert_row.inner_text()
    console.wait_for_function("Number(document.documentElement.dataset.chimes || 0) >= 1")
    alert_row.get_by_test_id("care-alert-action").select_option("apologised")
    alert_row.get_by_test_id("care-alert-note").fill("换了窗口重新办理")
    alert_row.get_by_test_id("care-alert-handle").click()
    console.get_by_test_id("care-alert-A001").wait_for(state="detached")

    alert = DissatisfactionAlert.objects.get()
    assert (alert.status, alert.handled_by, alert.note) == (AlertStatus.HANDLED, world.manager, "换了窗口重新办理")
    # A second press on the pad (the keys are gone after the answer) changes nothing.
    assert DissatisfactionAlert.objects.count() == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_care01_the_pad_takes_detailed_scores_after_the_press(asgi_server, browser, world, language):
    from servicehall.care.models import Rating

    world.hall.rating_details = True
    world.hall.save()
    pad = new_page(browser, str(asgi_server), language=language)
    pad.set_viewport_size({"width": 800, "height": 1280})
    pad.goto(asgi_server.url(f"/care/halls/{world.hall.code}/counters/1/rate/?voice=off"))
    pad.wait_for_function("document.documentElement.dataset.feed === 'live'")
    ticket = asgi_server.run(_served, world)
    pad.get_by_test_id("pad-key-satisfied").click()
    pad.get_by_test_id("pad-details-send").wait_for()
    assert pad.get_by_test_id("pad-details-send").is_disabled()
    for name, value in (("attitude", "5"), ("quality", "4"), ("efficiency", "4"), ("integrity", "5")):
        pad.get_by_test_id(f"pad-{name}-{value}").click()
    pad.get_by_test_id("pad-details-send").click()
    pad.get_by_test_id("pad-answer").filter(has_text=text(language, "Thank you for your rating!")).wait_for()
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.attitude, rating.quality, rating.efficiency, rating.integrity) == (
        "satisfied",
        5,
        4,
        4,
        5,
    )


def _served(world):
    from .helpers import served

    return served(world)
