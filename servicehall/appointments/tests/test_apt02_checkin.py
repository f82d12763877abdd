"""Check-in with a booking (APT02): the window, the queue's order, late arrivals, no-shows, the kiosk's pages,
the workbench's note and a double check-in under concurrency."""

import contextlib
import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from servicehall.appointments import checkin, services
from servicehall.appointments.checkin import booking_check_in, bookings_mark_no_shows, parse_check_in_input
from servicehall.appointments.models import AppointmentType, Booking
from servicehall.appointments.states import BookingStatus
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.queueing import services as queue_services
from servicehall.queueing.models import Ticket, TicketChannel, TicketKind

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

MONDAY = NOW.date()
PHONE = "13912345678"


def book(appointment_type, hour=10, minute=30, *, phone=PHONE, notes=""):
    return services.booking_create(
        appointment_type=appointment_type,
        starts_at=at(MONDAY, hour, minute),
        name="Zhang San",
        phone=phone,
        channel=Booking.Channel.PUBLIC,
        notes=notes,
        now=NOW,
    )


def check_in(world, booking):
    return booking_check_in(hall=world.hall, booking=booking)


def test_apt02_check_in_within_the_window_gives_an_appointment_ticket_of_the_booked_category(world, business):
    booking = book(business)
    with time_machine.travel(at(MONDAY, 10, 0), tick=False):  # 30 minutes before: the window opens
        result = check_in(world, booking)
    booking.refresh_from_db()
    ticket = result.ticket
    assert booking.status == BookingStatus.CHECKED_IN and booking.ticket == ticket
    assert booking.checked_in_at == at(MONDAY, 10, 0)
    assert (ticket.category, ticket.kind, ticket.channel) == (
        world.b,
        TicketKind.APPOINTMENT,
        TicketChannel.APPOINTMENT,
    )
    assert ticket.number.startswith(world.b.prefix) and ticket.phone == PHONE
    assert not result.late and not result.again
    assert list(booking.moves.values_list("to_status", flat=True)) == ["booked", "checked_in"]


def test_apt02_a_checked_in_customer_passes_walk_ins_but_not_the_green_channel(world, business):
    booking = book(business)
    with time_machine.travel(at(MONDAY, 10, 5), tick=False) as clock:
        walk_in = queue_services.ticket_issue(hall=world.hall, category=world.b)
        clock.shift(dt.timedelta(minutes=5))
        appointment = check_in(world, booking).ticket
        clock.shift(dt.timedelta(minutes=1))
        green = queue_services.ticket_issue(hall=world.hall, category=world.b, kind=TicketKind.GREEN)
        called = []
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=1))
            ticket = queue_services.ticket_call_next(counter=world.counter2, staff=world.clerk2)
            called.append(ticket)
            queue_services.ticket_no_show(ticket=ticket, staff=world.clerk2)
    assert called == [green, appointment, walk_in]


def test_apt02_too_early_is_told_when_check_in_opens_and_nothing_changes(world, business):
    booking = book(business)
    with time_machine.travel(at(MONDAY, 9, 59), tick=False), pytest.raises(Unprocessable) as refused:
        check_in(world, booking)
    assert refused.value.code == "too_early"
    assert "10:30" in str(refused.value.message) and "10:00" in str(refused.value.message)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED and booking.ticket is None and not Ticket.objects.exists()


def test_apt02_a_booking_of_another_day_or_hall_or_cancelled_is_refused(world, business, other_world):
    tuesday = services.booking_create(
        appointment_type=business,
        starts_at=at(MONDAY + dt.timedelta(days=1), 10),
        name="Li",
        phone="13900000001",
        channel="public",
        now=NOW,
    )
    cancelled = book(business, 11, phone="13900000002")
    services.booking_cancel(booking=cancelled, now=NOW)
    with time_machine.travel(at(MONDAY, 10, 30), tick=False):
        with pytest.raises(Unprocessable) as other_day:
            check_in(world, tuesday)
        with pytest.raises(NotFound) as other_hall:
            booking_check_in(hall=other_world.hall, booking=book(business, 11, 30, phone="13900000003"))
    with time_machine.travel(at(MONDAY, 11), tick=False), pytest.raises(Conflict) as gone:
        check_in(world, cancelled)
    assert other_day.value.code == "other_day" and "2026-12-08" in str(other_day.value.message)
    assert other_hall.value.code == "other_hall" and world.hall.name in str(other_hall.value.message)
    assert gone.value.code == "cancelled"
    assert not Ticket.objects.exists()


def test_apt02_checking_in_twice_gives_the_same_ticket(world, business):
    booking = book(business)
    with time_machine.travel(at(MONDAY, 10, 20), tick=False):
        first = check_in(world, booking)
        second = check_in(world, Booking.objects.get(pk=booking.pk))
    assert second.again and second.ticket == first.ticket and Ticket.objects.count() == 1


