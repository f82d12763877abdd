"""Booking (APT01): the slots, the rules of a booking, change and cancel until the cut-off, and the last
place under concurrency."""

import contextlib
import datetime as dt
import threading

import pytest
from django.db import connection

from servicehall.appointments import services
from servicehall.appointments.models import AppointmentType, Booking, BookingMove
from servicehall.appointments.slots import bookable_days, day_slots, type_capacity
from servicehall.appointments.states import BookingStatus
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.core.throttling import TooManyRequests
from servicehall.org.models import HallClosedDay

from .conftest import NOW, at

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 8)


def book(appointment_type, starts_at, *, phone="13912345678", name="Zhang San", now=NOW, **kwargs):
    kwargs.setdefault("channel", Booking.Channel.PUBLIC)
    return services.booking_create(
        appointment_type=appointment_type, starts_at=starts_at, name=name, phone=phone, now=now, **kwargs
    )


def test_apt01_capacity_defaults_to_the_counters_serving_the_category_and_the_manager_may_override(world, business):
    assert type_capacity(business) == 3  # counters 1, 2 and 3 serve B
    vip = AppointmentType.objects.create(hall=world.hall, category=world.v)
    assert type_capacity(vip) == 1
    business.capacity_override = 5
    assert type_capacity(business) == 5


def test_apt01_slots_follow_opening_hours_and_count_places_taken(world, business):
    slots = day_slots(business, TUESDAY, now=NOW)
    # 08:30–18:00 in 30-minute slots
    assert (slots[0].starts_at, slots[-1].ends_at, len(slots)) == (at(TUESDAY, 8, 30), at(TUESDAY, 18), 19)
    book(business, at(TUESDAY, 10))
    ten = next(s for s in day_slots(business, TUESDAY, now=NOW) if s.starts_at == at(TUESDAY, 10))
    assert (ten.capacity, ten.taken, ten.free, ten.bookable) == (3, 1, 2, True)
    assert day_slots(business, dt.date(2026, 12, 12), now=NOW) == []  # a Saturday


def test_apt01_a_full_slot_refuses_the_next_booking(world, business):
    business.capacity_override = 2
    business.save()
    book(business, at(TUESDAY, 10), phone="13900000001")
    book(business, at(TUESDAY, 10), phone="13900000002")
    with pytest.raises(Conflict) as refused:
        book(business, at(TUESDAY, 10), phone="13900000003")
    assert refused.value.code == "slot_full"
    assert "fully booked" in str(refused.value.message)


def test_apt01_horizon_and_lead_time(world, business):
    with pytest.raises(Unprocessable) as too_soon:
        book(business, at(NOW.date(), 9, 30))  # 30 minutes ahead, 60 needed
    assert too_soon.value.code == "too_soon"
    assert "at least 60 minutes ahead" in str(too_soon.value.message)
    assert book(business, at(NOW.date(), 10)).status == BookingStatus.BOOKED
    last = NOW.date() + dt.timedelta(days=14)  # Monday 21 December
    assert book(business, at(last, 9), phone="13900000009").starts_at == at(last, 9)
    with pytest.raises(Unprocessable) as beyond:
        book(business, at(last + dt.timedelta(days=1), 9), phone="13900000008")
    assert beyond.value.code == "beyond_horizon"
    assert bookable_days(business, now=NOW)[-1] == last


def test_apt01_closed_days_weekends_and_off_grid_times_are_refused(world, business):
    HallClosedDay.objects.create(hall=world.hall, date=TUESDAY, kind=HallClosedDay.Kind.BLACKOUT)
    assert day_slots(business, TUESDAY, now=NOW) == []
    assert TUESDAY not in bookable_days(business, now=NOW)
    with pytest.raises(Unprocessable) as closed:
        book(business, at(TUESDAY, 10))
    assert closed.value.code == "hall_closed"
    with pytest.raises(Unprocessable) as weekend:
        book(business, at(dt.date(2026, 12, 12), 10))
    assert weekend.value.code == "hall_closed"
    wednesday = dt.date(2026, 12, 9)
    for wrong in (at(wednesday, 10, 10), at(wednesday, 17, 45), at(wednesday, 7, 30)):
        with pytest.raises(Unprocessable) as off_grid:
            book(business, wrong)
        assert off_grid.value.code == "not_a_slot"


