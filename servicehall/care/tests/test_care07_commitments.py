"""CARE07: the hall's published service commitments, each checked against the records of a period; the
figures agree with a direct count of the same records, and the public panel shows the month's figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from servicehall.care import services
from servicehall.care.commitments import commitment_measure, hall_commitments
from servicehall.catalog.models import ServiceCommitment
from servicehall.catalog.services import pack_load
from servicehall.queueing import services as queue
from servicehall.queueing.models import TicketInterval

pytestmark = pytest.mark.django_db

WAITS = [3, 14, 15, 16, 40, 0, 22]  # minutes between taking a number and being called


@pytest.fixture
def telecom(world):
    pack_load(hall=world.hall, code="telecom")
    return world


def commitment(world, code: str) -> ServiceCommitment:
    return ServiceCommitment.objects.get(hall=world.hall, code=code)


def day_bounds(world, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=world.hall.tz)
    return start, start + dt.timedelta(days=1)


def test_care07_the_pack_publishes_commitments_and_a_reload_keeps_the_halls_targets(telecom):
    assert [c.code for c in hall_commitments(hall=telecom.hall)] == [
        "wait",
        "opinion_book",
        "follow_up",
        "installation",
        "complaint",
    ]
    ServiceCommitment.objects.filter(hall=telecom.hall, code="wait").update(target=10)
    pack_load(hall=telecom.hall, code="telecom")
    assert commitment(telecom, "wait").target == 10


def serve_with_waits(world, start: dt.datetime) -> None:
    """One customer after another at counter 1, each called after the minutes in WAITS."""
    moment = start
    for wait in WAITS:
        with time_machine.travel(moment, tick=False):
            queue.ticket_issue(hall=world.hall, category=world.a)
        with time_machine.travel(moment + dt.timedelta(minutes=wait), tick=False):
            ticket = queue.ticket_call_next(counter=world.counter1, staff=world.clerk)
            queue.ticket_start(ticket=ticket, staff=world.clerk)
            queue.ticket_finish(ticket=ticket, staff=world.clerk, outcome="completed")
        moment += dt.timedelta(minutes=wait + 1)


def test_care07_the_wait_commitment_agrees_with_a_direct_count(telecom):
    day = dt.date(2026, 12, 1)
    serve_with_waits(telecom, dt.datetime(2026, 12, 1, 9, 0, tzinfo=telecom.hall.tz))
    since, until = day_bounds(telecom, day)
    measure = commitment_measure(commitment(telecom, "wait"), since=since, until=until)
    # The direct count: each ticket's first "called" interval against its issue time.
    direct = [
        (i.started_at - i.ticket.issued_at) <= dt.timedelta(minutes=15)
        for i in TicketInterval.objects.filter(ticket__hall=telecom.hall, status="called").select_related("ticket")
    ]
    assert (measure.total, measure.met) == (len(direct), sum(direct)) == (7, 4)
    assert measure.percent == 57
    assert sorted(b.detail for b in measure.breaches) == ["waited 16 min", "waited 22 min", "waited 40 min"]


def test_care07_the_opinion_book_commitment_counts_late_and_overdue_entries_but_not_those_still_in_time(telecom):
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=telecom.hall.tz)
    with time_machine.travel(friday, tick=False):
        on_time = services.opinion_write(hall=telecom.hall, text="on time")
        late = services.opinion_write(hall=telecom.hall, text="late")
        never = services.opinion_write(hall=telecom.hall, text="never")
    with time_machine.travel(friday + dt.timedelta(days=3), tick=False):  # Monday 10:00, the due time
        services.opinion_answer(entry=on_time, actor=telecom.manager, answer="ok")
    with time_machine.travel(friday + dt.timedelta(days=4), tick=False):
        services.opinion_answer(entry=late, actor=telecom.manager, answer="sorry")
    with time_machine.travel(friday + dt.timedelta(days=1), tick=False):  # Saturday: nothing is due yet
        services.opinion_write(hall=telecom.hall, text="written on Saturday")
    since, until = day_bounds(telecom, dt.date(2026, 12, 4))
    until += dt.timedelta(days=2)
    at = friday + dt.timedelta(days=3, hours=2)  # Monday noon: Saturday's entry is still in time
    measure = commitment_measure(commitment(telecom, "opinion_book"), since=since, until=until, now=at)
    assert (measure.total, measure.met) == (3, 1)
    assert sorted((b.what, b.detail) for b in measure.breaches) == sorted(
        [(late.code, "answered late"), (never.code, "not answered yet")]
    )


def test_care07_the_page_lists_the_breaches_and_the_public_panel_only_the_figures(telecom):
    serve_with_waits(telecom, timezone.now().replace(hour=1, minute=0, second=0, microsecond=0))
    manager = Client()
    manager.force_login(telecom.manager)
    page = manager.get(reverse("care:commitments", kwargs={"hall": telecom.hall.code})).content.decode()
    assert "57% kept" in page and "4 of 7 kept." in page and "3 breaches" in page
    assert "waited 40 min" in page
    public = Client().get(reverse("care:commitments_public", kwargs={"hall": telecom.hall.code})).content.decode()
    assert "Called to a counter within 15 minutes of taking a number" in public and "57%" in public
    assert "A00" not in public  # no ticket numbers in public
    bad = manager.get(
        reverse("care:commitments", kwargs={"hall": telecom.hall.code}), {"from": "2026-12-10", "to": "2026-12-01"}
    )
    assert bad.status_code == 422 and "The period ends before it starts." in bad.content.decode()
    nonsense = manager.get(reverse("care:commitments", kwargs={"hall": telecom.hall.code}), {"from": "yesterday"})
    assert nonsense.status_code == 422


def test_care07_the_complaint_commitment_counts_acknowledgements_within_24_hours(telecom):
    from servicehall.catalog.models import ComplaintCategory

    category = ComplaintCategory.objects.get(hall=telecom.hall, code="attitude")
    friday = dt.datetime(2026, 12, 4, 10, 0, tzinfo=telecom.hall.tz)

    def record(words: str):
        return services.complaint_record(
            hall=telecom.hall, actor=telecom.clerk, category=category, words=words, summary=words, confirmed=True
        )

    with time_machine.travel(friday, tick=False):
        quick, slow, never, withdrawn = (record(w) for w in ("quick", "slow", "never", "withdrawn"))
    with time_machine.travel(friday + dt.timedelta(hours=2), tick=False):
        services.complaint_acknowledge(complaint=quick, actor=telecom.manager)
        services.complaint_withdraw(complaint=withdrawn, actor=telecom.manager, customer_words="算了，不投诉了")
    since, until = day_bounds(telecom, dt.date(2026, 12, 4))
    running = commitment_measure(commitment(telecom, "complaint"), since=since, until=until, now=friday)
    assert (running.total, running.met) == (1, 1)  # the others are still within their 24 hours
    with time_machine.travel(friday + dt.timedelta(hours=30), tick=False):
        services.complaint_acknowledge(complaint=slow, actor=telecom.manager)
    measure = commitment_measure(
        commitment(telecom, "complaint"), since=since, until=until, now=friday + dt.timedelta(days=3)
    )
    assert (measure.total, measure.met) == (3, 1)
    assert sorted((b.what, b.detail) for b in measure.breaches) == sorted(
        [(slow.number, "acknowledged after 30 hours"), (never.number, "not acknowledged yet")]
    )