def test_apt02_a_late_customer_gets_a_walk_in_ticket_and_is_not_a_no_show(world, business, settings):
    settings.APT_NO_SHOW_LIMIT = 1
    booking = book(business)
    with time_machine.travel(at(MONDAY, 10, 46), tick=False):  # the window closed at 10:45
        result = check_in(world, booking)
    booking.refresh_from_db()
    assert result.late and booking.status == BookingStatus.LATE
    assert (result.ticket.kind, result.ticket.channel) == (TicketKind.NORMAL, TicketChannel.KIOSK)
    services.no_show_check(hall=world.hall, phone=PHONE, now=at(MONDAY, 11))  # not refused


def test_apt02_a_booking_not_checked_in_becomes_a_no_show_and_counts_against_the_phone(world, business, settings):
    settings.APT_NO_SHOW_LIMIT = 2
    first, second = book(business, 10, 0), book(business, 10, 30)
    assert bookings_mark_no_shows(now=at(MONDAY, 10, 15)) == 0  # 10:00's window is open until 10:15
    assert bookings_mark_no_shows(now=at(MONDAY, 10, 16)) == 1
    assert bookings_mark_no_shows(now=at(MONDAY, 10, 46)) == 1
    assert bookings_mark_no_shows(now=at(MONDAY, 10, 47)) == 0  # nothing twice
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == second.status == BookingStatus.NO_SHOW
    with pytest.raises(Unprocessable) as blocked:
        services.no_show_check(hall=world.hall, phone=PHONE, now=at(MONDAY, 11))
    assert blocked.value.code == "no_show_block"


def test_apt02_a_no_show_who_comes_the_same_day_gets_a_walk_in_ticket(world, business):
    booking = book(business)
    bookings_mark_no_shows(now=at(MONDAY, 11))
    with time_machine.travel(at(MONDAY, 11, 30), tick=False):
        result = check_in(world, Booking.objects.get(pk=booking.pk))
    assert result.late and Booking.objects.get(pk=booking.pk).status == BookingStatus.LATE


def test_apt02_the_scheduled_command_marks_no_shows(world, business):
    book(business)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        call_command("appointment_no_shows", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Booking.objects.get().status == BookingStatus.NO_SHOW


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abcd 2345", ("code", "ABCD2345")),
        ("https://hall.example.com/appointments/b/ABCD2345/", ("code", "ABCD2345")),
        ("139 1234 5678", ("phone", "13912345678")),
        ("+8613912345678", ("phone", "13912345678")),
    ],
)
def test_apt02_the_kiosk_reads_a_code_a_qr_link_or_a_phone(typed, expected):
    assert parse_check_in_input(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "ABC-<script>", "X" * 13])
def test_apt02_the_kiosk_refuses_what_is_neither(typed):
    with pytest.raises(Unprocessable):
        parse_check_in_input(typed)


# --- the kiosk's pages -------------------------------------------------------------------------------------


def test_apt02_the_kiosk_offers_check_in_only_where_bookings_are_taken(client, world):
    kiosk = reverse("queueing:kiosk", kwargs={"hall": world.hall.code})
    assert 'data-testid="kiosk-check-in"' not in client.get(kiosk).content.decode()
    AppointmentType.objects.create(hall=world.hall, category=world.b)
    assert 'data-testid="kiosk-check-in"' in client.get(kiosk).content.decode()


def test_apt02_check_in_by_code_at_the_kiosk_shows_the_number_and_why(client, world, business):
    booking = book(business)
    url = reverse("appointments:check_in", kwargs={"hall": world.hall.code})
    with time_machine.travel(at(MONDAY, 10, 10), tick=False):
        answer = client.post(url, {"entry": booking.code.lower()}, follow=True)
    page = answer.content.decode()
    ticket = Booking.objects.get().ticket
    assert answer.status_code == 200 and ticket.number in page
    assert "Checked in for" in page and "before customers without a booking" in page
    assert "Zhang San" not in page and PHONE not in page  # others may see the kiosk


def test_apt02_check_in_by_phone_with_two_bookings_asks_which(client, world, business):
    other = AppointmentType.objects.create(hall=world.hall, category=world.a)
    first = book(business)
    services.booking_create(
        appointment_type=other, starts_at=at(MONDAY, 10, 30), name="Zhang San", phone=PHONE, channel="public", now=NOW
    )
    url = reverse("appointments:check_in", kwargs={"hall": world.hall.code})
    with time_machine.travel(at(MONDAY, 10, 10), tick=False):
        choose = client.post(url, {"entry": "139 1234 5678"})
        assert choose.status_code == 200 and choose.content.decode().count('data-testid="check-in-choice"') == 2
        done = client.post(url, {"entry": PHONE, "booking": first.pk}, follow=True)
        stranger = client.post(url, {"entry": "13900000009"})
    first.refresh_from_db()
    assert first.ticket is not None and first.ticket.number in done.content.decode()
    assert Booking.objects.filter(ticket__isnull=False).count() == 1
    assert stranger.status_code == 404 and "No booking today" in stranger.content.decode()