def test_apt01_a_person_holds_at_most_the_allowed_open_bookings(world, business):
    business.max_open_per_person = 2
    business.save()
    book(business, at(TUESDAY, 10))
    second = book(business, at(TUESDAY, 11), phone="139 1234 5678")  # the same number written otherwise
    with pytest.raises(Conflict) as refused:
        book(business, at(TUESDAY, 12))
    assert refused.value.code == "too_many_open"
    services.booking_cancel(booking=second, now=NOW)
    assert book(business, at(TUESDAY, 12)).phone == "13912345678"


def test_apt01_bad_input_is_refused_with_a_message_and_nothing_written(world, business):
    for name, phone, code in (
        ("", "13912345678", "name_missing"),
        ("Li", "12345", "bad_phone"),
        ("Li", "", "bad_phone"),
    ):
        with pytest.raises(Unprocessable) as refused:
            book(business, at(TUESDAY, 10), name=name, phone=phone)
        assert refused.value.code == code
    business.active = False
    business.save()
    with pytest.raises(Unprocessable):
        book(business, at(TUESDAY, 10))
    assert not Booking.objects.exists() and not OutgoingMessage.objects.exists()


def test_apt01_a_booking_is_audited_texted_and_the_same_request_key_books_once(
    world, business, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(business, at(TUESDAY, 10), request_key="k1", channel="phone", actor=world.clerk)
    again = book(business, at(TUESDAY, 10), request_key="k1", channel="phone", actor=world.clerk)
    assert again.pk == first.pk and Booking.objects.count() == 1
    assert len(first.code) == 8 and first.created_by == world.clerk
    assert AuditEntry.objects.filter(action="appointments.booking_create", object_id=str(first.pk)).count() == 1
    assert BookingMove.objects.get(booking=first).to_status == "booked"
    text = OutgoingMessage.objects.get(purpose=services.SMS_BOOKED)
    assert first.code in text.body and "2026-12-08 10:00" in text.body and text.status == "sent"


def test_apt01_staff_without_the_right_cannot_book_for_a_caller(world, business, other_world):
    with pytest.raises(Forbidden):
        book(business, at(TUESDAY, 10), channel="phone", actor=other_world.clerk)


def test_apt01_change_and_cancel_until_the_cutoff(world, business):
    booking = book(business, at(TUESDAY, 10))
    moved = services.booking_change(booking=booking, starts_at=at(TUESDAY, 14), now=NOW)
    assert (moved.starts_at, moved.ends_at, moved.change_count) == (at(TUESDAY, 14), at(TUESDAY, 14, 30), 1)
    late = at(TUESDAY, 12, 1)  # 119 minutes before, the cut-off is 120
    with pytest.raises(Conflict) as too_late:
        services.booking_change(booking=moved, starts_at=at(TUESDAY, 15), now=late)
    assert too_late.value.code == "past_cutoff" and "until 2026-12-08 12:00" in str(too_late.value.message)
    with pytest.raises(Conflict):
        services.booking_cancel(booking=moved, now=late)
    cancelled = services.booking_cancel(booking=moved, now=at(TUESDAY, 12))
    assert cancelled.status == BookingStatus.CANCELLED
    with pytest.raises(Conflict) as again:
        services.booking_cancel(booking=cancelled, now=NOW)
    assert again.value.code == "not_open"


def test_apt01_a_change_into_a_full_slot_is_refused_and_the_booking_stays(world, business):
    business.capacity_override = 1
    business.save()
    book(business, at(TUESDAY, 14), phone="13900000001")
    mine = book(business, at(TUESDAY, 10))
    with pytest.raises(Conflict) as full:
        services.booking_change(booking=mine, starts_at=at(TUESDAY, 14), now=NOW)
    assert full.value.code == "slot_full"
    mine.refresh_from_db()
    assert mine.starts_at == at(TUESDAY, 10)


def test_apt01_a_person_with_too_many_no_shows_cannot_book_for_a_while(world, business, settings):
    settings.APT_NO_SHOW_LIMIT, settings.APT_NO_SHOW_BLOCK_DAYS = 2, 30
    for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 20)):
        missed = book(business, at(day, 10), now=at(day, 8))
        Booking.objects.filter(pk=missed.pk).update(status=BookingStatus.NO_SHOW)
    with pytest.raises(Unprocessable) as blocked:
        book(business, at(TUESDAY, 10))
    assert blocked.value.code == "no_show_block" and "2026-12-20" in str(blocked.value.message)
    assert book(business, at(TUESDAY, 10), phone="13900000007").status == "booked"  # someone else may
    later = at(dt.date(2026, 12, 21), 9)
    assert book(business, at(dt.date(2026, 12, 22), 10), now=later).status == "booked"


