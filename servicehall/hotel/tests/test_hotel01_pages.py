"""The front desk's reservation screens (HOTEL01): book by phone with the quote, the rooms free on the next
nights, the guest's page of rooms and prices, bad input and a card number refused, hall scoping."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from servicehall.hotel.models import Reservation

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def form(hotel, **changes):
    values = {
        "room_type": hotel.king.pk,
        "rate_plan": hotel.breakfast.pk,
        "arrival": TODAY.isoformat(),
        "departure": (TODAY + dt.timedelta(days=2)).isoformat(),
        "guests": "2",
        "guest_name": "张三",
        "phone": PHONE,
        "channel": "phone",
        "guarantee": "deposit",
        "deposit": "500.00",
        "requests": "高楼层，安静",
        "request_key": "k1",
    }
    return {**values, **changes}


def test_hotel01_a_clerk_books_by_phone_and_sees_the_nights_and_the_total(client, hotel):
    client.force_login(hotel.world.clerk)
    url = reverse("hotel:new", kwargs={"hall": hotel.hall.code})
    with time_machine.travel(NOW, tick=False):
        page = client.post(url, form(hotel), follow=True).content.decode()
        again = client.post(url, form(hotel))  # the back button and send again: the same reservation
    reservation = Reservation.objects.get()
    # (428 + 2 breakfasts of 38) for two nights.
    assert reservation.total == 2 * (428 + 76)
    assert reservation.code in page and "1008.00" in page and "504.00" in page
    assert "139****5678" in page and PHONE not in page
    assert again.status_code == 302 and Reservation.objects.count() == 1


def test_hotel01_a_card_number_or_a_full_hotel_is_refused_on_the_form_with_a_message(client, hotel):
    client.force_login(hotel.world.clerk)
    url = reverse("hotel:new", kwargs={"hall": hotel.hall.code})
    with time_machine.travel(NOW, tick=False):
        card = client.post(url, form(hotel, requests="卡号 6222021001101234567", request_key="k2"))
        bad_date = client.post(url, form(hotel, arrival="tomorrow", request_key="k3"))
        client.post(url, form(hotel, room_type=hotel.twin.pk, request_key="k4"))
        full = client.post(url, form(hotel, room_type=hotel.twin.pk, phone="13900000002", request_key="k5"))
    assert card.status_code == 422 and "Never type a card number" in card.content.decode()
    assert bad_date.status_code == 422 and "Enter the arrival as a date" in bad_date.content.decode()
    assert full.status_code == 409 and "No Standard twin room is free" in full.content.decode()
    assert Reservation.objects.count() == 1


def test_hotel01_the_front_desk_sees_arrivals_and_the_rooms_free_each_night(client, hotel):
    with time_machine.travel(NOW, tick=False):
        client.force_login(hotel.world.clerk)
        client.post(reverse("hotel:new", kwargs={"hall": hotel.hall.code}), form(hotel, vip="on"))
        page = client.get(reverse("hotel:arrivals", kwargs={"hall": hotel.hall.code})).content.decode()
    tonight, third = TODAY.isoformat(), (TODAY + dt.timedelta(days=2)).isoformat()
    assert f'data-testid="free-king-{tonight}">1<' in page  # two king rooms, one booked
    assert f'data-testid="free-king-{third}">2<' in page  # the guest leaves that morning
    assert "张三" in page and 'data-testid="vip"' in page and "高楼层" in page


def test_hotel01_cancelling_from_the_reservation_page_shows_the_fee(client, hotel):
    with time_machine.travel(NOW.replace(hour=15), tick=False):
        client.force_login(hotel.world.clerk)
        client.post(reverse("hotel:new", kwargs={"hall": hotel.hall.code}), form(hotel))
        reservation = Reservation.objects.get()
        url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
        assert "Cancelling now costs 504.00 yuan" in client.get(url).content.decode()
        cancel = reverse("hotel:cancel", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
        page = client.post(cancel, follow=True).content.decode()
    assert "fee 504.00 yuan" in page and Reservation.objects.get().status == "cancelled"


def test_hotel01_the_guest_sees_rooms_facilities_and_prices_before_booking(client, hotel):
    page = client.get(reverse("hotel:rooms_info", kwargs={"hall": hotel.hall.code})).content.decode()
    assert "King room" in page and "from 428.00 yuan a night" in page and "Bathtub" in page
    assert "Corporate rate" in page and "Check-in from 14:00" in page


def test_hotel01_other_halls_and_roles_are_kept_out(client, hotel, other_world):
    client.force_login(other_world.manager)
    assert client.get(reverse("hotel:arrivals", kwargs={"hall": hotel.hall.code})).status_code == 404
    with time_machine.travel(NOW, tick=False):
        client.force_login(hotel.world.clerk)
        client.post(reverse("hotel:new", kwargs={"hall": hotel.hall.code}), form(hotel))
    reservation = Reservation.objects.get()
    client.force_login(other_world.clerk)
    url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
    assert client.get(url).status_code == 404


def test_hotel01_the_api_books_masks_and_refuses_a_card_number(hotel, other_world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(hotel.world.clerk)
    url = reverse("hotel_api:reservations", kwargs={"hall": hotel.hall.code})
    body = {
        "room_type": hotel.king.pk,
        "rate_plan": hotel.room_only.pk,
        "arrival": TODAY.isoformat(),
        "departure": (TODAY + dt.timedelta(days=1)).isoformat(),
        "guests": 1,
        "guest_name": "李四",
        "phone": PHONE,
        "channel": "phone",
        "guarantee": "card",
        "card_token": "POS-1",
        "card_last4": "4321",
    }
    with time_machine.travel(NOW, tick=False):
        booked = api.post(url, body, format="json")
        card = api.post(url, {**body, "card_token": "4111 1111 1111 1111"}, format="json")
        bad = api.post(url, {**body, "guests": "many"}, format="json")
        listed = api.get(url)
        free = api.get(reverse("hotel_api:availability", kwargs={"hall": hotel.hall.code}))
    assert booked.status_code == 201 and booked.json()["total"] == "428.00"
    assert booked.json()["phone"] == "139****5678" and booked.json()["card_last4"] == "4321"
    assert card.status_code == 422 and card.json()["code"] == "card_number"
    assert bad.status_code == 400
    assert [r["code"] for r in listed.json()] == [booked.json()["code"]] and PHONE not in listed.content.decode()
    king = next(row for row in free.json() if row["room_type"] == "king")
    assert king["nights"][0]["free"] == 1
    other = APIClient()
    other.force_authenticate(other_world.clerk)
    assert other.get(url).status_code == 404


def test_hotel01_the_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/hotel/halls/{hall}/reservations" in schema
