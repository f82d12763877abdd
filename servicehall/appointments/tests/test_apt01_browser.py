"""APT01 in the browser: a customer books on a phone-sized page with the code the hall's outbox shows."""

from __future__ import annotations

import re

import pytest

from servicehall.appointments.models import Booking
from testsupport.browser import new_page

pytestmark = pytest.mark.browser

PHONE_SIZE = {"width": 390, "height": 844}


def test_apt01_a_customer_books_on_a_phone_with_the_code_from_the_outbox(asgi_server, browser, world, business):
    world.hall.address = "世纪大道100号"
    world.hall.save()
    phone = new_page(browser, str(asgi_server), viewport=PHONE_SIZE)
    phone.goto(asgi_server.url(f"/appointments/h/{world.hall.code}/book/"))
    days = phone.get_by_test_id("apt-days").locator("a")
    days.nth(1).click()  # the next open day: every slot of it is still ahead
    phone.get_by_test_id("apt-slots").locator("label:not(.is-full)").first.click()
    phone.get_by_test_id("apt-name").fill("张三")
    phone.get_by_test_id("apt-phone").fill("13912345678")
    phone.get_by_test_id("apt-send-code").click()
    phone.get_by_test_id("apt-check").wait_for()
    assert "139****5678" in phone.get_by_test_id("apt-check").inner_text()

    manager = new_page(browser, str(asgi_server), user=world.manager)
    manager.goto(asgi_server.url(f"/halls/{world.hall.code}/outbox/"))
    row = manager.get_by_test_id("outbox-row").first
    assert "139****5678" in row.inner_text() and "13912345678" not in manager.content()
    code = re.search(r"\d{6}", row.get_by_test_id("outbox-text").inner_text()).group(0)

    phone.get_by_test_id("apt-code").fill(code)
    phone.get_by_test_id("apt-confirm").click()
    phone.get_by_test_id("apt-booked").wait_for()
    booking = Booking.objects.get()
    assert phone.get_by_test_id("apt-booking-code").inner_text() == booking.code
    assert phone.get_by_test_id("apt-qr").locator("svg").is_visible()
    assert phone.get_by_test_id("apt-address").inner_text() == "世纪大道100号"
    starts = booking.starts_at.astimezone(world.hall.tz).strftime("%Y-%m-%d %H:%M")
    assert phone.get_by_test_id("apt-time").inner_text().startswith(starts)
    # Phone-sized: nothing runs off the side of the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]
