"""A rating without a ticket (HOTEL04): every check-out offers care's rating of the stay through a link (the
farewell screen's QR code), open 24 hours, rated once — also when pressed at once (threads on PostgreSQL).
Care knows the stay only as a source, a reference and the words shown; it never imports hotel."""

import datetime as dt
import threading
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from servicehall.care import services as care_services
from servicehall.care.models import DissatisfactionAlert, Rating, RatingChannel, Score
from servicehall.care.states import RatingStatus
from servicehall.core.errors import Conflict
from servicehall.hotel import selectors_folio, services_folio
from servicehall.hotel.models import Reservation

from .conftest import NOW
from .test_hotel04_folio import in_house

TOMORROW = NOW + dt.timedelta(days=1)


def checked_out(hotel):
    reservation = in_house(hotel, nights=1, guests=1)
    with time_machine.travel(TOMORROW, tick=False):
        services_folio.folio_check_out(
            reservation=reservation,
            method="card",
            pos_reference="POS123456",
            idempotency_key="o",
            actor=hotel.world.clerk,
        )
    return Reservation.objects.get(pk=reservation.pk)


@pytest.mark.django_db
def test_hotel04_check_out_without_a_ticket_offers_the_stay_a_rating_once_within_24_hours(hotel):
    reservation = checked_out(hotel)
    rating = selectors_folio.stay_rating(reservation=reservation)
    assert rating is not None and rating.ticket is None and rating.channel == RatingChannel.LINK
    assert rating.clerk == hotel.world.clerk and reservation.code in rating.subject and "801" in rating.subject
    assert rating.open_until == TOMORROW + dt.timedelta(hours=24)
    # Asked again (a retry): the same rating.
    again = services_folio.stay_rating_ask(reservation, actor=hotel.world.clerk, now=TOMORROW)
    assert again.pk == rating.pk and Rating.objects.count() == 1
    late = TOMORROW + dt.timedelta(hours=25)
    with pytest.raises(Conflict) as closed:
        care_services.rating_from_link(rating_id=rating.pk, score=Score.SATISFIED, now=late)
    assert closed.value.code == "rating_closed"
    done = care_services.rating_from_link(rating_id=rating.pk, score=Score.DISSATISFIED, now=TOMORROW)
    assert done.status == RatingStatus.RATED and DissatisfactionAlert.objects.filter(rating=rating).count() == 1
    with pytest.raises(Conflict) as twice:
        care_services.rating_from_link(rating_id=rating.pk, score=Score.SATISFIED, now=TOMORROW)
    assert twice.value.code == "rated_already"


@pytest.mark.django_db
def test_hotel04_the_farewell_screen_carries_the_link_and_the_guest_rates_on_the_public_page(client, hotel):
    reservation = checked_out(hotel)
    rating = selectors_folio.stay_rating(reservation=reservation)
    farewell = reverse("hotel:farewell", kwargs={"hall": hotel.hall.code, "reservation": reservation.pk})
    link = reverse("care:link_rate", kwargs={"rating": rating.pk})
    with time_machine.travel(TOMORROW, tick=False):
        client.force_login(hotel.world.clerk)
        answer = client.get(farewell)
        assert answer.status_code == 200, (answer.status_code, answer.get("Location"))
        page = answer.content.decode()
        assert 'data-testid="farewell-stay-rating-link"' in page and link in page and "<svg" in page
        client.logout()
        public = client.get(link)
        assert public.status_code == 200 and reservation.code in public.content.decode()
        assert 'data-testid="link-rate-very_satisfied"' in public.content.decode()
        answered = client.post(link, {"score": "very_satisfied"}, follow=True).content.decode()
        assert 'data-testid="link-rate-done"' in answered
        assert client.post(link, {"score": "dissatisfied"}).status_code == 409
        bad = client.post(link, {"score": "great"})
        assert bad.status_code == 422
        zh = client.get(link, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert zh.status_code == 200
        nothing = client.get(reverse("care:link_rate", kwargs={"rating": "00000000-0000-4000-8000-000000000000"}))
        assert nothing.status_code == 404
        client.force_login(hotel.world.clerk)
        assert "The guest rated the stay: Very satisfied." in client.get(farewell).content.decode()
    assert Rating.objects.get(pk=rating.pk).score == Score.VERY_SATISFIED


def test_hotel04_care_never_imports_hotel():
    care = Path(__file__).resolve().parents[2] / "care"
    assert not [p.name for p in care.rglob("*.py") if "servicehall.hotel" in p.read_text(encoding="utf-8")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hotel04_presses_of_the_stays_link_at_once_count_once(postgres_only, threads_db):
    from servicehall.catalog.services import pack_load  # noqa: F401 - the world below loads what it needs
    from testsupport.world import build_world

    world = build_world("hrate")
    rating = care_services.rating_link_ask(
        hall=world.hall, source="hotel_stay", ref="1", subject="H1 · 801", clerk=world.clerk
    )
    results: list[str] = []
    start = threading.Barrier(8)

    def tap(score):
        try:
            start.wait()
            care_services.rating_from_link(rating_id=rating.pk, score=score)
            results.append("counted")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(s,)) for s in [Score.DISSATISFIED, Score.SATISFIED] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["counted"] + ["rated_already"] * 7
    rating.refresh_from_db()
    assert DissatisfactionAlert.objects.filter(rating=rating).count() == (rating.score == Score.DISSATISFIED)
