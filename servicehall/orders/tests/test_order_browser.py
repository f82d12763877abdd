"""ACC04 + ACC05 in the browser: the duty manager approves in a second browser, the clerk sees it live,
carries out the business and the customer signs on the pad. Also: no CSP violation on the order page."""

from __future__ import annotations

import pytest

from servicehall.orders.models import Confirmation, WorkOrder
from servicehall.orders.states import OrderStatus
from testsupport.browser import new_page

from .helpers import business, create, customer, through_acceptance

pytestmark = pytest.mark.browser
S = OrderStatus


def test_acc04_acc05_review_in_a_second_browser_then_signature_on_the_pad(asgi_server, browser, world):
    base = str(asgi_server)
    order = through_acceptance(
        create(world, business(world, "gas_card_replace", review_required=True), person=customer(world)), world.clerk
    )
    clerk = new_page(browser, base, language="en", user=world.clerk)
    violations: list[str] = []
    clerk.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    clerk.goto(asgi_server.url(f"/orders/{order.pk}/"))
    clerk.get_by_test_id("review-status").wait_for()
    assert "Waiting for the duty manager" in clerk.get_by_test_id("review-status").inner_text()

    manager = new_page(browser, base, language="en", user=world.manager)
    manager.goto(asgi_server.url(f"/orders/halls/{world.hall.code}/review/"))
    manager.get_by_test_id(f"approve-{order.number}").click()
    manager.get_by_test_id("flash").filter(has_text=f"Order {order.number} approved.").wait_for()

    # The clerk's page polls: the decision arrives without a reload.
    clerk.locator('[data-testid="order-panel"][data-status="processing"]').wait_for()
    clerk.get_by_test_id("advance").click()
    clerk.locator('[data-testid="order-panel"][data-status="confirmation"]').wait_for()
    pad = clerk.locator("[data-signature-pad]")
    box = pad.bounding_box()
    assert box is not None
    clerk.mouse.move(box["x"] + 20, box["y"] + 30)
    clerk.mouse.down()
    for step in range(1, 10):
        clerk.mouse.move(box["x"] + 20 + step * 25, box["y"] + 30 + (step % 3) * 15)
    clerk.mouse.up()
    clerk.get_by_test_id("confirm-signature").click()
    clerk.locator('[data-testid="order-panel"][data-status="closed"]').wait_for()

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == S.CLOSED
    signature = Confirmation.objects.get(order=order).signature
    assert signature.startswith("M") and " L" in signature
    assert violations == []
