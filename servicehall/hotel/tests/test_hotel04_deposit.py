"""The deposit (HOTEL04): the reservation's deposit is the amount asked for; only what went through billing
(purpose `hotel_folio`) is paid. It is taken once, at most the amount asked, and the bill shows both. A deposit
paid on the card terminal at booking is recorded through billing at booking. And check-out closes the guest's
open requests (HOTEL03/HOTEL04)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from servicehall.billing.models import Payment, PaymentPurpose
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.hotel import selectors_stay, services_folio, services_stay
from servicehall.hotel.models import GuestRequest, Reservation
from servicehall.hotel.selectors_folio import folio_summary
from servicehall.hotel.states import RequestStatus, ReservationStatus
from testsupport.cashdesk import open_drawer

from .conftest import NOW, TODAY
from .test_hotel04_folio import in_house, post

pytestmark = pytest.mark.django_db
TOMORROW = NOW + dt.timedelta(days=1)


def deposits(reservation):
    return Payment.objects.filter(
        purpose=PaymentPurpose.HOTEL_FOLIO, reference=f"hotel:{reservation.pk}:deposit", status="succeeded"
    )


def folio_url(hotel, reservation, name="folio"):
    return reverse(f"hotel:{name}", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})


def book(hotel, **kwargs):
    fields = {
        "hall": hotel.hall,
        "room_type": hotel.king,
        "rate_plan": hotel.room_only,
        "arrival": TODAY + dt.timedelta(days=3),
        "departure": TODAY + dt.timedelta(days=4),
        "guests": 1,
        "guest_name": "李四",
        "phone": "13912345679",
        "channel": "phone",
        "guarantee": "deposit",
        "deposit": "500.00",
        "actor": hotel.world.clerk,
        "now": NOW,
    }
    return services_folio.reservation_book(**{**fields, **kwargs})


def test_hotel04_a_deposit_asked_at_booking_is_not_paid_until_taken_through_billing(hotel):
    reservation = in_house(hotel, nights=1, deposit="300.00")
    summary = folio_summary(reservation=reservation, today=TODAY)
    assert summary["deposit_asked"] == Decimal("300.00")
    assert summary["deposit"] == Decimal("0.00") and summary["deposit_to_take"] == Decimal("300.00")
    # The bill is the night (504.00) alone: the deposit asked for takes nothing off it.
    assert folio_summary(reservation=reservation, today=TODAY + dt.timedelta(days=1))["balance"] == Decimal("504.00")


def test_hotel04_the_deposit_is_taken_once_never_twice_and_the_balance_is_right(hotel):
    reservation = in_house(hotel, nights=1, deposit="300.00")
    open_drawer(hotel.world)
    first = services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered="300.00", idempotency_key="dep-a", actor=hotel.world.clerk
    )
    # The same form sent twice: the first payment, nothing more.
    again = services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered="300.00", idempotency_key="dep-a", actor=hotel.world.clerk
    )
    assert again.pk == first.pk and first.amount == Decimal("300.00")
    # Another key: refused, the deposit is paid.
    with pytest.raises(Conflict) as refused:
        services_folio.folio_deposit_take(
            reservation=reservation, method="cash", tendered="300.00", idempotency_key="dep-b", actor=hotel.world.clerk
        )
    assert refused.value.code == "deposit_paid"
    assert deposits(reservation).count() == 1
    post(hotel, reservation, price="25.00", quantity=2)
    summary = folio_summary(reservation=reservation, today=TOMORROW.date())
    assert summary["deposit"] == Decimal("300.00") and summary["deposit_to_take"] == Decimal("0.00")
    assert summary["balance"] == Decimal("504.00") + Decimal("50.00") - Decimal("300.00")


def test_hotel04_the_bill_shows_deposit_asked_and_paid_and_offers_taking_it_only_until_paid(client, hotel):
    reservation = in_house(hotel, nights=1, deposit="300.00")
    open_drawer(hotel.world)
    client.force_login(hotel.world.clerk)
    page = client.get(folio_url(hotel, reservation)).content.decode()
    assert "Deposit asked" in page and "Deposit paid" in page
    assert 'data-testid="folio-deposit-form"' in page and "Take the deposit of 300.00 yuan" in page
    form = {"method": "cash", "tendered": "300.00", "request_key": "dep-page"}
    assert client.post(folio_url(hotel, reservation, "folio_deposit"), form).status_code == 302
    assert client.post(folio_url(hotel, reservation, "folio_deposit"), form).status_code == 302  # resent: same
    other = client.post(folio_url(hotel, reservation, "folio_deposit"), {**form, "request_key": "dep-page-2"})
    assert other.status_code == 409 and "The deposit has been paid already." in other.content.decode()
    assert deposits(reservation).count() == 1
    page = client.get(folio_url(hotel, reservation)).content.decode()
    assert 'data-testid="folio-deposit-form"' not in page
    assert 'data-testid="folio-deposit">300.00<' in page and 'data-testid="folio-deposit-asked">300.00<' in page


def test_hotel04_a_deposit_paid_at_booking_is_recorded_through_billing_once(hotel):
    reservation = book(hotel, deposit_pos_reference="POS123456", request_key="bk-1")
    assert deposits(reservation).count() == 1
    payment = deposits(reservation).get()
    assert payment.amount == Decimal("500.00") and payment.method == "card" and payment.pos_reference == "POS123456"
    # The booking form sent again: the same reservation, the deposit not taken twice.
    assert book(hotel, deposit_pos_reference="POS123456", request_key="bk-1").pk == reservation.pk
    assert deposits(reservation).count() == 1
    summary = folio_summary(reservation=reservation, today=TODAY)
    assert summary["deposit"] == Decimal("500.00") and summary["deposit_to_take"] == Decimal("0.00")
    with pytest.raises(Conflict):
        services_folio.folio_deposit_take(
            reservation=reservation,
            method="card",
            pos_reference="POS654321",
            idempotency_key="x",
            actor=hotel.world.clerk,
        )


def test_hotel04_a_bad_terminal_reference_at_booking_books_nothing(hotel):
    with pytest.raises(Unprocessable) as refused:
        book(hotel, deposit_pos_reference="no!", request_key="bk-2")
    assert refused.value.code == "bad_pos_reference"
    with pytest.raises(Unprocessable) as refused:
        book(hotel, deposit_pos_reference="POS123456", guarantee="none", deposit=None, request_key="bk-3")
    assert refused.value.code == "bad_guarantee"
    assert not Reservation.objects.exists() and not Payment.objects.exists()


def test_hotel04_booking_page_records_a_deposit_paid_by_card_and_the_api_too(client, hotel):
    client.force_login(hotel.world.clerk)
    day = (TODAY + dt.timedelta(days=3)).isoformat()
    form = {
        "room_type": hotel.king.pk,
        "rate_plan": hotel.room_only.pk,
        "arrival": day,
        "departure": (TODAY + dt.timedelta(days=4)).isoformat(),
        "guests": "1",
        "guest_name": "王五",
        "phone": "13912345670",
        "channel": "phone",
        "guarantee": "deposit",
        "deposit": "400.00",
        "deposit_pos_reference": "POS777888",
        "request_key": "page-bk",
    }
    with time_machine.travel(NOW, tick=False):
        answer = client.post(reverse("hotel:new", kwargs={"hall": hotel.hall.code}), form)
        assert answer.status_code == 302
        api = client.post(
            f"/api/v1/hotel/halls/{hotel.hall.code}/reservations",
            {**form, "deposit_pos_reference": "POS999000", "request_key": "api-bk", "phone": "13912345671"},
            content_type="application/json",
        )
    assert api.status_code == 201, api.content
    for reservation in Reservation.objects.all():
        assert deposits(reservation).count() == 1 and deposits(reservation).get().amount == reservation.deposit


def test_hotel04_check_out_closes_the_guests_open_requests_in_the_same_transaction(hotel):
    reservation = in_house(hotel, nights=1)
    open_drawer(hotel.world)
    clerk = hotel.world.clerk
    open_one = services_stay.guest_request_create(reservation=reservation, kind="towels", actor=clerk, now=NOW)
    started = services_stay.guest_request_create(reservation=reservation, kind="extra_bed", actor=clerk, now=NOW)
    services_stay.guest_request_start(request=started, actor=clerk, now=NOW)
    finished = services_stay.guest_request_create(reservation=reservation, kind="towels", actor=clerk, now=NOW)
    services_stay.guest_request_done(request=finished, actor=clerk, now=NOW)
    assert selectors_stay.guest_requests(hall=hotel.hall).count() == 2
    with time_machine.travel(TOMORROW, tick=False):
        services_folio.folio_check_out(
            reservation=reservation, method="cash", tendered="600.00", idempotency_key="co-r", actor=clerk
        )
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.CHECKED_OUT
    for request in (open_one, started):
        request.refresh_from_db()
        assert request.status == RequestStatus.CANCELLED
        assert request.moves.order_by("-id").first().note == "guest checked out"
    finished.refresh_from_db()
    assert finished.status == RequestStatus.DONE
    assert not selectors_stay.guest_requests(hall=hotel.hall).exists()


def test_hotel04_a_refused_check_out_leaves_the_requests_open(hotel):
    reservation = in_house(hotel, nights=1)
    request = services_stay.guest_request_create(
        reservation=reservation, kind="towels", actor=hotel.world.clerk, now=NOW
    )
    with time_machine.travel(TOMORROW, tick=False), pytest.raises(Unprocessable):
        services_folio.folio_check_out(
            reservation=reservation, method="gold", idempotency_key="co-bad", actor=hotel.world.clerk
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    assert GuestRequest.objects.filter(status__in=("requested", "in_progress")).count() == 1


def test_hotel04_the_demo_has_a_deposit_asked_and_one_paid_at_booking():
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    asked = Reservation.objects.get(phone="13800138101")
    paid = Reservation.objects.get(phone="13800138104")
    assert asked.deposit == paid.deposit == Decimal("500.00")
    assert not deposits(asked).exists()
    assert deposits(paid).count() == 1 and deposits(paid).get().amount == Decimal("500.00")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - loading again pays nothing more
    assert deposits(paid).count() == 1