def test_apt01_the_phone_code_books_once_and_wrong_codes_are_counted(world, business):
    check = services.phone_check_start(
        appointment_type=business, starts_at=at(TUESDAY, 10), name="Zhang San", phone="13912345678", now=NOW
    )
    code = OutgoingMessage.objects.get(purpose=services.SMS_CODE).body.split(": ")[1][:6]
    assert not Booking.objects.exists()
    with pytest.raises(Unprocessable) as wrong:
        services.phone_check_confirm(token=check.token, code="000000" if code != "000000" else "111111", now=NOW)
    assert wrong.value.code == "code_wrong"
    booking = services.phone_check_confirm(token=check.token, code=code, now=NOW)
    assert services.phone_check_confirm(token=check.token, code=code, now=NOW).pk == booking.pk
    assert (booking.channel, booking.name, booking.starts_at) == ("public", "Zhang San", at(TUESDAY, 10))
    expired = services.phone_check_start(
        appointment_type=business, starts_at=at(TUESDAY, 11), name="Li", phone="13900000001", now=NOW
    )
    with pytest.raises(Conflict) as late:
        services.phone_check_confirm(token=expired.token, code="123456", now=NOW + dt.timedelta(minutes=11))
    assert late.value.code == "code_expired"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_apt01_the_last_place_is_taken_once_under_concurrency(postgres_only, threads_db):
    from testsupport.world import build_world

    world = build_world("aptc")
    business = AppointmentType.objects.create(hall=world.hall, category=world.b, capacity_override=2)
    book(business, at(TUESDAY, 10), phone="13900000000")  # one of two places taken: one left
    results: list[str] = []
    start = threading.Barrier(8)

    def attempt(n: int) -> None:
        try:
            start.wait()
            book(business, at(TUESDAY, 10), phone=f"1390000001{n}")
            results.append("booked")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked"] + ["slot_full"] * 7
    assert Booking.objects.filter(type=business, starts_at=at(TUESDAY, 10), status="booked").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_apt01_one_phone_cannot_pass_its_limit_by_booking_two_types_at_once(postgres_only, threads_db, monkeypatch):
    from testsupport.world import build_world

    world = build_world("apto")
    first = AppointmentType.objects.create(hall=world.hall, category=world.a, max_open_per_person=1)
    second = AppointmentType.objects.create(hall=world.hall, category=world.b, max_open_per_person=1)
    # Hold each request just after it counted the phone's open bookings until the other one counted too: without
    # a lock over the hall's bookings both count none and both book. With it, the second waits for the first
    # to commit; the first's wait is then cut short (it never decides the outcome).
    counted = threading.Barrier(2)
    check = services._max_open_check

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=5)

    monkeypatch.setattr(services, "_max_open_check", check_then_wait)
    results: list[str] = []

    def attempt(appointment_type: AppointmentType) -> None:
        try:
            book(appointment_type, at(TUESDAY, 10), phone="13900000077")
            results.append("booked")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "too_many_open"]
    assert Booking.objects.filter(phone="13900000077", status="booked").count() == 1


def test_apt01_one_phone_gets_only_a_few_codes_an_hour(world, business, settings):
    settings.APT_CODES_PER_PHONE_HOUR = 2
    for hour in (10, 11):
        services.phone_check_start(
            appointment_type=business, starts_at=at(TUESDAY, hour), name="Li", phone="13912345678", now=NOW
        )
    with pytest.raises(TooManyRequests) as refused:
        services.phone_check_start(
            appointment_type=business, starts_at=at(TUESDAY, 12), name="Li", phone="13912345678", now=NOW
        )
    assert refused.value.status_code == 429 and "Too many codes" in str(refused.value.message)
    assert OutgoingMessage.objects.filter(purpose=services.SMS_CODE).count() == 2


def test_apt01_expired_phone_checks_are_deleted_an_hour_after_expiry(world, business):
    from servicehall.appointments.models import PhoneCheck

    check = services.phone_check_start(
        appointment_type=business, starts_at=at(TUESDAY, 10), name="Li", phone="13912345678", now=NOW
    )
    assert services.phone_checks_purge(now=check.expires_at + dt.timedelta(minutes=59)) == 0
    assert services.phone_checks_purge(now=check.expires_at + dt.timedelta(minutes=61)) == 1
    assert not PhoneCheck.objects.exists()
