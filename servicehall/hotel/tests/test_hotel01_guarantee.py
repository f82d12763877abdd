"""The guarantee checked again when a booking changes (HOTEL01): the deposit asked follows the policy's rule
(`deposit_nights` of the quote, as at booking) on the new quote and the extra is asked on the bill; a booking
without a guarantee is refused a change that takes it above the policy's `guarantee_above`."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.models import AuditEntry
from servicehall.hotel import services, services_folio
from servicehall.hotel.models import Reservation
from testsupport.cashdesk import open_drawer

from .conftest import NOW, TODAY
from .test_hotel01_change import change
from .test_hotel01_reservations import reserve

pytestmark = pytest.mark.django_db
IN_3 = TODAY + dt.timedelta(days=3)


def test_hotel01_a_deposit_left_empty_at_booking_is_the_policys_first_night(hotel):
    booked = reserve(hotel, arrival=IN_3, nights=2, guarantee="deposit", deposit="")
    assert booked.deposit == Decimal("428.00")  # the first night as quoted (pack: deposit_nights 1)
    typed = reserve(hotel, arrival=IN_3, nights=1, guarantee="deposit", deposit="300.00", phone="13900000002")
    assert typed.deposit == Decimal("300.00")  # the clerk may ask another amount


def test_hotel01_a_change_raises_the_deposit_asked_to_the_rule_and_the_extra_is_to_take(hotel):
    booked = reserve(hotel, arrival=IN_3, nights=1, guarantee="deposit", deposit="", guests=1)
    open_drawer(hotel.world)
    paid = services_folio.folio_deposit_take(
        reservation=booked, method="cash", tendered="428.00", idempotency_key="dep-1", actor=hotel.world.clerk
    )
    assert paid.amount == Decimal("428.00") and services_folio.deposit_due(booked) == 0
    # With breakfast for two the first night costs 428 + 76: the deposit asked rises by 76, to take on the bill.
    changed = change(hotel, booked, plan=hotel.breakfast, guests=2)
    assert changed.deposit == Decimal("504.00") and changed.deposit_raised == Decimal("76.00")
    stored = Reservation.objects.get(pk=booked.pk)
    assert stored.deposit == Decimal("504.00") and services_folio.deposit_due(stored) == Decimal("76.00")
    audit = AuditEntry.objects.get(action="hotel.reservation_change")
    assert audit.data["deposit"] == ["428.00", "504.00"]
    # A cheaper change never lowers what was asked (the excess is refunded at check-out).
    cheaper = change(hotel, stored, plan=hotel.room_only, guests=1)
    assert cheaper.deposit == Decimal("504.00") and cheaper.deposit_raised == 0


def test_hotel01_a_change_above_the_policys_limit_without_a_guarantee_is_refused(hotel):
    booked = reserve(hotel, arrival=IN_3, nights=2, guests=1)
    with pytest.raises(Conflict) as refused:
        change(hotel, booked, nights=8)  # 8 × 428 = 3424 yuan, above 3000 without a guarantee
    assert refused.value.code == "guarantee_needed" and "3424.00" in str(refused.value.message)
    stored = Reservation.objects.get(pk=booked.pk)
    assert stored.total == Decimal("856.00") and stored.nights_quoted.count() == 2
    # With a card guarantee the same change goes through; and booking such a stay needs one too.
    card = reserve(
        hotel,
        arrival=IN_3,
        nights=2,
        guests=1,
        guarantee="card",
        card_token="T1",
        card_last4="1234",
        phone="13900000002",
    )
    assert change(hotel, card, nights=8).total == Decimal("3424.00")
    with pytest.raises(Unprocessable) as at_booking:
        reserve(hotel, room_type=hotel.twin, arrival=IN_3, nights=8, phone="13900000003")
    assert at_booking.value.code == "guarantee_needed"


def test_hotel01_the_change_page_shows_the_extra_deposit_and_refuses_in_the_users_language(client, hotel):
    booked = reserve(hotel, arrival=IN_3, nights=1, guarantee="deposit", deposit="", guests=1)
    page_url = reverse("hotel:reservation", kwargs={"hall": hotel.hall.code, "reservation": booked.pk})
    url = reverse("hotel:change", kwargs={"hall": hotel.hall.code, "reservation": booked.pk})
    form = {
        "room_type": hotel.king.pk,
        "rate_plan": hotel.breakfast.pk,
        "arrival": IN_3.isoformat(),
        "departure": (IN_3 + dt.timedelta(days=1)).isoformat(),
        "guests": "2",
    }
    client.force_login(hotel.world.clerk)
    with time_machine.travel(NOW, tick=False):
        page = client.get(page_url).content.decode()
        assert 'data-testid="hotel-change-guarantee"' in page and "at least the first night" in page
        done = client.post(url, form, follow=True).content.decode()
        assert "The deposit asked is now 504.00 yuan (76.00 yuan more" in done
        assert "504.00 yuan of the deposit still to take" in done
        plain = reserve(hotel, arrival=IN_3, nights=1, guests=1, phone="13900000002")
        plain_url = reverse("hotel:change", kwargs={"hall": hotel.hall.code, "reservation": plain.pk})
        long = {**form, "rate_plan": hotel.room_only.pk, "guests": "1"}
        long["departure"] = (IN_3 + dt.timedelta(days=8)).isoformat()
        refused = client.post(plain_url, long)
        assert refused.status_code == 409 and "asks for a card or deposit guarantee" in refused.content.decode()
        refused_zh = client.post(plain_url, long, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert refused_zh.status_code == 409
    assert services.guarantee_needed(hotel.hall, "none", Decimal("3000.01"))
