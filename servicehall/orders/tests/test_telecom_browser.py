"""BT01 in the browser: the clerk picks a pool number (held at once), fills the package and SIM card,
and carries out the opening; no CSP violation on the way."""

from __future__ import annotations

import pytest

from servicehall.customers.models import NumberPoolEntry, Service
from servicehall.orders import services
from servicehall.orders.models import WorkOrder
from testsupport.browser import new_page

from .helpers import create, customer, satisfy_acceptance
from .telecom_helpers import POOL, SIM, fill_pool, load_telecom, telecom_business

pytestmark = pytest.mark.browser


def test_bt01_a_clerk_holds_a_number_fills_the_details_and_opens_it(asgi_server, browser, world):
    load_telecom(world)
    fill_pool(world)
    person = customer(world)
    order = create(world, telecom_business(world, "mobile_open"), person=person)
    clerk = new_page(browser, str(asgi_server), language="en", user=world.clerk)
    violations: list[str] = []
    clerk.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    clerk.goto(asgi_server.url(f"/orders/{order.pk}/"))

    clerk.locator("select[name=number]").select_option(POOL[2])
    clerk.locator(".toasts .flash.success").filter(has_text=f"Number {POOL[2]} is held").wait_for()
    assert NumberPoolEntry.objects.get(hall=world.hall, number=POOL[2]).status == "reserved"

    clerk.locator("select[name=package]").select_option("mobile_59")
    clerk.locator("input[name=sim_number]").fill("1234")
    clerk.get_by_test_id("save-details").click()
    clerk.get_by_test_id("error-sim_number").wait_for()
    clerk.locator("input[name=sim_number]").fill(SIM)
    clerk.get_by_test_id("save-details").click()
    clerk.get_by_test_id("flash").filter(has_text="The business details were saved.").wait_for()

    order = services.order_advance(order=order, to="consultation", actor=world.clerk)
    order = services.order_advance(order=order, to="acceptance", actor=world.clerk)
    satisfy_acceptance(order, world.clerk)
    clerk.reload()
    clerk.get_by_test_id("advance").click()  # pass acceptance
    clerk.locator('[data-testid="order-panel"][data-status="processing"]').wait_for()
    clerk.get_by_test_id("advance").click()  # carry out the business
    clerk.locator('[data-testid="order-panel"][data-status="confirmation"]').wait_for()
    assert "138****0003" in clerk.get_by_test_id("confirm").inner_text()

    service = Service.objects.get(customer=person, kind="mobile")
    assert (service.number, service.package_code, service.sim_number, service.status) == (
        POOL[2],
        "mobile_59",
        SIM,
        "active",
    )
    assert WorkOrder.objects.get(pk=order.pk).service_id == service.pk
    assert violations == []
