"""The departures list reads every departing guest's bill at once (HOTEL04): the same figures as one bill's
`folio_summary` (one rule computes the balance), in a number of queries that does not grow with the guests."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicehall.hotel import services_folio
from servicehall.hotel.models import Reservation
from servicehall.hotel.selectors_folio import folio_summaries, folio_summary
from testsupport.cashdesk import open_drawer

from .conftest import NOW
from .test_hotel04_folio import in_house, post

pytestmark = pytest.mark.django_db
TOMORROW = NOW + dt.timedelta(days=1)
# The departures page with any number of guests: sign-in, hall and navigation, the list, the bills (four
# queries for all), the reminders. Pinned: a query per guest would show here.
DEPARTURES_QUERIES = 11


def _page_queries(client, hotel):
    url = reverse("hotel:departures", kwargs={"hall": hotel.hall.code})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_hotel04_the_departures_list_reads_all_bills_at_once_with_the_same_balance(client, hotel):
    first = in_house(hotel, nights=1, deposit="300.00", number="801")
    open_drawer(hotel.world)
    services_folio.folio_deposit_take(
        reservation=first, method="cash", tendered="300.00", idempotency_key="d1", actor=hotel.world.clerk
    )
    post(hotel, first, price="25.00", quantity=2)
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        one = _page_queries(client, hotel)
        second = in_house(hotel, nights=1, number="802", guests=1)
        post(hotel, second, price="12.00", quantity=1, request_key="c2")
        services_folio.folio_check_out(
            reservation=Reservation.objects.get(pk=second.pk),
            method="card",
            pos_reference="POS123456",
            idempotency_key="o2",
            actor=hotel.world.clerk,
        )
        two = _page_queries(client, hotel)
    assert one == two <= DEPARTURES_QUERIES, (one, two)
    due = list(Reservation.objects.filter(pk__in=[first.pk, second.pk]).select_related("hall").order_by("pk"))
    batch = folio_summaries(reservations=due, today=TOMORROW.date())
    for reservation in due:
        single = folio_summary(reservation=reservation, today=TOMORROW.date())
        assert {k: batch[reservation.pk][k] for k in ("total", "balance", "deposit", "paid", "refunded")} == {
            k: single[k] for k in ("total", "balance", "deposit", "paid", "refunded")
        }
        assert [n.night for n in batch[reservation.pk]["pending"]] == [n.night for n in single["pending"]]
    assert batch[first.pk]["balance"] == Decimal("254.00") and batch[second.pk]["balance"] == 0
