"""Q01 + Q03 + Q05 end to end, as people use the hall, in Chinese and in English.

A customer takes a number at the kiosk; the display board is open on the hall's
screen; a clerk opens a counter on the workbench and presses call-next; the board
shows the call without a reload; the clerk starts and finishes the service.
"""

from __future__ import annotations

import pytest

from servicehall.queueing.models import Ticket, TicketStatus
from testsupport.browser import new_page, text

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_q01_q03_q05_kiosk_to_board_to_counter_in_the_browser(asgi_server, browser, world, language):
    base = str(asgi_server)
    hall = world.hall.code
    # The counter is closed and nobody works it until the clerk sits down.
    world.counter1.status = "closed"
    world.counter1.staff = None
    world.counter1.save()

    kiosk = new_page(browser, base, language=language)
    kiosk.goto(asgi_server.url(f"/halls/{hall}/kiosk/"))
    kiosk.get_by_test_id("category-A").click()
    kiosk.get_by_test_id("slip").wait_for()
    assert kiosk.get_by_test_id("slip-number").inner_text() == "A001"
    assert kiosk.evaluate("document.documentElement.lang") == language

    board = new_page(browser, base, language=language)
    board.goto(asgi_server.url(f"/halls/{hall}/board/?voice=off"))
    board.wait_for_function("window.servicehallBoard && window.servicehallBoard.connection === 'open'")
    board.evaluate("window.__sameDocument = true")
    assert text(language, "Now calling") in board.inner_text("body")

    clerk = new_page(browser, base, language=language, user=world.clerk)
    clerk.goto(asgi_server.url(f"/halls/{hall}/workbench/"))
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").click()
    clerk.get_by_test_id("current-number").filter(has_text="A001").wait_for()

    board.wait_for_function("document.querySelector('[data-testid=counter-1-number]').textContent.trim() === 'A001'")
    assert board.get_by_test_id("latest-number").inner_text() == "A001"
    assert board.evaluate("window.__sameDocument") is True, "the board reloaded"

    clerk.get_by_test_id("action-start").click()
    clerk.get_by_test_id("finish-outcome").wait_for()
    clerk.get_by_test_id("finish-outcome").select_option("completed")
    clerk.get_by_test_id("action-finish").click()
    clerk.get_by_test_id("flash").filter(has_text=text(language, "%(number)s finished.", number="A001")).wait_for()

    ticket = Ticket.objects.get(hall=world.hall, number="A001")
    assert ticket.status == TicketStatus.DONE and ticket.outcome == "completed"
    assert list(ticket.intervals.values_list("status", flat=True)) == ["waiting", "called", "serving", "done"]
    board.wait_for_function("document.querySelector('[data-testid=counter-1-number]').textContent.trim() === '—'")
