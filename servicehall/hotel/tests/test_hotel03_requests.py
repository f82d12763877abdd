"""Guests' requests during the stay (HOTEL03): requested → in progress → done (or cancelled) with the history and
the time taken; past the kind's target minutes a request is flagged overdue; a wake-up call counts from its time;
bad moves are refused with 4xx; everything scoped to the hall."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.hotel import services_stay
from servicehall.hotel.models import GuestRequest
from servicehall.hotel.presentation_stay import request_row
from servicehall.hotel.states import RequestStatus
from servicehall.org.roles import Role
from testsupport.world import make_member

from .conftest import NOW
from .stay_helpers import booked, in_house

pytestmark = pytest.mark.django_db
MIN = dt.timedelta(minutes=1)


def log(hotel, reservation, kind="towels", *, at=NOW, actor=None, **extra):
    return services_stay.guest_request_create(
        reservation=reservation, kind=kind, actor=actor or hotel.world.clerk, now=at, **extra
    )


def test_hotel03_a_request_goes_requested_in_progress_done_with_its_history_and_the_time_taken(hotel):
    stay = in_house(hotel)
    request = log(hotel, stay, note="两条浴巾")
    assert (request.kind_en, request.department, request.target_minutes) == ("Extra towels", "housekeeping", 15)
    assert request.room.number == "801"
    services_stay.guest_request_start(request=request, actor=hotel.world.clerk2, now=NOW + 3 * MIN)
    services_stay.guest_request_done(request=request, actor=hotel.world.clerk2, now=NOW + 12 * MIN)
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert [(m.from_status, m.to_status) for m in request.moves.all()] == [
        ("", "requested"),
        ("requested", "in_progress"),
        ("in_progress", "done"),
    ]
    row = request_row(request, now=NOW + 60 * MIN)
    assert row["minutes_taken"] == 12 and row["overdue"] is False and row["status_display"] == "Done"


def test_hotel03_a_request_past_its_kinds_target_is_flagged_overdue_on_the_list(client, hotel):
    stay = in_house(hotel)
    late = log(hotel, stay, "towels")  # 15 minutes
    on_time = log(hotel, stay, "meal")  # 40 minutes
    assert request_row(late, now=NOW + 14 * MIN)["overdue"] is False
    assert request_row(late, now=NOW + 16 * MIN)["overdue"] is True
    assert request_row(on_time, now=NOW + 16 * MIN)["overdue"] is False
    client.force_login(hotel.world.clerk)
    with time_machine.travel(NOW + 20 * MIN, tick=False):
        page = client.get(reverse("hotel:requests", kwargs={"hall": hotel.hall.code})).content.decode()
    assert f'data-testid="request-overdue-{late.pk}"' in page
    assert f'data-testid="request-overdue-{on_time.pk}"' not in page
    assert "1 overdue" in page and "20 minutes" in page
    # Done late stays marked late; done in time is not.
    services_stay.guest_request_done(request=late, actor=hotel.world.clerk, now=NOW + 25 * MIN)
    services_stay.guest_request_done(request=on_time, actor=hotel.world.clerk, now=NOW + 25 * MIN)
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert request_row(late, now=NOW + 60 * MIN)["overdue"] is True
    assert request_row(on_time, now=NOW + 60 * MIN)["overdue"] is False


def test_hotel03_a_wake_up_call_needs_a_time_during_the_stay_and_counts_from_it(hotel):
    stay = in_house(hotel)
    with pytest.raises(Unprocessable) as missing:
        log(hotel, stay, "wake_up")
    assert missing.value.code == "due_missing"
    with pytest.raises(Unprocessable) as passed:
        log(hotel, stay, "wake_up", due_at=NOW - MIN)
    assert passed.value.code == "due_passed"
    with pytest.raises(Unprocessable) as after:
        log(hotel, stay, "wake_up", due_at=NOW + dt.timedelta(days=5))
    assert after.value.code == "due_after_stay"
    due = NOW + dt.timedelta(hours=21, minutes=30)  # 06:30 tomorrow
    call = log(hotel, stay, "wake_up", due_at=due)
    assert request_row(call, now=NOW + dt.timedelta(hours=12))["overdue"] is False
    assert request_row(call, now=due + 6 * MIN)["overdue"] is True


def test_hotel03_bad_requests_and_moves_are_refused_with_a_message_and_4xx(client, hotel):
    stay = in_house(hotel)
    with pytest.raises(Unprocessable) as kind:
        log(hotel, stay, "helicopter")
    assert kind.value.code == "bad_kind"
    with pytest.raises(Conflict) as not_in:
        log(hotel, booked(hotel, room_type=hotel.twin, phone="13912345679"))
    assert not_in.value.code == "not_in_house"
    request = log(hotel, stay)
    client.force_login(hotel.world.clerk)
    hall = hotel.hall.code
    done = client.post(reverse("hotel:request_done", kwargs={"hall": hall, "guest_request": request.pk}))
    assert done.status_code == 302
    again = client.post(reverse("hotel:request_start", kwargs={"hall": hall, "guest_request": request.pk}))
    assert again.status_code == 409 and "Only a request not started yet can be started." in again.content.decode()
    other = log(hotel, stay, "meal")
    no_reason = client.post(reverse("hotel:request_cancel", kwargs={"hall": hall, "guest_request": other.pk}))
    assert no_reason.status_code == 422 and "Say why the request is cancelled." in no_reason.content.decode()
    bad_time = client.post(
        reverse("hotel:request_new", kwargs={"hall": hall}),
        {"reservation": stay.pk, "kind": "wake_up", "due_time": "25:99"},
    )
    assert bad_time.status_code == 422
    api = APIClient()
    api.force_authenticate(hotel.world.clerk)
    url = f"/api/v1/hotel/halls/{hall}/requests/{request.pk}/done"
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "bad_move"


def test_hotel03_the_front_desk_logs_a_request_from_the_guests_page_and_housekeeping_does_it(client, hotel):
    stay = in_house(hotel)
    keeper = make_member(hotel.hall, Role.HOUSEKEEPING, "keeper_ha")
    client.force_login(hotel.world.clerk)
    page_url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": stay.pk})
    page = client.get(page_url).content.decode()
    assert "During the stay" in page and "Extra towels" in page and 'data-testid="stay-complaint"' in page
    with time_machine.travel(NOW, tick=False):
        logged = client.post(
            reverse("hotel:request_new", kwargs={"hall": hotel.hall.code}),
            {"reservation": stay.pk, "kind": "towels", "note": "两条", "request_key": "rk1", "next": page_url},
        )
        client.post(
            reverse("hotel:request_new", kwargs={"hall": hotel.hall.code}),
            {"reservation": stay.pk, "kind": "towels", "note": "两条", "request_key": "rk1", "next": page_url},
        )
    assert logged.status_code == 302 and logged["Location"] == page_url
    request = GuestRequest.objects.get()  # sent twice, logged once
    client.force_login(keeper)
    listed = client.get(reverse("hotel:requests", kwargs={"hall": hotel.hall.code}) + "?department=housekeeping")
    assert listed.status_code == 200 and "Extra towels" in listed.content.decode()
    assert 'hx-trigger="hall-changed-stay from:body' in listed.content.decode()
    with time_machine.travel(NOW + 9 * MIN, tick=False):
        client.post(reverse("hotel:request_done", kwargs={"hall": hotel.hall.code, "guest_request": request.pk}))
    request.refresh_from_db()
    assert request.status == "done"
    client.force_login(hotel.world.clerk)
    page = client.get(page_url).content.decode()
    assert "9 minutes" in page


def test_hotel03_requests_are_scoped_to_the_hall_and_to_the_front_desk_and_housekeeping(client, hotel, other_world):
    stay = in_house(hotel)
    request = log(hotel, stay)
    hall = hotel.hall.code
    client.force_login(other_world.clerk)
    assert client.get(reverse("hotel:requests", kwargs={"hall": hall})).status_code == 404
    assert (
        client.post(reverse("hotel:request_done", kwargs={"hall": hall, "guest_request": request.pk})).status_code
        == 404
    )
    client.post(reverse("hotel:request_done", kwargs={"hall": other_world.hall.code, "guest_request": request.pk}))
    request.refresh_from_db()
    assert request.status == "requested"
    auditor = make_member(hotel.hall, Role.AUDITOR, "auditor_ha")
    client.force_login(auditor)
    assert client.get(reverse("hotel:requests", kwargs={"hall": hall})).status_code == 403
    with pytest.raises(Forbidden):
        log(hotel, stay, actor=auditor)
    api = APIClient()
    api.force_authenticate(other_world.clerk)
    assert api.get(f"/api/v1/hotel/halls/{hall}/requests").status_code == 404


def test_hotel03_the_requests_api_lists_logs_and_moves_with_the_guest_masked(hotel):
    stay = in_house(hotel, name="张三丰")
    api = APIClient()
    api.force_authenticate(hotel.world.clerk)
    url = f"/api/v1/hotel/halls/{hotel.hall.code}/requests"
    made = api.post(url, {"reservation": stay.pk, "kind": "towels", "request_key": "api1"}, format="json")
    assert made.status_code == 201 and made.json()["guest"] == "张**" and made.json()["room"] == "801"
    started = api.post(f"{url}/{made.json()['id']}/start", {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    listed = api.get(url).json()
    assert [r["id"] for r in listed] == [made.json()["id"]] and "张三丰" not in str(listed)
    assert api.post(url, {"reservation": stay.pk, "kind": "nope"}, format="json").status_code == 422
    assert api.post(f"{url}/{made.json()['id']}/fly", {}, format="json").status_code == 404


def test_hotel03_the_stay_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("schema")).content.decode()
    for path in ("requests", "requests/{guest_request}/{action}", "rooms", "reservations/{reservation}/room-change"):
        assert f"/api/v1/hotel/halls/{{hall}}/{path}" in schema
