"""Booking pages and API (APT01): the customer's booking with the texted code, change and cancel by code,
the staff's day list and booking for a caller, hall scoping, masking and bad input."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from servicehall.appointments.models import AppointmentType, Booking
from servicehall.core.models import OutgoingMessage
from servicehall.org.models import Hall

from .conftest import at

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def next_weekday(days_ahead: int = 1) -> dt.date:
    day = timezone.localdate(timezone=Hall(timezone="Asia/Shanghai").tz) + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def texted_code() -> str:
    body = OutgoingMessage.objects.filter(purpose="apt_code").latest("id").body
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.fixture
def typed(world, business):
    world.hall.address = "Century Avenue 100"
    world.hall.save()
    world.b.documents = [{"code": "id", "name_zh": "身份证", "name_en": "ID card"}]
    world.b.save()
    return business


def test_apt01_a_customer_books_with_the_texted_code_and_sees_the_confirmation(client, world, typed):
    day = next_weekday()
    book_url = reverse("appointments:book", kwargs={"hall": world.hall.code})
    page = client.get(book_url, {"type": typed.pk, "day": day.isoformat()}).content.decode()
    assert "Business" in page and "10:00" in page and "3 places" in page and "ID card" in page
    answer = client.post(
        book_url,
        {
            "type": typed.pk,
            "day": day.isoformat(),
            "starts_at": at(day, 10).isoformat(),
            "name": "Zhang San",
            "phone": PHONE,
        },
    )
    assert answer.status_code == 302 and not Booking.objects.exists()
    check_page = client.get(answer.url).content.decode()
    assert "139****5678" in check_page and PHONE not in check_page
    wrong = client.post(answer.url, {"code": "abc"})
    assert wrong.status_code == 422 and "The code is not right" in wrong.content.decode()
    confirmed = client.post(answer.url, {"code": texted_code()}, follow=True)
    booking = Booking.objects.get()
    page = confirmed.content.decode()
    assert booking.code in page and "<svg" in page
    assert f"{day:%Y-%m-%d} 10:00" in page and "Century Avenue 100" in page and "ID card" in page
    assert "139****5678" in page and PHONE not in page
    assert client.post(answer.url, {"code": texted_code()}).status_code == 302  # sent again: the same booking
    assert Booking.objects.count() == 1


def test_apt01_the_customer_changes_and_cancels_by_code(client, world, typed):
    day = next_weekday()
    from servicehall.appointments.services import booking_create

    booking = booking_create(appointment_type=typed, starts_at=at(day, 10), name="Li Si", phone=PHONE, channel="public")
    change_url = reverse("appointments:change", kwargs={"code": booking.code})
    assert "14:00" in client.get(change_url, {"day": day.isoformat()}).content.decode()
    moved = client.post(change_url, {"starts_at": at(day, 14).isoformat(), "day": day.isoformat()}, follow=True)
    assert "The booking is moved to the new time." in moved.content.decode()
    booking.refresh_from_db()
    assert booking.starts_at == at(day, 14)
    cancelled = client.post(reverse("appointments:cancel", kwargs={"code": booking.code.lower()}), follow=True)
    assert "The booking is cancelled." in cancelled.content.decode() and "Cancelled" in cancelled.content.decode()
    found = client.get(reverse("appointments:find"), {"code": "NOSUCH22"})
    assert found.status_code == 404 and "No booking has this code" in found.content.decode()


def test_apt01_bad_input_on_the_public_pages_answers_4xx_with_a_message(client, world, typed):
    day = next_weekday()
    book_url = reverse("appointments:book", kwargs={"hall": world.hall.code})
    for data, status, words in (
        ({"starts_at": "not a time", "name": "Li", "phone": PHONE}, 422, "Choose one of the times offered."),
        ({"starts_at": at(day, 10).isoformat(), "name": "", "phone": PHONE}, 422, "Enter the name"),
        ({"starts_at": at(day, 10).isoformat(), "name": "Li", "phone": "12"}, 422, "Enter a mobile number"),
        ({"starts_at": "9999-12-31T23:59:00+08:00", "name": "Li", "phone": PHONE}, 422, "Choose one of the times"),
    ):
        answer = client.post(book_url, {"type": typed.pk, **data})
        assert answer.status_code == status and words in answer.content.decode()
    assert client.get(book_url, {"type": "x"}).status_code == 404
    unknown = reverse("appointments:check", kwargs={"request_id": "00000000-0000-0000-0000-000000000000"})
    assert client.get(unknown).status_code == 404
    assert not Booking.objects.exists()


def test_apt01_public_pages_are_rate_limited_per_client(client, world, typed, settings):
    settings.APT_PUBLIC_PER_MINUTE = 2
    url = reverse("appointments:find")
    answers = [client.get(url, {"code": "ABCDEFGH"}).status_code for _ in range(3)]
    assert answers == [404, 404, 429]


def test_apt01_staff_book_for_a_caller_and_see_the_day_by_hour_masked(client, world, typed):
    day = next_weekday()
    client.force_login(world.clerk)
    new_url = reverse("appointments:new", kwargs={"hall": world.hall.code})
    data = {
        "type": typed.pk,
        "starts_at": at(day, 11).isoformat(),
        "name": "Wang Wu",
        "phone": PHONE,
        "channel": "phone",
        "notes": "needs a wheelchair",
        "request_key": "form-1",
    }
    answer = client.post(new_url, data, follow=True)
    assert client.post(new_url, data).status_code == 302  # the double click books once
    booking = Booking.objects.get()
    assert (booking.channel, booking.created_by) == ("phone", world.clerk)
    page = answer.content.decode()
    assert f"booking code {booking.code}" in page
    assert "11:00" in page and "Wang Wu" in page and "needs a wheelchair" in page and "By phone" in page
    assert "139****5678" in page and PHONE not in page
    refused = client.post(new_url, data | {"request_key": "form-2", "channel": "public"})
    assert refused.status_code == 400 and "Choose how the customer booked." in refused.content.decode()


def test_apt01_staff_pages_are_scoped_to_the_hall_and_the_role(client, world, other_world, typed):
    day_url = reverse("appointments:day", kwargs={"hall": world.hall.code})
    new_url = reverse("appointments:new", kwargs={"hall": world.hall.code})
    client.force_login(other_world.clerk)
    assert client.get(day_url).status_code == 404 and client.get(new_url).status_code == 404
    from testsupport.world import make_member

    client.force_login(make_member(world.hall, "safety_officer"))
    assert client.get(day_url).status_code == 200 and client.get(new_url).status_code == 403
    booking = Booking.objects.create(
        hall=world.hall,
        type=typed,
        starts_at=at(next_weekday(), 10),
        ends_at=at(next_weekday(), 10, 30),
        name="Zhao",
        phone=PHONE,
        code="ZZZZ2222",
        channel="phone",
    )
    cancel_url = reverse("appointments:staff_cancel", kwargs={"hall": world.hall.code, "booking": booking.pk})
    assert client.post(cancel_url).status_code == 403
    client.force_login(other_world.clerk)
    assert client.post(cancel_url).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_apt01_api_lists_creates_and_shows_slots_masked_and_scoped(client, world, other_world, typed):
    day = next_weekday()
    client.force_login(world.clerk)
    url = reverse("appointments_api:bookings", kwargs={"hall": world.hall.code})
    created = client.post(
        url,
        {"type": typed.pk, "starts_at": at(day, 9).isoformat(), "name": "Sun", "phone": PHONE, "channel": "counter"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["phone"] == "139****5678"
    listed = client.get(url, {"day": day.isoformat()}).json()
    assert [row["code"] for row in listed] == [created.json()["code"]] and PHONE not in str(listed)
    slots = client.get(
        reverse("appointments_api:slots", kwargs={"hall": world.hall.code, "type": typed.pk}), {"day": day.isoformat()}
    ).json()
    nine = next(s for s in slots if s["starts_at"].endswith("09:00:00+08:00"))
    assert (nine["capacity"], nine["free"]) == (3, 2)
    bad = client.post(
        url, {"type": typed.pk, "starts_at": "soon", "name": "", "channel": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400
    closed = client.post(
        url,
        {"type": typed.pk, "starts_at": at(day, 7).isoformat(), "name": "Sun", "phone": PHONE, "channel": "phone"},
        content_type="application/json",
    )
    assert closed.status_code == 422 and closed.json()["code"] == "not_a_slot"
    assert client.get(url, {"day": "31-12-2026"}).status_code == 422
    cancel = reverse(
        "appointments_api:booking-cancel", kwargs={"hall": world.hall.code, "booking": created.json()["id"]}
    )
    client.force_login(other_world.clerk)
    assert client.get(url).status_code == 404 and client.post(cancel).status_code == 404
    client.force_login(world.guide)
    cancelled = client.post(cancel)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(cancel).json()["code"] == "not_open"
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/appointments/halls/{hall}/bookings" in schema and "/slots" in schema


def test_apt01_an_inactive_type_is_not_offered(client, world, typed):
    AppointmentType.objects.filter(pk=typed.pk).update(active=False)
    page = client.get(reverse("appointments:book", kwargs={"hall": world.hall.code}))
    assert "This hall takes no bookings at the moment." in page.content.decode()


def test_apt01_staff_move_a_booking_for_a_caller_until_the_cutoff(client, world, other_world, typed):
    from servicehall.appointments.services import booking_create
    from servicehall.core.models import AuditEntry

    day = next_weekday()
    booking = booking_create(appointment_type=typed, starts_at=at(day, 10), name="Li Si", phone=PHONE, channel="public")
    url = reverse("appointments:staff_change", kwargs={"hall": world.hall.code, "booking": booking.pk})
    client.force_login(world.guide)
    page = client.get(url, {"day": day.isoformat()}).content.decode()
    assert "Li Si" in page and "139****5678" in page and PHONE not in page and "14:00" in page
    wrong = client.post(url, {"starts_at": "not a time", "day": day.isoformat()})
    assert wrong.status_code == 422 and "Choose one of the times offered" in wrong.content.decode()
    moved = client.post(url, {"starts_at": at(day, 14).isoformat(), "day": day.isoformat()}, follow=True)
    booking.refresh_from_db()
    assert booking.starts_at == at(day, 14) and booking.change_count == 1
    assert "is moved to" in moved.content.decode()
    assert AuditEntry.objects.filter(action="appointments.booking_change", actor=world.guide).exists()
    assert OutgoingMessage.objects.filter(purpose="apt_changed").count() == 1
    client.force_login(other_world.manager)
    assert client.get(url).status_code == 404


def test_apt01_the_hall_administrator_sets_what_can_be_booked_and_overrides_the_places(client, world, other_world):
    from servicehall.catalog.services import pack_load
    from servicehall.core.models import AuditEntry
    from servicehall.org.roles import Role
    from testsupport.world import make_member

    pack_load(hall=world.hall, code="telecom")
    admin = make_member(world.hall, Role.HALL_ADMIN, "admin_apt")
    client.force_login(admin)
    url = reverse("appointments:types", kwargs={"hall": world.hall.code})
    form = {
        "slot_minutes": 20,
        "horizon_days": 7,
        "lead_minutes": 60,
        "cancel_cutoff_minutes": 120,
        "max_open_per_person": 1,
        "sort_order": 0,
        "active": "on",
    }
    added = client.post(url, {**form, "what": "business:sim_replace"}, follow=True)
    assert added.status_code == 200
    added_type = AppointmentType.objects.get(hall=world.hall, business_type__code="sim_replace")
    assert (added_type.slot_minutes, added_type.capacity_override, added_type.max_open_per_person) == (20, None, 1)
    twice = client.post(url, {**form, "what": "business:sim_replace"})
    assert twice.status_code == 409 and "can be booked already" in twice.content.decode()
    nothing = client.post(url, {**form, "slot_minutes": 2, "what": ""})
    assert nothing.status_code == 422 and AppointmentType.objects.count() == 1
    edit = reverse("appointments:type_edit", kwargs={"hall": world.hall.code, "type": added_type.pk})
    client.post(edit, {**form, "capacity_override": 4, "active": ""})
    added_type.refresh_from_db()
    assert added_type.capacity_override == 4 and not added_type.active
    assert "4" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action="appointments.type_save", actor=admin).count() == 2
    client.force_login(world.manager)  # a duty manager books but does not set the rules
    assert client.get(url).status_code == 403
    client.force_login(other_world.manager)
    assert client.get(edit).status_code == 404