def test_apt02_the_kiosk_answers_bad_input_and_early_arrivals_with_a_message(client, world, business):
    booking = book(business)
    url = reverse("appointments:check_in", kwargs={"hall": world.hall.code})
    with time_machine.travel(at(MONDAY, 9, 30), tick=False):
        early = client.post(url, {"entry": booking.code})
        unknown = client.post(url, {"entry": "ZZZZZZZZ"})
        junk = client.post(url, {"entry": "<b>"})
    assert early.status_code == 422 and "Check-in opens at 10:00" in early.content.decode()
    assert unknown.status_code == 404 and "No booking has this code" in unknown.content.decode()
    assert junk.status_code == 422 and "neither a booking code nor a mobile number" in junk.content.decode()


def test_apt02_a_late_arrival_is_told_why_the_number_is_ordinary(client, world, business):
    booking = book(business)
    url = reverse("appointments:check_in", kwargs={"hall": world.hall.code})
    with time_machine.travel(at(MONDAY, 11), tick=False):
        page = client.post(url, {"entry": booking.code}, follow=True).content.decode()
    assert "check-in closed 15 minutes after it" in page


def test_apt02_the_workbench_shows_the_booked_business_documents_and_notes(client, world, business):
    world.b.documents = [{"code": "id", "name_zh": "身份证", "name_en": "ID card"}]
    world.b.save()
    booking = book(business, notes="Bring the old SIM")
    with time_machine.travel(at(MONDAY, 10, 10), tick=False):
        check_in(world, booking)
        client.force_login(world.clerk2)
        client.post(
            reverse("queueing:workbench_take", kwargs={"hall": world.hall.code}), {"counter": world.counter2.pk}
        )
        page = client.post(
            reverse("queueing:workbench_call_next", kwargs={"hall": world.hall.code}), follow=True
        ).content.decode()
    assert 'data-testid="booking-note"' in page
    assert "Booked Business at 10:30" in page and "ID card" in page and "Bring the old SIM" in page


# --- a double press on two kiosks at once (PostgreSQL) ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_apt02_one_booking_checked_in_twice_at_once_gets_one_ticket(postgres_only, threads_db, monkeypatch):
    from testsupport.world import build_world

    world = build_world("aptc")
    business = AppointmentType.objects.create(hall=world.hall, category=world.b)
    booking = book(business)
    # Hold each check-in after it looked at the booking until the other looked too: without the booking's row
    # lock both see no ticket and both issue one. With it, the second waits for the first to commit.
    looked = threading.Barrier(2)
    window = checkin.check_in_window

    def window_then_wait(found):
        with contextlib.suppress(threading.BrokenBarrierError):
            looked.wait(timeout=5)
        return window(found)

    monkeypatch.setattr(checkin, "check_in_window", window_then_wait)
    tickets: list[str] = []

    def attempt() -> None:
        try:
            tickets.append(booking_check_in(hall=world.hall, booking=booking).ticket.number)
        finally:
            connection.close()

    with time_machine.travel(at(MONDAY, 10, 20), tick=True):
        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(tickets) == 2 and tickets[0] == tickets[1]
    assert Ticket.objects.filter(hall=world.hall).count() == 1


# --- the API (a kiosk device of its own) ---------------------------------------------------------------------


def test_apt02_the_api_checks_in_and_asks_which_booking_for_a_phone_with_two(world, business):
    from rest_framework.test import APIClient

    other = AppointmentType.objects.create(hall=world.hall, category=world.a)
    first = book(business)
    services.booking_create(
        appointment_type=other, starts_at=at(MONDAY, 10, 30), name="Zhang San", phone=PHONE, channel="public", now=NOW
    )
    url = reverse("appointments_api:check-in", kwargs={"hall": world.hall.code})
    kiosk = APIClient()  # a public hall's kiosk: no sign-in
    with time_machine.travel(at(MONDAY, 10, 10), tick=False):
        ask = kiosk.post(url, {"entry": PHONE}, format="json")
        done = kiosk.post(url, {"entry": PHONE, "booking": first.pk}, format="json")
        again = kiosk.post(url, {"entry": first.code}, format="json")
        bad = kiosk.post(url, {"entry": ""}, format="json")
        early = kiosk.post(url, {"entry": "13900000009"}, format="json")
    assert ask.status_code == 409 and ask.json()["code"] == "several_bookings"
    assert {c["time"] for c in ask.json()["choices"]} == {"10:30"} and len(ask.json()["choices"]) == 2
    assert "Zhang San" not in ask.content.decode() and PHONE not in ask.content.decode()
    body = done.json()
    assert done.status_code == 201 and body["kind"] == "appointment" and not body["late"] and not body["again"]
    assert body["ticket"] == Booking.objects.get(pk=first.pk).ticket.number and "/t/" in body["track_url"]
    assert again.status_code == 201 and again.json()["again"] and again.json()["ticket"] == body["ticket"]
    assert bad.status_code == 400
    assert early.status_code == 404 and early.json()["code"] == "no_booking"


def test_apt02_the_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/appointments/halls/{hall}/check-in" in schema
