"""CASH01 in the browser: a clerk opens a drawer by denomination, sees the expected balance after a cash
payment, and closes with a difference and a note. Also: no CSP violation on the drawer page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.cashdesk.models import DrawerSession, DrawerStatus
from testsupport.browser import new_page
from testsupport.world import build_world

from .helpers import paid_cash

pytestmark = pytest.mark.browser


def test_cash01_clerk_opens_by_denomination_sees_expected_and_closes_with_a_difference(asgi_server, browser):
    world = build_world("ha")
    base = str(asgi_server)
    page = new_page(browser, base, language="en", user=world.clerk)
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(asgi_server.url(f"/cashdesk/halls/{world.hall.code}/drawer/"))
    page.get_by_test_id("open-count-100.00").fill("2")
    page.get_by_test_id("open-count-10.00").fill("5")
    page.get_by_test_id("open-count-0.50").fill("1")
    # The script adds up the count as the clerk types.
    page.locator('[data-testid="open-count-total"]', has_text="250.50").wait_for()
    page.get_by_test_id("open-drawer").click()
    page.get_by_test_id("expected").wait_for()
    assert page.get_by_test_id("expected").inner_text() == "¥250.50"

    paid_cash(world, "30.00", "50.00")  # 50 in, 20 change out
    page.reload()
    assert page.get_by_test_id("expected").inner_text() == "¥280.50"

    page.get_by_test_id("close-count-100.00").fill("2")
    page.get_by_test_id("close-count-50.00").fill("1")
    page.get_by_test_id("close-count-20.00").fill("1")
    page.get_by_test_id("close-count-0.50").fill("1")  # 270.50: ten yuan short
    page.get_by_test_id("close-drawer").click()
    page.get_by_test_id("flash").filter(has_text="explain it in the note").wait_for()
    page.get_by_test_id("close-note").fill("Gave 10 yuan too much change")
    page.get_by_test_id("close-drawer").click()
    page.get_by_text("difference -10.00 yuan").wait_for()
    page.get_by_test_id("drawer-closed").wait_for()

    session = DrawerSession.objects.get()
    assert session.status == DrawerStatus.CLOSED
    assert (session.counted, session.expected, session.difference) == (
        Decimal("270.50"),
        Decimal("280.50"),
        Decimal("-10.00"),
    )
    assert session.note == "Gave 10 yuan too much change"
    assert violations == []


def test_cash03_cash04_handover_with_two_logins_then_the_duty_manager_closes_the_day(asgi_server, browser):
    from servicehall.cashdesk import selectors
    from testsupport.cashdesk import open_drawer

    world = build_world("ha")
    base = str(asgi_server)
    open_drawer(world, float_amount="100.00")
    paid_cash(world, "30.00", "50.00")  # the drawer should hold 130.00

    outgoing = new_page(browser, base, language="en", user=world.clerk)
    outgoing.goto(asgi_server.url(f"/cashdesk/halls/{world.hall.code}/drawer/"))
    outgoing.get_by_test_id("handover-incoming").select_option(str(world.clerk2.pk))
    outgoing.get_by_test_id("handover-count-100.00").fill("1")
    outgoing.get_by_test_id("handover-count-10.00").fill("3")
    outgoing.get_by_test_id("start-handover").click()
    outgoing.get_by_test_id("my-handover").wait_for()

    incoming = new_page(browser, base, language="en", user=world.clerk2)
    incoming.goto(asgi_server.url(f"/cashdesk/halls/{world.hall.code}/drawer/"))
    handover = selectors.handovers_pending_for(hall=world.hall, user=world.clerk2).get()
    card = incoming.get_by_test_id(f"handover-to-sign-{handover.pk}")
    card.get_by_test_id("sign-count-100.00").fill("1")
    card.get_by_test_id("sign-count-10.00").fill("3")
    card.get_by_test_id("sign-handover").click()
    incoming.get_by_text("Handover signed by both.").wait_for()
    assert incoming.get_by_test_id("expected").inner_text() == "¥130.00"

    # The new drawer is closed at the end of the shift; then the duty manager closes the day.
    incoming.get_by_test_id("close-count-100.00").fill("1")
    incoming.get_by_test_id("close-count-10.00").fill("3")
    incoming.get_by_test_id("close-drawer").click()
    incoming.get_by_test_id("drawer-closed").wait_for()

    manager = new_page(browser, base, language="en", user=world.manager)
    manager.goto(asgi_server.url(f"/cashdesk/halls/{world.hall.code}/money/"))
    assert manager.get_by_test_id("settlement-total").inner_text() == "30.00"
    assert manager.get_by_test_id("settlement-to-bank").inner_text() == "¥130.00"
    manager.get_by_test_id("close-day").click()
    # Closing asks first (issue 10): the confirmation page says what it locks.
    manager.get_by_test_id("confirm-close-day").click()
    manager.get_by_test_id("settlement-closed").wait_for()
    assert selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())
