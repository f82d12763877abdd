"""PAY01 in the browser: the clerk shows a QR code, the customer pays on the (simulated) phone, and the clerk's
panel turns to "Paid" with the receipt number without a reload. No CSP violation on either page."""

from __future__ import annotations

import pytest

from servicehall.billing.models import Payment
from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from testsupport.browser import new_page

from .helpers import order_at_payment, pay

pytestmark = pytest.mark.browser


def test_pay01_a_qr_payment_completes_on_the_simulated_phone_and_the_clerk_sees_it_live(asgi_server, browser, world):
    base = str(asgi_server)
    order = order_at_payment(world)
    payment, _ = pay(world, order, method="qr", key="browser-qr")
    violations: list[str] = []

    clerk = new_page(browser, base, language="en", user=world.clerk)
    clerk.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    clerk.goto(asgi_server.url(f"/billing/halls/{world.hall.code}/payments/{payment.pk}/qr/"))
    clerk.locator('[data-testid="qr-status"][data-status="pending"] svg').wait_for()
    sim_url = clerk.get_by_test_id("qr-sim-link").get_attribute("href")

    phone = new_page(browser, base, language="en")
    phone.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    phone.goto(asgi_server.url(sim_url))
    assert "¥30.00" in phone.get_by_test_id("qr-sim-amount").inner_text()
    phone.get_by_test_id("qr-sim-pay").click()
    phone.get_by_test_id("qr-sim-done").wait_for()

    # The clerk's panel polls every 2 s: the outcome arrives without a reload.
    clerk.locator('[data-testid="qr-status"][data-status="succeeded"]').wait_for()
    assert "R00000001" in clerk.get_by_test_id("qr-state").inner_text()
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert WorkOrder.objects.get(pk=order.pk).status == OrderStatus.CLOSED
    assert violations == []
