"""HOTEL04 in the browser: the clerk opens the guest's bill from the departures, posts the minibar, the bill shows
it; the guest pays by card and is checked out; the farewell shows the pack's phrase, the stay's rating link (no
ticket needed) and the room is dirty; the guest asks for an invoice: the clerk types the company and its tax
number and the invoice is issued once, for what was paid."""

from __future__ import annotations

import pytest
from django.utils import translation

from servicehall.billing.models import Payment, PaymentPurpose
from servicehall.hotel.models import Reservation, Room
from servicehall.hotel.selectors_folio import farewell_phrase
from servicehall.invoicing.models import Invoice
from testsupport.browser import new_page
from testsupport.customers import make_uscc

from .test_hotel04_folio import in_house

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_hotel04_check_out_with_the_bill_and_the_farewell(asgi_server, browser, hotel, language):
    reservation = in_house(hotel, nights=1)
    page = new_page(browser, str(asgi_server), language=language, user=hotel.world.clerk, enforce_csp=True)
    page.goto(asgi_server.url(f"/hotel/halls/{hotel.hall.code}/departures/?day={reservation.departure.isoformat()}"))
    page.get_by_test_id("departure-folio").filter(has_text=reservation.code).click()
    page.get_by_test_id("hotel-folio").wait_for()
    form = page.get_by_test_id("folio-charge-form")
    form.locator("select[name=kind]").select_option("minibar")
    form.locator("input[name=description]").fill("可乐 Cola")
    form.locator("input[name=unit_price]").fill("15.00")
    form.locator("input[name=quantity]").fill("2")
    page.get_by_test_id("folio-charge-submit").click()
    page.get_by_test_id("folio-line").filter(has_text="可乐 Cola").filter(has_text="30.00").wait_for()
    checkout = page.get_by_test_id("folio-check-out-form")
    checkout.locator("input[name=method][value=card]").check()
    checkout.locator("input[name=pos_reference]").fill("POS556677")
    page.get_by_test_id("folio-check-out").click()
    page.get_by_test_id("farewell-phrase").wait_for()
    with_phrase = page.get_by_test_id("farewell-phrase").inner_text()
    with translation.override(language):
        assert with_phrase == farewell_phrase(hall=hotel.hall)
    assert Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO).count() == 1
    assert Reservation.objects.get(pk=reservation.pk).status == "checked_out"
    assert Room.objects.get(pk=reservation.room_id).housekeeping == Room.Housekeeping.VACANT_DIRTY
    page.get_by_test_id("farewell-stay-rating-link").wait_for()
    invoice = page.get_by_test_id("hotel-invoice-form")
    invoice.locator("input[name=buyer_kind][value=enterprise]").check()
    invoice.locator("input[name=buyer_title]").fill("上海示范科技有限公司")
    invoice.locator("input[name=tax_number]").fill(make_uscc(serial=11))
    page.get_by_test_id("invoice-submit").click()
    page.get_by_test_id("hotel-invoice-number").wait_for()
    issued = Invoice.objects.get()
    assert page.get_by_test_id("hotel-invoice-number").inner_text() == issued.number
    assert issued.total == Payment.objects.get().amount and issued.customer is None
