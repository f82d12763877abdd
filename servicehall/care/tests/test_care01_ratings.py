"""CARE01: the counter's rating pad asks when a service ends, counts one press within the window, and a
dissatisfied press raises an alert the duty manager handles (escalated when left too long)."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicehall.care import selectors, services
from servicehall.care.models import AlertAction, AlertMove, DissatisfactionAlert, OpinionEntry, Rating, Score
from servicehall.care.states import AlertStatus, RatingStatus
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.org.models import Membership
from servicehall.org.roles import Role
from testsupport.world import make_member

from .helpers import served

pytestmark = pytest.mark.django_db


def pad_client(world) -> Client:
    """The pad runs on the public test hall's tablet: no sign-in."""
    return Client()


def pad_url(world, name: str = "care:pad") -> str:
    return reverse(name, kwargs={"hall": world.hall.code, "number": world.counter1.number})


def press(client, world, rating, score):
    return client.post(pad_url(world, "care:pad_press"), {"rating": str(rating.pk), "score": score})


def test_care01_finishing_a_ticket_makes_the_pad_ask_with_the_clerk_counter_and_business(world):
    ticket = served(world)
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.status, rating.counter, rating.clerk) == (RatingStatus.ASKED, world.counter1, world.clerk)
    state = pad_client(world).get(pad_url(world, "care:pad_state")).json()
    assert state["asking"]["rating"] == str(rating.pk)
    assert state["asking"]["ticket"] == ticket.number
    assert 1 <= state["asking"]["seconds_left"] <= 10


def test_care01_the_idle_pad_shows_the_clerks_name_and_job_number(world):
    world.clerk.first_name = "Wang Xiaoyan"
    world.clerk.save()
    Membership.objects.filter(user=world.clerk, hall=world.hall).update(job_number="A007")
    page = pad_client(world).get(pad_url(world)).content.decode()
    assert "Wang Xiaoyan" in page
    assert "A007" in page
    assert "Please rate my service" in page  # the question, hidden until the pad asks
    assert json.loads(page.split('id="pad-state" type="application/json">')[1].split("</script>")[0])["asking"] is None


def test_care01_a_press_within_the_window_counts_once_and_a_second_press_is_told_so(world):
    rating = Rating.objects.get(ticket=served(world))
    client = pad_client(world)
    first = press(client, world, rating, Score.VERY_SATISFIED)
    assert first.status_code == 200
    assert first.json()["message"] == "Thank you for your rating!"
    second = press(client, world, rating, Score.DISSATISFIED)
    assert second.status_code == 409
    assert second.json()["message"] == "This service has been rated already. Thank you!"
    rating.refresh_from_db()
    assert (rating.status, rating.score) == (RatingStatus.RATED, Score.VERY_SATISFIED)
    assert not DissatisfactionAlert.objects.exists()
    assert pad_client(world).get(pad_url(world, "care:pad_state")).json()["asking"] is None


def test_care01_a_late_press_changes_nothing_and_the_pad_says_so(world, settings):
    settings.CARE_RATING_WINDOW_SECONDS = 10
    rating = Rating.objects.get(ticket=served(world))
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        response = press(pad_client(world), world, rating, Score.SATISFIED)
        assert pad_client(world).get(pad_url(world, "care:pad_state")).json()["asking"] is None
    assert response.status_code == 409
    assert response.json()["message"] == "The time to rate has passed. Thank you all the same."
    rating.refresh_from_db()
    assert (rating.status, rating.score) == (RatingStatus.ASKED, "")


def test_care01_bad_presses_are_4xx_with_a_message(world):
    rating = Rating.objects.get(ticket=served(world))
    client = pad_client(world)
    assert press(client, world, rating, "excellent").status_code == 422
    assert press(client, world, rating, "excellent").json()["message"] == "Press one of the four keys."
    bogus = client.post(pad_url(world, "care:pad_press"), {"rating": "not-a-uuid", "score": Score.SATISFIED})
    assert bogus.status_code == 404
    # the pad of another counter cannot press this counter's rating
    other = reverse("care:pad_press", kwargs={"hall": world.hall.code, "number": world.counter2.number})
    assert client.post(other, {"rating": str(rating.pk), "score": Score.SATISFIED}).status_code == 404
    rating.refresh_from_db()
    assert rating.status == RatingStatus.ASKED


