"""HOTEL01/HOTEL04 in the browser: the clerk changes a booking on the reservation's page and sees it priced again;
on a bill the deposit asked is taken once by card and no longer offered. English: the new strings' Chinese is
compiled by the coordinator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from servicehall.billing.models import Payment, PaymentPurpose
from servicehall.hotel.models import Reservation
from testsupport.browser import new_page

from .conftest import TODAY
from .test_hotel01_reservations import reserve
from .test_hotel04_folio import in_house

pytestmark = pytest.mark.browser


def test_hotel01_the_clerk_changes_a_booking_and_sees_it_priced_again(asgi_server, browser, hotel):
    arrival = TODAY + dt.timedelta(days=3)
    booked = reserve(hotel, arrival=arrival, nights=2, guests=1)
    page = new_page(browser, str(asgi_server), language="en", user=hotel.world.clerk, enforce_csp=True)
    page.goto(asgi_server.url(f"/hotel/halls/{hotel.hall.code}/r/{booked.pk}/"))
    form = page.get_by_test_id("hotel-change-form")
    form.get_by_test_id("change-departure").fill((arrival + dt.timedelta(days=1)).isoformat())
    form.get_by_test_id("change-rate-plan").select_option(str(hotel.breakfast.pk))
    page.get_by_test_id("hotel-change-submit").click()
    page.get_by_text("is changed: 466.00 yuan in all").wait_for()
    assert page.get_by_test_id("hotel-total").inner_text() == "466.00"
    assert Reservation.objects.get(pk=booked.pk).total == Decimal("466.00")


def test_hotel04_the_deposit_asked_is_taken_once_on_the_bill(asgi_server, browser, hotel):
    reservation = in_house(hotel, nights=1, deposit="300.00")
    page = new_page(browser, str(asgi_server), language="en", user=hotel.world.clerk, enforce_csp=True)
    page.goto(asgi_server.url(f"/hotel/halls/{hotel.hall.code}/r/{reservation.pk}/folio/"))
    assert page.get_by_test_id("folio-deposit-asked").inner_text() == "300.00"
    assert page.get_by_test_id("folio-deposit").inner_text() == "0.00"
    form = page.get_by_test_id("folio-deposit-form")
    form.locator("input[name=method][value=card]").check()
    form.locator("input[name=pos_reference]").fill("POS112233")
    page.get_by_test_id("folio-deposit-submit").click()
    page.get_by_text("Deposit taken: 300.00 yuan.").wait_for()
    assert page.get_by_test_id("folio-deposit").inner_text() == "300.00"
    assert page.get_by_test_id("folio-deposit-form").count() == 0
    assert Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO, reference__endswith=":deposit").count() == 1
