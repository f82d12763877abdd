"""PAY01/PAY02 in the browser: a customer with two orders at the payment step pays both at once; the clerk
ticks the second order, the amount due becomes the sum, one cash tender gives the change, and one receipt
lists both orders."""

from __future__ import annotations

import pytest

from servicehall.orders.models import WorkOrder
from servicehall.orders.states import OrderStatus
from servicehall.orders.tests.helpers import customer
from testsupport.browser import new_page

from .helpers import order_at_payment

pytestmark = pytest.mark.browser


def test_pay01_pay02_two_orders_paid_with_one_tender_in_the_browser(asgi_server, browser, world):
    person = customer(world)
    first = order_at_payment(world, person=person)
    second = order_at_payment(world, fee="45.00", code="fee45", person=person)
    violations: list[str] = []
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk)
    clerk.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)

    clerk.goto(asgi_server.url(f"/orders/{first.pk}/"))
    assert clerk.get_by_test_id("amount-due").inner_text() == "¥30.00"
    clerk.get_by_test_id(f"with-{second.number}").check()
    # Ticking reloads the box with the sum due; the keypad's change follows it.
    clerk.locator('[data-testid="amount-due"]', has_text="¥75.00").wait_for()
    clerk.locator('[data-tender="100"]').click()
    assert clerk.get_by_test_id("change-preview").inner_text() == "Change ¥25.00"
    clerk.get_by_test_id("pay").click()
    clerk.get_by_test_id("flash").filter(has_text="Paid, receipt R00000001").wait_for()

    with clerk.context.expect_page() as receipt_tab:
        clerk.get_by_test_id("print-receipt").first.click()
    receipt = receipt_tab.value
    receipt.wait_for_load_state()
    slip = receipt.locator("body").inner_text()
    assert first.number in slip and second.number in slip and "75.00" in slip and "25.00" in slip
    receipt.close()

    clerk.goto(asgi_server.url(f"/orders/{second.pk}/"))
    assert clerk.get_by_test_id("payment-box").count() == 0
    assert "R00000001" in clerk.locator("body").inner_text()
    for order in (first, second):
        assert WorkOrder.objects.get(pk=order.pk).status != OrderStatus.PAYMENT
    assert violations == []