def test_care01_a_private_halls_pad_needs_a_paired_device_or_staff(world):
    world.hall.public_kiosk = False
    world.hall.save()
    assert Client().get(pad_url(world)).status_code == 302  # to the sign-in page
    assert Client().get(pad_url(world, "care:pad_state")).status_code in (401, 403)
    staff = Client()
    staff.force_login(world.clerk)
    assert staff.get(pad_url(world)).status_code == 200


def test_care01_the_clerk_asks_on_the_workbench_while_serving(world):
    ticket = served(world, finish=False)
    clerk = Client()
    clerk.force_login(world.clerk)
    clerk.post(reverse("queueing:workbench_take", kwargs={"hall": world.hall.code}), {"counter": world.counter1.pk})
    workbench = clerk.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code}))
    assert 'data-testid="action-rate"' in workbench.content.decode()
    url = reverse("care:ask", kwargs={"hall": world.hall.code, "ticket": ticket.pk})
    answer = clerk.post(url, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "The pad asks the customer to rate." in answer.content.decode()
    rating = Rating.objects.get(ticket=ticket)
    # A refresh of the workbench shows that the pad asks, not the button again.
    workbench = clerk.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})).content.decode()
    assert 'data-testid="action-rate-done"' in workbench and 'data-testid="action-rate"' not in workbench
    press(pad_client(world), world, rating, Score.SATISFIED)
    workbench = clerk.get(reverse("queueing:workbench", kwargs={"hall": world.hall.code})).content.decode()
    assert "The customer has rated." in workbench
    # finishing afterwards does not ask again: the service has its rating
    from servicehall.queueing import services as queue

    queue.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
    assert Rating.objects.filter(ticket=ticket).count() == 1
    again = clerk.post(url, headers={"HX-Request": "true"})
    assert again.status_code == 409
    assert "rated already" in again.content.decode()


def test_care01_a_dissatisfied_press_raises_an_alert_the_manager_handles_on_the_console(world):
    rating = Rating.objects.get(ticket=served(world))
    press(pad_client(world), world, rating, Score.DISSATISFIED)
    alert = DissatisfactionAlert.objects.get(rating=rating)
    assert alert.status == AlertStatus.OPEN
    manager = Client()
    manager.force_login(world.manager)
    console = manager.get(reverse("queueing:manager", kwargs={"hall": world.hall.code})).content.decode()
    assert f'data-testid="care-alert-{rating.ticket.number}"' in console
    assert world.clerk.username in console
    handle = reverse("care:alert_handle", kwargs={"hall": world.hall.code, "alert": alert.pk})
    back = reverse("queueing:manager", kwargs={"hall": world.hall.code})
    refused = manager.post(handle, {"action": "", "next": back}, follow=True)
    assert "Choose what was done." in refused.content.decode()
    done = manager.post(handle, {"action": AlertAction.APOLOGISED, "note": "fixed the bill", "next": back}, follow=True)
    assert done.redirect_chain[-1][0] == back
    assert f"The alert of ticket {rating.ticket.number} is closed." in done.content.decode()
    assert f'data-testid="care-alert-{rating.ticket.number}"' not in done.content.decode()
    alert.refresh_from_db()
    assert (alert.status, alert.action, alert.handled_by) == (
        AlertStatus.HANDLED,
        AlertAction.APOLOGISED,
        world.manager,
    )
    assert list(AlertMove.objects.filter(alert=alert).values_list("to_status", flat=True)) == ["open", "handled"]


