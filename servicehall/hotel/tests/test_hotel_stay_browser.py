"""HOTEL01–04 end to end in the browser (issue 15's proof): the front desk books a walk-in guest for tonight,
gives and inspects the room and checks the guest in with a room card; a towels request logged at the desk is done
by housekeeping on its own screen and the guest's page shows it done with the time taken; the guest, served on a
queue ticket at the desk, checks out by card after the bill is checked, hears the farewell, rates the service on
the counter's pad and answers the stay survey the farewell offers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from servicehall.billing.models import Payment, PaymentPurpose
from servicehall.care.models import Rating, Score, SurveyResponse
from servicehall.care.states import RatingStatus
from servicehall.hotel.models import Departure, GuestRequest, Reservation, Room
from servicehall.hotel.presentation_stay import request_row
from servicehall.hotel.selectors_folio import farewell_phrase
from servicehall.hotel.states import RequestStatus, ReservationStatus
from servicehall.org.roles import Role
from servicehall.queueing import services as queue
from testsupport.browser import new_page, text
from testsupport.customers import make_resident_id
from testsupport.world import make_member

from .conftest import NOW

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
# The guest walks in on Monday afternoon and leaves on Tuesday morning, after sleeping the night the bill shows.
ARRIVING = NOW.replace(hour=14)
LEAVING = (NOW + dt.timedelta(days=1)).replace(hour=10)


@pytest.fixture
def clock():
    """`clock(moment)`: the server's and the test's clock run on from `moment` (time_machine, ticking)."""
    travellers = []

    def at(moment: dt.datetime) -> None:
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield at
    for traveller in reversed(travellers):
        traveller.stop()


def ptext(language: str, context: str, message: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, message)


def ntext(language: str, singular: str, plural: str, count: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {"minutes": count}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_hotel01_04_booking_check_in_towels_check_out_and_rating(asgi_server, browser, hotel, clock, language):
    clock(ARRIVING)
    base = str(asgi_server)
    hall = hotel.hall.code
    keeper = make_member(hotel.hall, Role.HOUSEKEEPING, "keeper_ha")
    desk = new_page(browser, base, language=language, user=hotel.world.clerk, viewport=DESK, enforce_csp=True)

    # HOTEL01: a walk-in guest is booked for tonight (the form starts at today → tomorrow) and sees the code.
    desk.goto(asgi_server.url(f"/hotel/halls/{hall}/"))
    desk.get_by_test_id("hotel-new").click()
    desk.get_by_test_id("hotel-room-type").select_option(str(hotel.king.pk))
    desk.get_by_test_id("hotel-rate-plan").select_option(str(hotel.room_only.pk))
    desk.get_by_test_id("hotel-guest-name").fill("张三")
    desk.get_by_test_id("hotel-phone").fill("13912345678")
    desk.locator("select[name=channel]").select_option("walk_in")
    desk.get_by_test_id("hotel-book").click()
    desk.get_by_test_id("hotel-reservation").wait_for()
    reservation = Reservation.objects.get()
    assert (reservation.channel, reservation.arrival, reservation.nights) == ("walk_in", ARRIVING.date(), 1)
    booked = text(
        language,
        "Reservation %(code)s is booked, %(total)s yuan in all (texted to the guest).",
        code=reservation.code,
        total=str(reservation.total),
    )
    desk.locator(".messages").filter(has_text=booked).wait_for()
    assert desk.get_by_test_id("hotel-total").inner_text() == str(reservation.total)

    # HOTEL02: from the day's arrivals the room is given, inspected, and the guest checked in with a room card.
    desk.goto(asgi_server.url(f"/hotel/halls/{hall}/"))
    desk.get_by_test_id("hotel-arrival").filter(has_text="张三").get_by_role("link", name=reservation.code).click()
    desk.get_by_test_id("assign-802").click()
    desk.get_by_test_id("inspect-802").click()
    desk.get_by_test_id("hotel-check-in-form").wait_for()
    number = make_resident_id()
    desk.get_by_test_id("guest-name-1").fill("张三")
    desk.get_by_test_id("guest-kind-1").select_option("resident_id")
    desk.get_by_test_id("guest-number-1").fill(number)
    desk.get_by_test_id("room-card").fill("RC-802")
    desk.get_by_test_id("hotel-check-in").click()
    welcome = desk.get_by_test_id("hotel-welcome")
    welcome.filter(has_text=text(language, "Room %(room)s · room card %(card)s", room="802", card="RC-802")).wait_for()
    desk.locator(".messages").filter(has_text=text(language, "Checked in. Please welcome the guest.")).wait_for()
    assert number not in desk.content()  # the document number is shown masked only
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_IN
    assert Room.objects.get(hall=hotel.hall, number="802").housekeeping == Room.Housekeeping.OCCUPIED

    # HOTEL03: extra towels logged on the guest's page, done by housekeeping on its list.
    desk.get_by_test_id("stay-request-kind").select_option("towels")
    desk.get_by_test_id("stay-request-note").fill("两条浴巾")
    desk.get_by_test_id("stay-request-log").click()
    desk.get_by_test_id("stay-requests").filter(has_text="两条浴巾").wait_for()
    towels = GuestRequest.objects.get()
    housekeeping = new_page(browser, base, language=language, user=keeper, viewport=DESK, enforce_csp=True)
    housekeeping.goto(asgi_server.url(f"/hotel/halls/{hall}/requests/?department=housekeeping"))
    housekeeping.get_by_test_id(f"request-{towels.pk}").filter(has_text="两条浴巾").wait_for()
    housekeeping.get_by_test_id(f"request-done-{towels.pk}").click()
    housekeeping.get_by_test_id(f"request-done-{towels.pk}").wait_for(state="detached")
    towels.refresh_from_db()
    assert towels.status == RequestStatus.DONE
    desk.reload()
    done = ptext(language, "guest request", "Done")
    desk.get_by_test_id(f"request-status-{towels.pk}").filter(has_text=done).wait_for()
    taken = desk.get_by_test_id(f"request-taken-{towels.pk}").inner_text()
    minutes = request_row(towels, now=towels.done_at)["minutes_taken"]
    assert ntext(language, "%(minutes)s minute", "%(minutes)s minutes", minutes) in taken
    assert desk.get_by_test_id(f"request-done-{towels.pk}").count() == 0

    # HOTEL04 the next morning (a new shift: the clerk signs in again), with the rating: the guest is served on a
    # queue ticket at the clerk's counter, whose rating pad listens.
    clock(LEAVING)
    desk.context.close()
    housekeeping.context.close()
    desk = new_page(browser, base, language=language, user=hotel.world.clerk, viewport=DESK, enforce_csp=True)
    pad = new_page(browser, base, language=language, viewport=DESK, enforce_csp=True)
    pad.goto(asgi_server.url(f"/care/halls/{hall}/counters/1/rate/?voice=off"))
    pad.get_by_test_id("rating-pad").wait_for()
    pad.locator('html[data-feed="live"]').wait_for(state="attached")
    ticket = asgi_server.run(queue.ticket_issue, hall=hotel.hall, category=hotel.world.a)
    workbench = desk.context.new_page()
    workbench.goto(asgi_server.url(f"/halls/{hall}/workbench/"))
    workbench.get_by_test_id("take-counter-1").click()
    workbench.get_by_test_id("call-next").click()
    workbench.get_by_test_id("action-start").click()
    workbench.get_by_test_id("action-finish").wait_for()

    # The bill is checked with the guest: the night slept at the quoted price, the total, nothing paid yet.
    desk.goto(asgi_server.url(f"/hotel/halls/{hall}/departures/"))
    desk.get_by_test_id("departure-folio").filter(has_text=reservation.code).click()
    desk.get_by_test_id("hotel-folio").wait_for()
    total = str(reservation.total)
    assert desk.get_by_test_id("folio-line-pending").count() == reservation.nights == 1
    assert total in desk.get_by_test_id("folio-line-pending").inner_text()
    assert text(language, "Room night") in desk.get_by_test_id("folio-line-pending").inner_text()
    assert desk.get_by_test_id("folio-total").inner_text() == total
    assert desk.get_by_test_id("folio-balance").inner_text() == total
    checkout = desk.get_by_test_id("folio-check-out-form")
    checkout.locator("input[name=method][value=card]").check()
    checkout.locator("input[name=pos_reference]").fill("POS556677")
    desk.get_by_test_id("folio-check-out").click()

    # The farewell: the pack's phrase, the thank-you, and the survey offered for the ticket served.
    desk.get_by_test_id("farewell-phrase").wait_for()
    with translation.override(language):
        assert desk.get_by_test_id("farewell-phrase").inner_text() == farewell_phrase(hall=hotel.hall)
    assert desk.get_by_test_id("farewell-thanks").inner_text() == text(
        language, "A thank-you message was texted to the guest."
    )
    desk.get_by_test_id("farewell-survey").wait_for()
    assert Departure.objects.get(reservation=reservation).ticket_id == ticket.pk
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_OUT
    assert Room.objects.get(hall=hotel.hall, number="802").housekeeping == Room.Housekeeping.VACANT_DIRTY
    payment = Payment.objects.get(purpose=PaymentPurpose.HOTEL_FOLIO)
    assert str(payment.amount) == total

    # The counter's pad asks the guest at check-out; the guest presses 非常满意.
    pad.get_by_test_id("pad-question").wait_for()
    assert pad.get_by_test_id("pad-question").inner_text() == text(language, "Please rate my service")
    pad.get_by_test_id(f"pad-key-{Score.VERY_SATISFIED}").click()
    pad.get_by_test_id("pad-answer").filter(has_text=text(language, "Thank you for your rating!")).wait_for()
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.status, rating.score) == (RatingStatus.RATED, Score.VERY_SATISFIED)

    # The clerk finishes the ticket; the survey link of the farewell now takes the guest's answers.
    workbench.get_by_test_id("finish-outcome").select_option("completed")
    workbench.get_by_test_id("action-finish").click()
    workbench.get_by_test_id("call-next").wait_for()
    with desk.expect_popup() as opened:
        desk.get_by_test_id("farewell-survey").get_by_role("link").click()
    survey = opened.value
    survey.get_by_test_id("ticket-survey").filter(has_text=ticket.number).wait_for()
    survey.get_by_test_id("survey-overall-5").check()
    survey.get_by_test_id("survey-front_desk-5").check()
    survey.get_by_test_id("survey-room-4").check()
    survey.get_by_test_id("survey-comment").fill("毛巾送得很快")
    survey.get_by_test_id("survey-send").click()
    thanks = text(language, "Thank you! Your answers help us serve you better.")
    survey.get_by_test_id("survey-done").filter(has_text=thanks).wait_for()
    response = SurveyResponse.objects.get(ticket=ticket)
    answers = {a.question.code: (a.score, a.text) for a in response.answers.select_related("question")}
    assert answers == {"overall": (5, ""), "front_desk": (5, ""), "room": (4, ""), "comment": (None, "毛巾送得很快")}
    assert response.template.code == "stay"
