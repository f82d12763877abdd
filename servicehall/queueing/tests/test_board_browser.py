"""The public screens in a real browser (Debian's Chromium): kiosk (Q01) and board (Q05).

Set SERVICEHALL_SHOTS=/some/dir to keep screenshots of the kiosk, slip, board
and tracking page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from servicehall.queueing import services
from servicehall.queueing.models import Ticket
from servicehall.queueing.voice import call_clips
from testsupport.browser import new_page

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    directory = os.environ.get("SERVICEHALL_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"))


def open_board(page, server, hall, query: str = "?voice=clips") -> None:
    page.goto(server.url(f"/halls/{hall.code}/board/{query}"))
    page.wait_for_function("window.servicehallBoard && window.servicehallBoard.connection === 'open'")
    page.evaluate("window.__sameDocument = true")


def test_q01_kiosk_issues_a_ticket_in_the_browser(asgi_server, page, world):
    page.goto(asgi_server.url(f"/halls/{world.hall.code}/kiosk/"))
    shot(page, "kiosk")
    for key in "1390":
        page.locator(f"[data-key='{key}']").click()
    page.locator("[data-key=back]").click()
    assert page.get_by_test_id("phone").input_value() == "139"
    page.locator("[data-key=clear]").click()
    assert page.get_by_test_id("phone").input_value() == ""
    page.get_by_test_id("category-B").click()

    page.get_by_test_id("slip").wait_for()
    assert page.get_by_test_id("slip-number").inner_text() == "B001"
    assert page.get_by_test_id("slip-category").inner_text() == "业务办理"
    assert page.locator("[data-testid=slip-qr] svg").count() == 1
    assert Ticket.objects.get(number="B001").channel == "kiosk"
    shot(page, "slip")
    page.emulate_media(media="print")
    assert page.get_by_test_id("slip-number").is_visible()
    assert page.get_by_test_id("print").is_hidden()
    shot(page, "slip-print")


def test_q01_kiosk_waiting_counts_follow_the_queue_live(asgi_server, page, world):
    page.goto(asgi_server.url(f"/halls/{world.hall.code}/kiosk/"))
    assert page.get_by_test_id("waiting-A").inner_text() == "0"
    page.locator("[data-testid=kiosk][data-connection=open]").wait_for()

    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a, channel="guide")

    page.wait_for_function("document.querySelector('[data-testid=waiting-A]').textContent === '1'")


def test_q05_board_shows_a_call_within_a_second_without_reload_and_speaks_it(
    asgi_server, page, world, voice_clips, settings
):
    settings.VOICE_CLIPS_DIR = voice_clips
    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.b)
    open_board(page, asgi_server, world.hall)
    assert page.get_by_test_id("counter-1-number").inner_text() == "—"

    # Pushed, not polled: the board's polling is off while its socket is open, so
    # the call can only arrive by the push. How fast is measured by bench/queue.py
    # (board push p99, docs/performance.md), never asserted here.
    ticket = asgi_server.run(services.ticket_call_next, counter=world.counter1, staff=world.clerk)
    page.wait_for_function("document.querySelector('[data-testid=counter-1-number]').textContent === 'A001'")
    assert ticket.number == "A001"
    # The latest-calls strip is drawn in the same push but may paint a frame later.
    page.wait_for_function("document.querySelector('[data-testid=latest-number]').textContent === 'A001'")
    assert page.get_by_test_id("counter-1").get_attribute("class").count("is-new-call") == 1
    assert page.evaluate("window.__sameDocument") is True

    page.wait_for_function("window.servicehallBoard.spoken.length === 1 && window.servicehallBoard.spoken[0].done")
    spoken = page.evaluate("window.servicehallBoard.spoken[0]")
    assert spoken["mode"] == "clips"
    assert spoken["clips"] == call_clips("A001", 1)
    assert spoken["played"] == call_clips("A001", 1)
    assert spoken["missing"] == []
    assert spoken["text"] == "请A001号到1号窗口办理"
    shot(page, "board")


def test_q05_board_reconnects_by_itself_and_keeps_showing_calls(asgi_server, page, world):
    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.b)
    open_board(page, asgi_server, world.hall, "?voice=off")

    page.evaluate("window.servicehallBoard.dropConnection()")
    page.wait_for_function("window.servicehallBoard.reconnects >= 1")
    page.wait_for_function("window.servicehallBoard.connection === 'open'")
    asgi_server.run(services.ticket_call_next, counter=world.counter2, staff=world.clerk2)

    page.wait_for_function("document.querySelector('[data-testid=counter-2-number]').textContent === 'B001'")
    assert page.evaluate("window.__sameDocument") is True


def test_q05_board_in_english_shows_english_labels(asgi_server, browser, world):
    asgi_server.run(services.ticket_issue, hall=world.hall, category=world.v)
    page = new_page(browser, str(asgi_server), language="en")
    open_board(page, asgi_server, world.hall, "?voice=off")

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".board-heading").inner_text().lower() == "now calling"
    assert page.get_by_test_id("counter-3").locator(".counter-label").inner_text() == "Counter 3"
    assert "Payments" in page.get_by_test_id("waiting").inner_text()

    asgi_server.run(services.ticket_call_next, counter=world.counter3, staff=world.manager)
    page.wait_for_function(
        "document.querySelector('[data-testid=latest-text]').textContent === 'Ticket V001, please go to counter 3'"
    )
    assert page.get_by_test_id("connection").inner_text() == "Live"
    shot(page, "board-en")
    page.context.close()


def test_q01_tracking_page_follows_the_ticket_live(asgi_server, page, world):
    ticket = asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    page.set_viewport_size({"width": 412, "height": 860})
    page.goto(asgi_server.url(f"/t/{ticket.pk}/"))
    assert page.locator("[data-track-card]").get_attribute("data-status") == "waiting"
    assert page.get_by_test_id("track-ahead").inner_text() == "0"
    page.locator("[data-track-card][data-connection=open]").wait_for()

    asgi_server.run(services.ticket_call_next, counter=world.counter2, staff=world.clerk2)

    page.wait_for_function("document.querySelector('[data-testid=track-counter]').textContent === '2'")
    assert page.locator("[data-call]").is_visible()
    shot(page, "track")


def test_q05_priv04_issue10_an_unpaired_board_leaves_the_screen_for_the_sign_in_page(asgi_server, browser, world):
    """A private hall's board paired in the browser; "unpair all" elsewhere closes its feed and it reloads."""
    world.hall.public_kiosk = False
    world.hall.save()
    board = new_page(browser, asgi_server, user=world.manager)
    board.goto(asgi_server.url(f"/halls/{world.hall.code}/screens/pair/"))
    board.get_by_test_id("pair-screen").click()
    board.wait_for_function("window.servicehallBoard && window.servicehallBoard.connection === 'open'")

    asgi_server.run(services.screens_unpair_all, hall=world.hall, actor=world.manager)

    board.wait_for_url("**/accounts/login/**")
    assert board.locator("input[name=username]").is_visible()
