"""Departure (HOTEL04) and charges (HOTEL03): a stay's folio is its nights at the rate plan plus its charges; a
correction is a reversing row; the deposit and the balance go through billing, the balance is taken once; the
guest checks out, the room goes to vacant dirty, the thank-you is texted."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from servicehall.billing.models import Payment, PaymentPurpose, Refund
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.core.models import AuditEntry, OutgoingMessage
from servicehall.hotel import night_audit, services, services_folio
from servicehall.hotel.models import Departure, FolioCharge, Reservation, Room
from servicehall.hotel.selectors_folio import folio_summary
from servicehall.hotel.states import ReservationStatus
from testsupport.cashdesk import open_drawer
from testsupport.customers import make_resident_id

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db
S = ReservationStatus


def in_house(hotel, *, nights=2, deposit=None, plan=None, guests=2, number="801"):
    """A stay arriving today (NOW) and checked in with its room given."""
    reservation = services.reservation_create(
        hall=hotel.hall,
        room_type=hotel.king,
        rate_plan=plan or hotel.breakfast,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=nights),
        guests=guests,
        guest_name="张三",
        phone="13912345678",
        channel="phone",
        guarantee="deposit" if deposit else "none",
        deposit=deposit,
        actor=hotel.world.clerk,
        now=NOW,
    )
    room = Room.objects.get(hall=hotel.hall, number=number)
    services.room_inspect(room=room, actor=hotel.world.clerk)
    services.room_assign(reservation=reservation, room=room, actor=hotel.world.clerk)
    guests_list = [{"name": f"住客{n}", "kind": "resident_id", "number": make_resident_id()} for n in range(guests)]
    services.guest_check_in(
        reservation=reservation, guests=guests_list, room_card="RC-1", actor=hotel.world.clerk, now=NOW
    )
    reservation.refresh_from_db()
    return reservation


def post(hotel, reservation, kind="minibar", price="25.00", quantity=2, **kwargs):
    return services_folio.folio_charge_post(
        reservation=reservation,
        kind=kind,
        unit_price=price,
        quantity=quantity,
        description=kwargs.pop("description", "可乐"),
        actor=kwargs.pop("actor", hotel.world.clerk),
        now=NOW,
        **kwargs,
    )


def test_hotel04_a_stays_folio_is_its_nights_at_the_rate_plan_plus_its_charges(hotel):
    reservation = in_house(hotel, nights=2)
    # The stay's nights at the plan: king 428.00 + breakfast 38.00 × 2 guests each night.
    expected_nights = Decimal("504.00") * 2
    night_audit.night_audit_run(hall=hotel.hall, business_date=TODAY, now=NOW + dt.timedelta(days=1))
    assert FolioCharge.objects.filter(reservation=reservation, kind="room_night").count() == 1
    post(hotel, reservation, kind="minibar", price="25.00", quantity=2)
    post(hotel, reservation, kind="meal", price="88.00", quantity=1, description="晚餐")
    summary = folio_summary(reservation=reservation, today=TODAY + dt.timedelta(days=2))
    assert summary["nights_total"] == expected_nights
    assert summary["total"] == expected_nights + Decimal("50.00") + Decimal("88.00")
    assert summary["balance"] == summary["total"]


def test_hotel03_charges_post_to_a_guest_in_house_with_bad_input_refused(hotel):
    reservation = in_house(hotel)
    charge = post(hotel, reservation, price="12.50", quantity=3)
    assert charge.amount == Decimal("37.50") and charge.posted_by == hotel.world.clerk
    assert AuditEntry.objects.filter(action="hotel.folio_charge").count() == 1
    for kwargs, code in (
        ({"price": "-5"}, "bad_amount"),
        ({"price": "1.234"}, "bad_amount"),
        ({"price": "abc"}, "bad_amount"),
        ({"price": "NaN"}, "bad_amount"),
        ({"quantity": 0}, "bad_quantity"),
        ({"quantity": "x"}, "bad_quantity"),
        ({"kind": "room_night"}, "bad_kind"),
        ({"description": "card 4111 1111 1111 1111"}, "card_number"),
    ):
        with pytest.raises(Unprocessable) as refused:
            post(hotel, reservation, **kwargs)
        assert refused.value.code == code
    assert FolioCharge.objects.filter(reservation=reservation).count() == 1


def test_hotel03_a_charge_is_posted_once_per_request_key_and_only_in_house(hotel):
    reservation = in_house(hotel)
    first = post(hotel, reservation, request_key="k1")
    assert post(hotel, reservation, request_key="k1") == first
    booked = services.reservation_create(
        hall=hotel.hall,
        room_type=hotel.twin,
        rate_plan=hotel.room_only,
        arrival=TODAY,
        departure=TODAY + dt.timedelta(days=1),
        guests=1,
        guest_name="李四",
        phone="13912345679",
        channel="phone",
        actor=hotel.world.clerk,
        now=NOW,
    )
    with pytest.raises(Conflict):
        post(hotel, booked)


def test_hotel03_a_correction_is_a_reversing_row_by_the_duty_manager_once(hotel):
    reservation = in_house(hotel)
    charge = post(hotel, reservation, price="30.00", quantity=1)
    with pytest.raises(Forbidden):
        services_folio.folio_charge_reverse(charge=charge, reason="错记", actor=hotel.world.clerk)
    with pytest.raises(Unprocessable):
        services_folio.folio_charge_reverse(charge=charge, reason=" ", actor=hotel.world.manager)
    reversal = services_folio.folio_charge_reverse(charge=charge, reason="错记", actor=hotel.world.manager)
    assert reversal.amount == Decimal("-30.00") and reversal.reverses == charge
    charge.refresh_from_db()
    assert charge.amount == Decimal("30.00")  # never edited
    with pytest.raises(Conflict):
        services_folio.folio_charge_reverse(charge=charge, reason="再来", actor=hotel.world.manager)
    with pytest.raises(TypeError):
        charge.save()
    assert folio_summary(reservation=reservation, today=TODAY)["total"] == Decimal("0.00")


def test_hotel04_check_out_takes_the_balance_once_with_the_deposit_applied(hotel):
    reservation = in_house(hotel, nights=1, deposit="300.00")
    open_drawer(hotel.world)
    services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered="300.00", idempotency_key="dep-1", actor=hotel.world.clerk
    )
    post(hotel, reservation, price="25.00", quantity=2)
    # Check-out the next morning: the night (504.00) is posted at check-out, plus 50.00, less the deposit.
    tomorrow = NOW + dt.timedelta(days=1)
    summary = folio_summary(reservation=reservation, today=tomorrow.date())
    assert summary["deposit"] == Decimal("300.00") and summary["balance"] == Decimal("254.00")
    with time_machine.travel(tomorrow, tick=False):
        result = services_folio.folio_check_out(
            reservation=reservation,
            method="cash",
            tendered="300.00",
            idempotency_key="out-1",
            actor=hotel.world.clerk,
            now=tomorrow,
        )
        again = services_folio.folio_check_out(
            reservation=Reservation.objects.get(pk=reservation.pk),
            method="cash",
            tendered="300.00",
            idempotency_key="out-2",
            actor=hotel.world.clerk,
            now=tomorrow,
        )
    payment = result["payment"]
    assert payment.amount == Decimal("254.00") and payment.purpose == PaymentPurpose.HOTEL_FOLIO
    assert again["departure"] == result["departure"] and again["payment"] is None
    assert Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO, reference__endswith=":balance").count() == 1
    reservation.refresh_from_db()
    assert reservation.status == S.CHECKED_OUT
    assert Room.objects.get(pk=reservation.room_id).housekeeping == Room.Housekeeping.VACANT_DIRTY
    assert FolioCharge.objects.filter(reservation=reservation, kind="room_night").count() == 1
    assert OutgoingMessage.objects.filter(purpose=services_folio.SMS_THANKS, phone=reservation.phone).exists()


def test_hotel04_a_deposit_above_the_bill_is_refunded_through_billing(hotel):
    reservation = in_house(hotel, nights=1, deposit="600.00", plan=hotel.room_only)
    open_drawer(hotel.world)
    services_folio.folio_deposit_take(
        reservation=reservation, method="cash", tendered="600.00", idempotency_key="dep-2", actor=hotel.world.clerk
    )
    tomorrow = NOW + dt.timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        result = services_folio.folio_check_out(
            reservation=reservation, idempotency_key="out-3", actor=hotel.world.clerk
        )
    refund = result["refund"]
    assert refund is not None and refund.amount == Decimal("600.00") - Decimal("428.00")
    assert Refund.objects.filter(payment__reference__endswith=":deposit").count() == 1
    assert Reservation.objects.get(pk=reservation.pk).status == S.CHECKED_OUT


def test_hotel04_a_second_balance_payment_after_the_bill_changed_is_refused_and_rolled_back(hotel):
    reservation = in_house(hotel, nights=1)
    post(hotel, reservation, price="10.00", quantity=1)
    with pytest.raises(Conflict):
        # The amount the clerk saw is no longer the bill: nothing is charged.
        services_folio._collect(
            reservation=reservation,
            part="balance",
            amount=Decimal("1.00"),
            method="card",
            tendered=None,
            pos_reference="POS123456",
            idempotency_key="stale",
            actor=hotel.world.clerk,
        )
    assert not Payment.objects.filter(purpose=PaymentPurpose.HOTEL_FOLIO).exists()


def test_hotel04_check_out_refuses_a_guest_not_in_house_and_staff_of_another_hall(hotel, other_world):
    reservation = in_house(hotel)
    with pytest.raises(Forbidden):
        services_folio.folio_check_out(reservation=reservation, actor=other_world.clerk, idempotency_key="x")
    with pytest.raises(Forbidden):
        post(hotel, reservation, actor=other_world.clerk)
    booked = Reservation.objects.filter(pk=reservation.pk)
    booked.update(status=S.BOOKED)
    with pytest.raises(Conflict):
        services_folio.folio_check_out(reservation=booked.get(), actor=hotel.world.clerk, idempotency_key="x")
    assert not Departure.objects.exists()


def test_hotel04_a_late_cancellation_fee_is_on_the_guests_bill_and_a_free_one_is_not(hotel):
    def book(arrival, phone):
        return services.reservation_create(
            hall=hotel.hall,
            room_type=hotel.king,
            rate_plan=hotel.room_only,
            arrival=arrival,
            departure=arrival + dt.timedelta(days=2),
            guests=1,
            guest_name="李四",
            phone=phone,
            channel="phone",
            actor=hotel.world.clerk,
            now=NOW,
        )

    free = services.reservation_cancel(
        reservation=book(TODAY + dt.timedelta(days=3), "13900000001"), actor=hotel.world.clerk, now=NOW
    )
    late = services.reservation_cancel(
        reservation=book(TODAY + dt.timedelta(days=1), "13900000002"),
        actor=hotel.world.clerk,
        now=NOW.replace(hour=15),
    )
    assert not FolioCharge.objects.filter(reservation=free).exists()
    fee = FolioCharge.objects.get(reservation=late)
    assert (fee.kind, fee.amount) == ("cancel_fee", Decimal("428.00"))
    assert folio_summary(reservation=late, today=TODAY)["balance"] == Decimal("428.00")
