"""APT02 in the browser: a booked customer checks in at the kiosk with the on-screen keys, gets a number ahead
of the walk-in who came before, and the clerk who calls it sees the booked business and its documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from servicehall.appointments.models import Booking
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import TicketKind
from testsupport.browser import new_page, text

pytestmark = pytest.mark.browser

KIOSK = {"width": 1366, "height": 768}


def _booking_due_now(world, business) -> Booking:
    """A booking starting in ten minutes (made earlier, as the customer did): its check-in window is open."""
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=10)
    return Booking.objects.create(
        hall=world.hall,
        type=business,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=30),
        name="张三",
        phone="13912345678",
        code="KQ7M3HXP",
        channel=Booking.Channel.PUBLIC,
        notes="带旧卡",
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_apt02_check_in_at_the_kiosk_then_called_before_the_earlier_walk_in(
    asgi_server, browser, world, business, language
):
    world.b.documents = [{"code": "id", "name_zh": "身份证", "name_en": "ID card"}]
    world.b.save()
    booking = _booking_due_now(world, business)
    walk_in = asgi_server.run(queue_services.ticket_issue, hall=world.hall, category=world.b)

    kiosk = new_page(browser, str(asgi_server), language=language, viewport=KIOSK)
    kiosk.goto(asgi_server.url(f"/halls/{world.hall.code}/kiosk/"))
    kiosk.get_by_test_id("kiosk-check-in").click()
    kiosk.get_by_test_id("check-in-entry").wait_for()
    for key in booking.code[:4]:  # the on-screen keys, then the rest as the scanner types it
        kiosk.locator(f'[data-keys] button[data-key="{key}"]').click()
    kiosk.get_by_test_id("check-in-entry").press_sequentially(booking.code[4:].lower())
    assert kiosk.get_by_test_id("check-in-entry").input_value().upper() == booking.code
    kiosk.get_by_test_id("check-in-submit").click()
    kiosk.get_by_test_id("checked-in").wait_for()
    booking.refresh_from_db()
    number = booking.ticket.number
    assert booking.ticket.kind == TicketKind.APPOINTMENT
    assert kiosk.get_by_test_id("checked-in-number").inner_text() == number
    time = booking.starts_at.astimezone(world.hall.tz).strftime("%H:%M")
    with translation.override(language):
        what = business.display_name
    assert kiosk.get_by_test_id("checked-in-message").inner_text() == text(
        language,
        "Checked in for %(business)s at %(time)s. You will be called before customers without a booking.",
        business=what,
        time=time,
    )
    assert "张三" not in kiosk.content() and "13912345678" not in kiosk.content()

    # Back (a second press of the browser's back button sends the form again): the same number, no second one.
    kiosk.go_back()
    kiosk.get_by_test_id("check-in-submit").wait_for()
    kiosk.get_by_test_id("check-in-entry").fill(booking.code)
    kiosk.get_by_test_id("check-in-submit").click()
    kiosk.get_by_test_id("checked-in-number").filter(has_text=number).wait_for()
    assert Booking.objects.get(pk=booking.pk).ticket.number == number

    clerk = new_page(browser, str(asgi_server), language=language, user=world.clerk2)
    clerk.goto(asgi_server.url(f"/halls/{world.hall.code}/workbench/"))
    clerk.get_by_test_id("take-counter-2").click()
    clerk.get_by_test_id("call-next").click()
    clerk.get_by_test_id("current-number").filter(has_text=number).wait_for()
    note = clerk.get_by_test_id("booking-note").inner_text()
    assert text(language, "Booked %(business)s at %(time)s", business=what, time=time) in note
    assert ("ID card" if language == "en" else "身份证") in note
    assert "带旧卡" in note
    assert walk_in.number not in clerk.get_by_test_id("current-number").inner_text()