def test_care01_the_console_shows_an_alerts_time_in_the_halls_own_time_zone(world):
    world.hall.timezone = "Asia/Urumqi"  # two hours behind the server's Asia/Shanghai
    world.hall.save(update_fields=["timezone"])
    rating = Rating.objects.get(ticket=served(world))
    press(pad_client(world), world, rating, Score.DISSATISFIED)
    alert = DissatisfactionAlert.objects.get(rating=rating)
    raised = dt.datetime(2026, 12, 1, 3, 15, tzinfo=dt.UTC)  # 11:15 in Shanghai, 09:15 in Urumqi
    DissatisfactionAlert.objects.filter(pk=alert.pk).update(raised_at=raised)
    manager = Client()
    manager.force_login(world.manager)
    console = manager.get(reverse("queueing:manager", kwargs={"hall": world.hall.code})).content.decode()
    assert "<time>09:15</time>" in console and "<time>11:15</time>" not in console


def test_care01_an_alert_left_too_long_is_escalated_to_the_service_manager(world, settings):
    settings.CARE_ALERT_ESCALATE_MINUTES = 10
    service_manager = make_member(world.hall, Role.SERVICE_MANAGER, "service_ha")
    rating = Rating.objects.get(ticket=served(world))
    press(pad_client(world), world, rating, Score.DISSATISFIED)
    call_command("care_escalate", stdout=open("/dev/null", "w"))  # noqa: SIM115 - too early: nothing moves
    assert DissatisfactionAlert.objects.get().status == AlertStatus.OPEN
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert services.alerts_escalate() == 1
    alert = DissatisfactionAlert.objects.get()
    assert alert.status == AlertStatus.ESCALATED
    client = Client()
    client.force_login(service_manager)
    page = client.get(reverse("care:alerts", kwargs={"hall": world.hall.code})).content.decode()
    assert "Escalated to the service manager" in page
    handle = reverse("care:alert_handle", kwargs={"hall": world.hall.code, "alert": alert.pk})
    client.post(handle, {"action": AlertAction.CALLED_OVER})
    alert.refresh_from_db()
    assert (alert.status, alert.handled_by) == (AlertStatus.HANDLED, service_manager)


def test_care01_a_clerk_neither_sees_nor_handles_alerts_and_other_halls_see_nothing(world, other_world):
    rating = Rating.objects.get(ticket=served(world))
    press(pad_client(world), world, rating, Score.DISSATISFIED)
    alert = DissatisfactionAlert.objects.get()
    clerk = Client()
    clerk.force_login(world.clerk)
    assert clerk.get(reverse("care:alerts", kwargs={"hall": world.hall.code})).status_code == 403
    handle = reverse("care:alert_handle", kwargs={"hall": world.hall.code, "alert": alert.pk})
    assert clerk.post(handle, {"action": AlertAction.APOLOGISED}).status_code == 403
    outsider = Client()
    outsider.force_login(other_world.manager)
    assert outsider.post(handle, {"action": AlertAction.APOLOGISED}).status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_care01_the_ticket_page_takes_one_rating_within_24_hours_when_the_pad_did_not(world, settings):
    settings.CARE_TRACK_RATING_HOURS = 24
    ticket = served(world)
    customer = Client()
    track = customer.get(reverse("queueing:track", kwargs={"ticket": ticket.pk})).content.decode()
    assert 'data-testid="rate-service"' in track
    url = reverse("care:ticket_rate", kwargs={"ticket": ticket.pk})
    assert customer.post(url, {"score": "great"}).status_code == 422
    done = customer.post(url, {"score": Score.FAIR}, follow=True)
    assert done.redirect_chain == [(url, 302)]  # a reload of the thank-you page sends nothing again
    assert "This service has been rated already. Thank you!" in done.content.decode()
    assert customer.post(url, {"score": Score.DISSATISFIED}).status_code == 409
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.channel) == (Score.FAIR, "track")
    track = customer.get(reverse("queueing:track", kwargs={"ticket": ticket.pk})).content.decode()
    assert 'data-testid="rate-service"' not in track


def test_care01_asking_the_next_customer_closes_the_previous_customers_window(world):
    first = Rating.objects.get(ticket=served(world))  # finished: the pad asks its customer
    second_ticket = served(world, finish=False)
    second = services.rating_ask(ticket=second_ticket, actor=world.clerk)  # 请评价 for the next customer
    state = pad_client(world).get(pad_url(world, "care:pad_state")).json()
    assert state["asking"]["rating"] == str(second.pk)
    press(pad_client(world), world, second, Score.SATISFIED)
    # The first customer's question does not come back after the second customer's press.
    assert pad_client(world).get(pad_url(world, "care:pad_state")).json()["asking"] is None
    late = press(pad_client(world), world, first, Score.DISSATISFIED)
    assert (late.status_code, late.json()["code"]) == (409, "rating_closed")


