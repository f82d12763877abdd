"""HOTEL03 in the browser: the front desk logs a guest's request from the in-house guest's page; housekeeping's
request list shows it at once (pushed over the hall's feed), housekeeping does it; on the board a dirty room is
marked cleaned."""

from __future__ import annotations

import pytest

from servicehall.hotel.models import GuestRequest, Room
from servicehall.org.roles import Role
from testsupport.browser import new_page
from testsupport.world import make_member

from .stay_helpers import in_house

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_hotel03_a_request_logged_at_the_front_desk_reaches_housekeeping_live(asgi_server, browser, hotel, language):
    base = str(asgi_server)
    hall = hotel.hall.code
    stay = in_house(hotel, "801")
    Room.objects.filter(hall=hotel.hall, number="802").update(housekeeping=Room.Housekeeping.VACANT_DIRTY)
    keeper = make_member(hotel.hall, Role.HOUSEKEEPING, "keeper_ha")
    tablet = {"width": 1024, "height": 768}

    housekeeping = new_page(browser, base, language=language, user=keeper, viewport=tablet, enforce_csp=True)
    housekeeping.goto(asgi_server.url(f"/hotel/halls/{hall}/requests/?department=housekeeping"))
    housekeeping.get_by_test_id("stay-request-list").wait_for()

    desk = new_page(browser, base, language=language, user=hotel.world.clerk, viewport=tablet)
    desk.goto(asgi_server.url(f"/hotel/halls/{hall}/r/{stay.pk}/"))
    desk.get_by_test_id("stay-request-kind").select_option("towels")
    desk.get_by_test_id("stay-request-note").fill("两条浴巾")
    desk.get_by_test_id("stay-request-log").click()
    desk.get_by_test_id("stay-requests").wait_for()
    request = GuestRequest.objects.get()

    # Pushed over the hall's feed: well before the list's own one-minute refresh.
    housekeeping.get_by_test_id(f"request-{request.pk}").filter(has_text="两条浴巾").wait_for(timeout=15_000)
    housekeeping.get_by_test_id(f"request-done-{request.pk}").click()
    housekeeping.get_by_test_id(f"request-status-{request.pk}").wait_for()
    assert GuestRequest.objects.get().status == "done"
    desk.reload()
    desk.locator(f'[data-testid="request-status-{request.pk}"]').wait_for()
    assert not desk.get_by_test_id(f"request-done-{request.pk}").count()

    housekeeping.goto(asgi_server.url(f"/hotel/halls/{hall}/housekeeping/"))
    housekeeping.get_by_test_id("clean-802").click()
    housekeeping.locator('[data-testid="room-802"][data-state="vacant_clean"]').wait_for()
    assert Room.objects.get(hall=hotel.hall, number="802").housekeeping == Room.Housekeeping.VACANT_CLEAN
