"""The customers pages in a real browser under the strict Content-Security-Policy (ACC02, PRIV01).

A clerk serving a ticket reads a new customer's ID card (the reader types the
number and Enter), finds nobody, registers the customer (a mistyped number is
refused with its reason first), shows the phone in full giving a reason, then
finds the customer again by card. A 10-inch tablet's viewport; screenshots go
to /tmp/shots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from servicehall.customers.models import Customer, PersonalDataAccess
from servicehall.queueing import services as queue_services
from testsupport.browser import new_page
from testsupport.customers import make_resident_id

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots for people to look at
TABLET = {"width": 1280, "height": 800}


def test_acc02_priv01_clerk_finds_registers_and_reveals_with_a_card_reader(asgi_server, browser, world):
    ticket = asgi_server.run(queue_services.ticket_issue, hall=world.hall, category=world.b)
    number = make_resident_id(region="310104", sequence=57)
    violations: list[str] = []
    page = new_page(browser, str(asgi_server), language="en", user=world.clerk, viewport=TABLET, enforce_csp=True)
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.goto(asgi_server.url(f"/customers/?hall={world.hall.code}&ticket={ticket.pk}"))
    page.get_by_test_id("serving-ticket").filter(has_text=ticket.number).wait_for()

    # The card reader types the number and Enter into the focused box.
    box = page.get_by_test_id("search-box")
    page.keyboard.type(number.lower())
    page.keyboard.press("Enter")
    page.get_by_test_id("results").filter(has_text="No customer found.").wait_for()
    assert box.input_value() == ""  # ready for the next card
    assert number not in page.content()

    page.get_by_test_id("new-customer").click()
    page.get_by_label("Name", exact=True).fill("王小明")
    page.get_by_test_id("document-number").fill(number[:17] + ("0" if number[17] != "0" else "1"))
    page.get_by_label("Phone").fill("139 0000 0001")
    page.get_by_label("Province, city, district").fill("上海市徐汇区")
    page.get_by_label("Street address").fill("漕溪北路88号")
    page.get_by_test_id("create-button").click()
    page.get_by_test_id("error-document_number").filter(has_text="The last character does not match").wait_for()
    assert not Customer.objects.exists()
    page.get_by_test_id("document-number").fill(number)
    page.get_by_test_id("create-button").click()
    page.get_by_test_id("customer-name").filter(has_text="王小明").wait_for()
    page.get_by_test_id("serving-ticket").wait_for()  # the ticket came along
    assert "139****0001" in page.get_by_test_id("customer-card").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "customers-detail.png"), full_page=True)

    page.get_by_test_id("reveal-customer-phone").click()
    page.get_by_test_id("reason-customer-phone").fill("The customer asked to check it")
    page.get_by_test_id("reveal-submit-customer-phone").click()
    page.get_by_test_id("revealed-value").filter(has_text="13900000001").wait_for()
    access = PersonalDataAccess.objects.get()
    assert (access.actor_id, access.field) == (world.clerk.pk, "phone")
    page.screenshot(path=str(SHOTS / "customers-revealed.png"), full_page=True)

    page.goto(asgi_server.url(f"/customers/?hall={world.hall.code}"))
    # The card reader types into the focused box: wait until the page has focused it.
    page.wait_for_function("document.activeElement && document.activeElement.dataset.testid === 'search-box'")
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.get_by_test_id("customer-name").filter(has_text="王小明").wait_for()
    assert violations == []