def test_care01_the_ticket_page_is_closed_for_rating_after_the_hours(world, settings):
    settings.CARE_TRACK_RATING_HOURS = 24
    ticket = served(world)
    url = reverse("care:ticket_rate", kwargs={"ticket": ticket.pk})
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert 'data-testid="ticket-rate-closed"' in Client().get(url).content.decode()
        assert Client().post(url, {"score": Score.SATISFIED}).status_code == 409
    assert Rating.objects.get(ticket=ticket).status == RatingStatus.ASKED


def test_care01_only_the_counters_clerk_or_a_duty_manager_asks_for_its_rating(world):
    from servicehall.core.errors import Forbidden

    ticket = served(world, finish=False)  # at counter 1, worked by world.clerk
    with pytest.raises(Forbidden):
        services.rating_ask(ticket=ticket, actor=world.clerk2)
    assert not Rating.objects.filter(ticket=ticket).exists()
    assert services.rating_ask(ticket=ticket, actor=world.manager).status == RatingStatus.ASKED


def test_care01_a_waiting_ticket_cannot_be_rated(world):
    from servicehall.queueing import services as queue

    ticket = queue.ticket_issue(hall=world.hall, category=world.a)
    with pytest.raises(Conflict):
        services.rating_from_ticket_page(ticket=ticket, score=Score.SATISFIED)
    with pytest.raises(Conflict):
        services.rating_ask(ticket=ticket, actor=world.clerk)
    with pytest.raises(Unprocessable):
        services.rating_from_ticket_page(ticket=ticket, score="")


