"""Issue 4's day of money in a real browser (PAY01, PAY02, PAY03, CASH01, CASH03, CASH04).

A clerk opens her drawer by denomination, takes an order's fees in cash with change and prints the
receipt, takes a second order by QR (paid on the simulated phone), issues an invoice for the first
payment, hands the drawer over to a second clerk who signs with his own login and closes it, and the
duty manager closes the day: the settlement matches what happened.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicehall.billing.models import Payment, PaymentStatus
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.invoicing.models import Invoice
from servicehall.orders import services as order_services
from servicehall.orders.tests.helpers import business, processed
from testsupport.browser import new_page
from testsupport.world import build_world

pytestmark = pytest.mark.browser


def _order_at_payment(world, code: str, fee: str):
    order = processed(world, business(world, code, standard_fee=Decimal(fee)))
    order_services.order_confirm(order=order, actor=world.clerk, method="clerk_tick")
    return order


def _csp_watch(page, violations: list[str]) -> None:
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)


def test_pay01_cash04_a_day_of_money_from_drawer_to_settlement(asgi_server, browser):
    world = build_world("ha")
    base = str(asgi_server)
    hall = world.hall.code
    cash_order = _order_at_payment(world, "fee_cash", "30.00")
    qr_order = _order_at_payment(world, "fee_qr", "45.50")
    violations: list[str] = []

    clerk = new_page(browser, base, language="en", user=world.clerk)
    _csp_watch(clerk, violations)
    # CASH01: the drawer opens with a float of 200 yuan counted by denomination.
    clerk.goto(asgi_server.url(f"/cashdesk/halls/{hall}/drawer/"))
    clerk.get_by_test_id("open-count-100.00").fill("1")
    clerk.get_by_test_id("open-count-10.00").fill("10")
    clerk.get_by_test_id("open-drawer").click()
    assert clerk.get_by_test_id("expected").inner_text() == "¥200.00"

    # PAY01: cash with change; the keypad adds notes and the change shows before the press.
    clerk.goto(asgi_server.url(f"/orders/{cash_order.pk}/"))
    assert clerk.get_by_test_id("amount-due").inner_text() == "¥30.00"
    clerk.locator('[data-tender="50"]').click()
    clerk.locator('[data-tender="50"]').click()
    assert clerk.get_by_test_id("change-preview").inner_text() == "Change ¥70.00"
    clerk.get_by_test_id("pay").click()
    clerk.get_by_test_id("flash").filter(has_text="Paid, receipt R00000001").wait_for()
    assert "70" in clerk.get_by_test_id("flash").inner_text()

    # PAY02: the receipt slip says what was handed over and what went back.
    with clerk.context.expect_page() as receipt_tab:
        clerk.get_by_test_id("print-receipt").click()
    receipt = receipt_tab.value
    receipt.wait_for_load_state()
    slip = receipt.locator("body").inner_text()
    assert "R00000001" in slip and "100.00" in slip and "70.00" in slip
    receipt.close()

    # PAY01: a QR payment, confirmed on the customer's (simulated) phone; the order page follows.
    clerk.goto(asgi_server.url(f"/orders/{qr_order.pk}/"))
    clerk.get_by_test_id("method-qr").check()
    clerk.get_by_test_id("pay").click()
    clerk.locator('[data-testid="qr-status"][data-status="pending"] svg').wait_for()
    phone = new_page(browser, base, language="en")
    phone.goto(asgi_server.url(clerk.get_by_test_id("qr-sim-link").get_attribute("href")))
    phone.get_by_test_id("qr-sim-pay").click()
    phone.get_by_test_id("qr-sim-done").wait_for()
    clerk.locator('[data-testid="order-panel"]:not([data-status="payment"])').wait_for()
    assert Payment.objects.get(order=qr_order).status == PaymentStatus.SUCCEEDED

    # PAY03: an invoice for the cash payment, issued from the order's payments.
    clerk.goto(asgi_server.url(f"/orders/{cash_order.pk}/"))
    clerk.get_by_test_id("request-invoice").click()
    clerk.get_by_label("Buyer title").fill("张三")
    clerk.get_by_role("button", name="Issue the invoice").click()
    invoice = Invoice.objects.get()
    clerk.get_by_text(invoice.number).first.wait_for()
    assert invoice.total == Decimal("30.00")

    # CASH03: the drawer (200 + 100 in − 70 change = 230) goes to the second clerk; both sign.
    clerk.goto(asgi_server.url(f"/cashdesk/halls/{hall}/drawer/"))
    assert clerk.get_by_test_id("expected").inner_text() == "¥230.00"
    clerk.get_by_test_id("handover-incoming").select_option(str(world.clerk2.pk))
    clerk.get_by_test_id("handover-count-100.00").fill("2")
    clerk.get_by_test_id("handover-count-10.00").fill("3")
    clerk.get_by_test_id("start-handover").click()
    clerk.get_by_test_id("my-handover").wait_for()

    second = new_page(browser, base, language="en", user=world.clerk2)
    _csp_watch(second, violations)
    second.goto(asgi_server.url(f"/cashdesk/halls/{hall}/drawer/"))
    handover = cashdesk_selectors.handovers_pending_for(hall=world.hall, user=world.clerk2).get()
    card = second.get_by_test_id(f"handover-to-sign-{handover.pk}")
    card.get_by_test_id("sign-count-100.00").fill("2")
    card.get_by_test_id("sign-count-10.00").fill("3")
    card.get_by_test_id("sign-handover").click()
    second.get_by_text("Handover signed by both.").wait_for()
    second.get_by_test_id("close-count-100.00").fill("2")
    second.get_by_test_id("close-count-10.00").fill("3")
    second.get_by_test_id("close-drawer").click()
    second.get_by_test_id("drawer-closed").wait_for()

    # CASH04: the duty manager's settlement shows what happened, then the day is closed.
    manager = new_page(browser, base, language="en", user=world.manager)
    _csp_watch(manager, violations)
    manager.goto(asgi_server.url(f"/cashdesk/halls/{hall}/money/"))
    assert manager.get_by_test_id("settlement-total").inner_text() == "75.50"
    assert manager.get_by_test_id("settlement-to-bank").inner_text() == "¥230.00"
    manager.get_by_test_id("close-day").click()
    # Closing asks first (issue 10): the confirmation page says what it locks.
    manager.get_by_test_id("confirm-close-day").click()
    manager.get_by_test_id("settlement-closed").wait_for()
    assert cashdesk_selectors.day_is_closed(hall=world.hall, day=world.hall.local_date())
    assert violations == []
