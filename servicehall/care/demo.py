"""Demo data of the care app: this morning's ratings at the four counters, one of them 不满意 with its alert
still open on the duty manager's console (CARE01), and an opinion book entry waiting for its answer (CARE06)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from servicehall.org.models import Counter, Hall
from servicehall.queueing import services as queue

from . import services
from .models import OpinionEntry, Rating, Score

# Counter number -> the key its customer pressed.
DEMO_RATINGS: dict[int, str] = {
    1: Score.VERY_SATISFIED,
    2: Score.SATISFIED,
    3: Score.FAIR,
    4: Score.DISSATISFIED,
}


@transaction.atomic
def care_demo_load(*, hall: Hall, clerks: dict[int, Any]) -> None:
    """Loading it again leaves what it made as it is."""
    if not Rating.objects.filter(hall=hall).exists():
        _rated_services(hall, clerks)
    if not OpinionEntry.objects.filter(hall=hall).exists():
        services.opinion_write(
            hall=hall,
            text="周末人多时能否多开一个窗口？等了快半小时。",
            contact_name="陈先生",
            contact_phone="13912345678",
        )


def _rated_services(hall: Hall, clerks: dict[int, Any]) -> None:
    """Serve one customer at each counter; each presses its key on the pad."""
    for number, score in DEMO_RATINGS.items():
        counter = Counter.objects.get(hall=hall, number=number)
        clerk = clerks[number]
        queue.counter_set_status(counter=counter, status=Counter.Status.OPEN, actor=clerk)
        category = counter.served.order_by("priority").first().category  # type: ignore[union-attr]
        queue.ticket_issue(hall=hall, category=category)
        ticket = queue.ticket_call_next(counter=counter, staff=clerk)
        assert ticket is not None
        queue.ticket_start(ticket=ticket, staff=clerk)
        queue.ticket_finish(ticket=ticket, staff=clerk, outcome="completed")
        queue.counter_release(counter=counter, actor=clerk)
        rating = Rating.objects.get(ticket=ticket)
        services.rating_press(counter=counter, rating_id=rating.pk, score=score)