def test_care01_the_ratings_screen_counts_the_days_presses_per_clerk(world):
    for score in (Score.VERY_SATISFIED, Score.SATISFIED, Score.FAIR):
        rating = Rating.objects.get(ticket=served(world))
        press(pad_client(world), world, rating, score)
    summary = selectors.day_summary(list(selectors.ratings_of_day(hall=world.hall, day=timezone.localdate())))
    assert summary["total"] == 3
    assert summary["satisfied_percent"] == 67
    assert summary["clerks"] == [{"name": world.clerk.username, "counts": [1, 1, 1, 0], "total": 3}]
    manager = Client()
    manager.force_login(world.manager)
    page = manager.get(reverse("care:alerts", kwargs={"hall": world.hall.code})).content.decode()
    assert "3 ratings, 67% satisfied." in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_care01_concurrent_presses_count_once(threads_db):
    from testsupport.world import build_world

    world = build_world("rate")
    rating = Rating.objects.get(ticket=served(world))
    results: list[str] = []
    start = threading.Barrier(8)

    def tap(score: str) -> None:
        try:
            start.wait()
            services.rating_press(counter=world.counter1, rating_id=rating.pk, score=score)
            results.append("counted")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    scores = [Score.DISSATISFIED, Score.SATISFIED] * 4
    threads = [threading.Thread(target=tap, args=(score,)) for score in scores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["counted"] + ["rated_already"] * 7
    rating.refresh_from_db()
    assert rating.status == RatingStatus.RATED
    assert DissatisfactionAlert.objects.filter(rating=rating).count() == (rating.score == Score.DISSATISFIED)


def test_care01_the_demo_hall_has_this_mornings_ratings_and_one_open_alert():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - a second load adds nothing
    ratings = Rating.objects.filter(hall__code="demo")
    assert sorted(ratings.values_list("score", flat=True)) == sorted(Score.values)
    alert = DissatisfactionAlert.objects.get(hall__code="demo")
    assert alert.status == AlertStatus.OPEN
    assert alert.rating.clerk.username == "clerk4"
    manager = Client()
    manager.force_login(alert.rating.clerk.__class__.objects.get(username="manager1"))
    console = manager.get(reverse("queueing:manager", kwargs={"hall": "demo"})).content.decode()
    assert f'data-testid="care-alert-{alert.rating.ticket.number}"' in console
    assert OpinionEntry.objects.filter(hall__code="demo", status="open").count() == 1  # CARE06's demo entry


def test_care01_a_tablet_is_paired_as_a_counters_rating_pad_and_runs_without_sign_in(world):
    world.hall.public_kiosk = False
    world.hall.save()
    pair = reverse("queueing:screens_pair", kwargs={"hall": world.hall.code})
    device = Client()
    device.force_login(world.manager)
    assert "Rating pad of counter 1" in device.get(pair).content.decode()
    response = device.post(pair, {"screen": "rating-pad-1"})
    assert response.status_code == 302 and response["Location"] == pad_url(world)
    assert "_auth_user_id" not in device.session  # the manager's sign-in on the tablet ended
    assert device.get(pad_url(world)).status_code == 200
    rating = Rating.objects.get(ticket=served(world))
    assert press(device, world, rating, Score.SATISFIED).status_code == 200
    assert device.get(reverse("queueing:manager", kwargs={"hall": world.hall.code})).status_code == 302


def details_url(world) -> str:
    return reverse("care:pad_details", kwargs={"hall": world.hall.code, "number": world.counter1.number})


SCORES = {"attitude": "5", "quality": "4", "efficiency": "3", "integrity": "5"}


def test_care01_the_telecom_pack_makes_the_pad_ask_for_detailed_scores_and_gas_does_not(world, other_world):
    from servicehall.catalog.services import pack_load

    pack_load(hall=world.hall, code="telecom")
    world.hall.refresh_from_db()
    assert world.hall.rating_details is True
    assert "Would you score us in more detail?" in pad_client(world).get(pad_url(world)).content.decode()
    other_world.hall.categories.all().delete()
    pack_load(hall=other_world.hall, code="gas")
    other_world.hall.refresh_from_db()
    assert other_world.hall.rating_details is False


def test_care01_detailed_scores_are_taken_once_after_the_press_within_the_window(world, settings):
    settings.CARE_RATING_WINDOW_SECONDS = 10
    world.hall.rating_details = True
    world.hall.save()
    rating = Rating.objects.get(ticket=served(world))
    client = pad_client(world)
    early = client.post(details_url(world), {"rating": str(rating.pk), **SCORES})
    assert early.status_code == 404  # nothing pressed yet
    press(client, world, rating, Score.SATISFIED)
    bad = client.post(details_url(world), {"rating": str(rating.pk), **SCORES, "quality": "9"})
    assert (bad.status_code, bad.json()["message"]) == (422, "Give each a score from 1 to 5.")
    assert client.post(details_url(world), {"rating": str(rating.pk), **SCORES}).status_code == 200
    again = client.post(details_url(world), {"rating": str(rating.pk), **SCORES, "attitude": "1"})
    assert (again.status_code, again.json()["code"]) == (409, "rated_already")
    rating.refresh_from_db()
    assert (rating.attitude, rating.quality, rating.efficiency, rating.integrity) == (5, 4, 3, 5)
    manager = Client()
    manager.force_login(world.manager)
    page = manager.get(reverse("care:alerts", kwargs={"hall": world.hall.code})).content.decode()
    assert "Attitude 5.0 · Quality 4.0 · Efficiency 3.0 · Integrity 5.0" in page


def test_care01_detailed_scores_late_or_where_the_hall_does_not_ask_change_nothing(world, settings):
    settings.CARE_RATING_WINDOW_SECONDS = 10
    rating = Rating.objects.get(ticket=served(world))
    press(pad_client(world), world, rating, Score.SATISFIED)
    off = pad_client(world).post(details_url(world), {"rating": str(rating.pk), **SCORES})
    assert (off.status_code, off.json()["code"]) == (409, "details_off")
    world.hall.rating_details = True
    world.hall.save()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=11)):
        late = pad_client(world).post(details_url(world), {"rating": str(rating.pk), **SCORES})
    assert (late.status_code, late.json()["code"]) == (409, "rating_closed")
    rating.refresh_from_db()
    assert rating.attitude is None
