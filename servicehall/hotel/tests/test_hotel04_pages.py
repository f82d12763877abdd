"""The departure screens and API (HOTEL04, HOTEL03 for charges): the departures due out with the reminder, the
itemised bill the guest checks, a charge posted and bad input refused with a 4xx, the check-out by card with the
farewell phrase, the night audit page with its figures; another hall's staff get 404; the API in the schema."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from servicehall.billing.models import Payment
from servicehall.core.models import OutgoingMessage
from servicehall.hotel import night_audit
from servicehall.hotel.models import FolioCharge, Room
from servicehall.hotel.states import ReservationStatus

from .conftest import NOW, TODAY
from .test_hotel04_folio import in_house, post

pytestmark = pytest.mark.django_db
TOMORROW = NOW + dt.timedelta(days=1)


def url(name, hotel, reservation=None, **kwargs):
    kw = {"hall": hotel.hall.code, **kwargs}
    if reservation is not None:
        kw["reservation"] = reservation.pk
    return reverse(f"hotel:{name}", kwargs=kw)


def test_hotel04_the_bill_lists_nights_and_charges_and_the_balance_masked_phone(client, hotel):
    reservation = in_house(hotel, nights=1)
    post(hotel, reservation, price="25.00", quantity=2, description="可乐")
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        page = client.get(url("folio", hotel, reservation)).content.decode()
    assert "可乐" in page and "50.00" in page and "504.00" in page and "554.00" in page
    assert "data-print" in page and "13912345678" not in page


def test_hotel03_a_charge_posted_on_the_page_and_bad_input_answers_422(client, hotel):
    reservation = in_house(hotel)
    client.force_login(hotel.world.clerk)
    ok = client.post(
        url("folio_charge", hotel, reservation),
        {"kind": "meal", "unit_price": "88.00", "quantity": "1", "description": "晚餐", "request_key": "p1"},
    )
    assert ok.status_code == 302
    bad = client.post(url("folio_charge", hotel, reservation), {"kind": "meal", "unit_price": "-1", "quantity": "1"})
    assert bad.status_code == 422 and "Enter the price in yuan" in bad.content.decode()
    assert client.post(url("folio_charge", hotel, reservation), {"kind": "spa", "unit_price": "5"}).status_code == 422
    assert FolioCharge.objects.filter(reservation=reservation).count() == 1


def test_hotel04_check_out_by_card_shows_the_farewell_and_the_room_goes_dirty(client, hotel):
    reservation = in_house(hotel, nights=1)
    form = {"method": "card", "pos_reference": "POS778899", "request_key": "co-1"}
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        done = client.post(url("check_out", hotel, reservation), form, follow=True)
        again = client.post(url("check_out", hotel, reservation), form)
    page = done.content.decode()
    assert done.status_code == 200 and "Thank you for staying with us" in page
    assert again.status_code == 302 and Payment.objects.count() == 1
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CHECKED_OUT
    assert Room.objects.get(pk=reservation.room_id).housekeeping == Room.Housekeeping.VACANT_DIRTY
    assert OutgoingMessage.objects.filter(purpose="hotel_thanks").count() == 1


def test_hotel04_check_out_without_a_method_is_refused_with_a_4xx_and_takes_nothing(client, hotel):
    reservation = in_house(hotel, nights=1)
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        answer = client.post(url("check_out", hotel, reservation), {"method": "gold", "request_key": "co-2"})
    assert answer.status_code == 422 and not Payment.objects.exists()
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.CHECKED_IN


def test_hotel04_departures_list_and_reminder_texted_once(client, hotel):
    reservation = in_house(hotel, nights=1)
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        page = client.get(url("departures", hotel)).content.decode()
        client.post(url("departures_remind", hotel))
        client.post(url("departures_remind", hotel))
        after = client.get(url("departures", hotel)).content.decode()
    assert reservation.code in page and "139****5678" in page
    assert OutgoingMessage.objects.filter(purpose=f"hotel_departure:{reservation.pk}").count() == 1
    assert 'data-testid="hotel-departure"' in after


def test_hotel04_the_manager_sees_the_night_audit_figures(client, hotel):
    in_house(hotel, nights=2)
    night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=TOMORROW)
    client.force_login(hotel.world.manager)
    page = client.get(url("night_audits", hotel)).content.decode()
    # 1 of 3 rooms sold at 504.00: occupancy 33.33 %, ADR 504.00, RevPAR 168.00.
    assert "33.33%" in page and "504.00" in page and "168.00" in page


def test_hotel04_another_halls_staff_get_404_and_a_clerk_cannot_run_the_audit(client, hotel, other_world):
    reservation = in_house(hotel)
    client.force_login(other_world.clerk)
    assert client.get(url("folio", hotel, reservation)).status_code == 404
    assert client.post(url("check_out", hotel, reservation), {"method": "card"}).status_code == 404
    assert client.get(url("night_audits", hotel)).status_code == 404
    client.force_login(hotel.world.clerk)
    assert client.post(url("night_audit_run", hotel), {"day": TODAY.isoformat()}).status_code == 403


def test_hotel04_api_bill_charge_and_check_out(client, hotel):
    reservation = in_house(hotel, nights=1)
    client.force_login(hotel.world.clerk)
    base = f"/api/v1/hotel/halls/{hotel.hall.code}/reservations/{reservation.pk}"
    posted = client.post(
        f"{base}/folio/charges",
        {"kind": "minibar", "unit_price": "10.00", "quantity": 3},
        content_type="application/json",
    )
    assert posted.status_code == 201 and posted.json()["amount"] == "30.00"
    bad = client.post(f"{base}/folio/charges", {"kind": "minibar", "unit_price": "0"}, content_type="application/json")
    assert bad.status_code == 422
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        bill = client.get(f"{base}/folio").json()
        assert Decimal(bill["balance"]) == Decimal("534.00")
        out = client.post(
            f"{base}/check-out",
            {"method": "card", "pos_reference": "POS112233", "idempotency_key": "api-1"},
            content_type="application/json",
        )
    assert out.status_code == 200 and out.json()["status"] == "checked_out"
    client.force_login(hotel.world.manager)
    assert client.get(f"/api/v1/hotel/halls/{hotel.hall.code}/night-audits").status_code == 200


def test_hotel04_the_api_is_in_the_openapi_schema(client):
    schema = client.get(reverse("schema")).content.decode()
    for path in ("/folio", "/folio/charges", "/check-out", "/night-audits"):
        assert path in schema
