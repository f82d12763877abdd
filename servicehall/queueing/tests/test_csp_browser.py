"""Every screen works under the strict Content-Security-Policy (no inline code, nothing foreign).

Pages here enforce the policy, so the test uses locators only (Playwright's own
string evaluation would itself be a violation).
"""

from __future__ import annotations

import pytest

from servicehall.queueing import services
from testsupport.browser import new_page
from testsupport.world import UserFactory

pytestmark = pytest.mark.browser


def test_priv_screens_run_under_the_content_security_policy_without_violations(asgi_server, browser, world):
    base = str(asgi_server)
    hall = world.hall.code
    ticket = asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    violations: list[str] = []

    def visit(path: str, user=None, ready: str = "body"):
        page = new_page(browser, base, user=user, enforce_csp=True)
        page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(f"{path}: {m.text}"))
        page.goto(asgi_server.url(path))
        page.locator(ready).first.wait_for()
        page.wait_for_timeout(300)
        return page

    assert visit("/").title()
    kiosk = visit(f"/halls/{hall}/kiosk/", ready="[data-testid=category-A]")
    kiosk.get_by_test_id("category-B").click()
    kiosk.get_by_test_id("slip").wait_for()
    board = visit(f"/halls/{hall}/board/?voice=off", ready="[data-testid=connection]")
    board.get_by_test_id("connection").filter(has_text="实时").wait_for()  # the websocket connected
    visit(f"/t/{ticket.pk}/", ready="[data-testid=track-status]")
    clerk = visit(f"/halls/{hall}/workbench/", user=world.clerk, ready="[data-testid=take-counter-1]")
    clerk.get_by_test_id("take-counter-1").click()
    clerk.get_by_test_id("call-next").click()
    clerk.get_by_test_id("current-number").filter(has_text="A001").wait_for()
    board.get_by_test_id("counter-1-number").filter(has_text="A001").wait_for()
    visit(f"/halls/{hall}/guide/", user=world.guide)
    visit(f"/halls/{hall}/manager/", user=world.manager)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    visit("/admin/", user=admin, ready="#content")
    visit("/admin/queueing/ticket/", user=admin, ready="#result_list")
    visit(f"/admin/org/hall/{world.hall.pk}/change/", user=admin, ready="form")
    assert violations == []
