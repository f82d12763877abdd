"""Reads of the care app (CARE01, CARE06): what the counter's pad shows, the duty manager's open alerts, the
day's ratings of a hall, the opinion book. Names of staff only (the customer's data never reaches the pad or
the alert; the opinion book masks the phone a customer left)."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.core.errors import NotFound
from servicehall.core.masking import mask_name, mask_phone
from servicehall.orders import selectors as order_selectors
from servicehall.org import selectors as org_selectors
from servicehall.org.models import Counter, Hall
from servicehall.org.presentation import staff_name
from servicehall.queueing.extensions import Link
from servicehall.queueing.models import Ticket

from .models import (
    DETAILS,
    AlertAction,
    DissatisfactionAlert,
    FollowUpCall,
    FollowUpOutcome,
    OpinionEntry,
    Rating,
    Score,
)
from .services import ticket_page_rating_open
from .states import ALERT_OPEN_STATUSES, AlertStatus, OpinionStatus, RatingStatus


def pad_counter_get(*, hall: Hall, number: int) -> Counter:
    counter = org_selectors.counter_in_hall(hall=hall, number=number)
    if counter is None:
        raise NotFound(_("This hall has no counter %(number)s.") % {"number": number})
    return counter


def pad_clerk(counter: Counter) -> dict[str, str]:
    """Who works the counter, as the idle pad shows them: name, initial (the photo's place) and 工号."""
    name = staff_name(counter.staff)
    return {
        "name": name,
        "initial": name[:1].upper(),
        "job_number": org_selectors.job_number(hall=counter.hall, user=counter.staff),
    }


def pad_state(*, counter: Counter, now: dt.datetime | None = None) -> dict[str, Any]:
    """The pad's state: asking (which rating, how many seconds left) or idle, with the counter's clerk."""
    now = now or timezone.now()
    asking = (
        Rating.objects.filter(counter=counter, status=RatingStatus.ASKED, open_until__gt=now)
        .select_related("ticket")
        .order_by("-asked_at")
        .first()
    )
    state: dict[str, Any] = {"counter": counter.number, "clerk": pad_clerk(counter), "asking": None}
    if asking is not None and asking.open_until is not None:
        state["asking"] = {
            "rating": str(asking.pk),
            "ticket": asking.ticket.number,
            "seconds_left": max(1, int((asking.open_until - now).total_seconds())),
        }
    return state


def pad_screens(hall: Hall) -> list[tuple[str, str, str]]:
    """One rating pad per counter, for "Pair this screen" (registered with the queue)."""
    return [
        (
            f"rating-pad-{counter.number}",
            _("Rating pad of counter %(number)s") % {"number": counter.number},
            reverse("care:pad", kwargs={"hall": hall.code, "number": counter.number}),
        )
        for counter in org_selectors.counters_for_hall(hall=hall)
    ]


def rating_asked_words(ticket: Ticket) -> str | None:
    """What the workbench shows instead of 请评价 once the pad has asked this customer (or they rated)."""
    rating = Rating.objects.filter(ticket=ticket).only("status", "open_until").first()
    if rating is None:
        return None
    if rating.status == RatingStatus.RATED:
        return _("The customer has rated.")
    if rating.open_until is not None and rating.open_until > timezone.now():
        return _("The pad asks the customer to rate.")
    return None  # asked in vain: the clerk may ask again


def ticket_rated(ticket: Ticket) -> bool:
    return Rating.objects.filter(ticket=ticket, status=RatingStatus.RATED).exists()


def ticket_rating_link(ticket: Ticket) -> Link | None:
    """The ticket page's "rate this service", while it may still be rated there."""
    if not ticket_page_rating_open(ticket, now=timezone.now()):
        return None
    url = reverse("care:ticket_rate", kwargs={"ticket": ticket.pk})
    return Link(label=_("Rate this service"), url=url, testid="rate-service")


# --- alerts ---------------------------------------------------------------------------------------------


def open_alerts(*, hall: Hall) -> QuerySet[DissatisfactionAlert]:
    return (
        DissatisfactionAlert.objects.filter(hall=hall, status__in=ALERT_OPEN_STATUSES)
        .select_related("rating__ticket", "rating__counter", "rating__clerk", "rating__business_type")
        .order_by("raised_at")
    )


def alert_row(alert: DissatisfactionAlert) -> dict[str, Any]:
    rating = alert.rating
    return {
        "alert": alert,
        "ticket": rating.ticket.number,
        "counter": rating.counter.number if rating.counter else None,
        "clerk": staff_name(rating.clerk),
        "business": rating.business_type.display_name if rating.business_type else "",
        "escalated": alert.status == AlertStatus.ESCALATED,
    }


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The duty manager console's panel of dissatisfied customers (registered with the queue)."""
    return {
        "hall": hall,
        "alerts": [alert_row(alert) for alert in open_alerts(hall=hall)],
        "actions": AlertAction.choices,
        "back": reverse("queueing:manager", kwargs={"hall": hall.code}),
    }


def alert_get(*, hall: Hall, alert_id: int) -> DissatisfactionAlert:
    alert = DissatisfactionAlert.objects.filter(hall=hall, pk=alert_id).first()
    if alert is None:
        raise NotFound(_("There is no such alert."))
    return alert


def handled_alerts(*, hall: Hall, since: dt.datetime) -> QuerySet[DissatisfactionAlert]:
    return (
        DissatisfactionAlert.objects.filter(hall=hall, status=AlertStatus.HANDLED, handled_at__gte=since)
        .select_related("rating__ticket", "rating__counter", "rating__clerk", "rating__business_type", "handled_by")
        .order_by("-handled_at")
    )


# --- the day's ratings ----------------------------------------------------------------------------------


def ratings_of_day(*, hall: Hall, day: dt.date) -> QuerySet[Rating]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    return (
        Rating.objects.filter(hall=hall, status=RatingStatus.RATED, rated_at__gte=start)
        .filter(rated_at__lt=start + dt.timedelta(days=1))
        .select_related("ticket", "counter", "clerk", "business_type")
        .order_by("-rated_at")
    )


def day_summary(ratings: list[Rating]) -> dict[str, Any]:
    """Counts per key for the hall and per clerk, and the share of (very) satisfied presses."""
    by_score = Tally(r.score for r in ratings)
    clerks: dict[str, Tally[str]] = {}
    for rating in ratings:
        clerks.setdefault(staff_name(rating.clerk) or "—", Tally())[rating.score] += 1
    keys = [(value, label) for value, label in Score.choices]
    good = by_score[Score.VERY_SATISFIED] + by_score[Score.SATISFIED]
    detailed = [r for r in ratings if r.attitude is not None]
    details = (
        [
            {"label": label, "mean": round(sum(getattr(r, name) for r in detailed) / len(detailed), 1)}
            for name, label in DETAILS.items()
        ]
        if detailed
        else []
    )
    return {
        "keys": keys,
        "details": details,
        "total": len(ratings),
        "counts": [by_score[value] for value, _label in keys],
        "satisfied_percent": round(100 * good / len(ratings)) if ratings else None,
        "clerks": [
            {"name": name, "counts": [tally[value] for value, _label in keys], "total": sum(tally.values())}
            for name, tally in sorted(clerks.items())
        ],
    }


# --- the opinion book (CARE06) -------------------------------------------------------------------------


def opinion_rows(*, hall: Hall, now: dt.datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The hall's opinion book for staff: waiting entries first (the most overdue on top), then the answered;
    the contact phone masked (the answer reaches the customer by the entry's code)."""
    now = now or timezone.now()
    entries = OpinionEntry.objects.filter(hall=hall).select_related("answered_by", "recorded_by")
    waiting = list(entries.filter(status=OpinionStatus.OPEN).order_by("due_at")[:limit])
    answered = list(entries.filter(status=OpinionStatus.ANSWERED).order_by("-answered_at")[:limit])
    return [
        {
            "entry": entry,
            "phone": mask_phone(entry.contact_phone),
            "overdue": entry.status == OpinionStatus.OPEN and entry.due_at < now,
            "answered_by": staff_name(entry.answered_by),
            "recorded_by": staff_name(entry.recorded_by),
        }
        for entry in [*waiting, *answered]
    ]


def opinions_overdue(*, hall: Hall, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return OpinionEntry.objects.filter(hall=hall, status=OpinionStatus.OPEN, due_at__lt=now).count()


def opinion_get(*, hall: Hall, entry_id: int) -> OpinionEntry:
    entry = OpinionEntry.objects.filter(hall=hall, pk=entry_id).first()
    if entry is None:
        raise NotFound(_("There is no such entry in the opinion book."))
    return entry


def opinion_by_code(*, code: str) -> OpinionEntry:
    """The customer's own entry, by the code they were given (any hall)."""
    entry = OpinionEntry.objects.filter(code=(code or "").strip().upper()).select_related("hall").first()
    if entry is None:
        raise NotFound(_("No entry has this code. Please check it."))
    return entry


# --- follow-up calls (CARE02) ---------------------------------------------------------------------------


def follow_up_queue(*, hall: Hall, now: dt.datetime | None = None) -> dict[str, Any]:
    """The call-backs due today and before, the overdue first: order, business, customer (name and phone
    masked), earlier attempts; and the standard phrases of a follow-up call from the hall's pack."""
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=hall.tz)
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=hall.tz)
    tasks = list(order_selectors.follow_ups_due(hall=hall, until=start_of_today + dt.timedelta(days=1)))
    calls: dict[int, list[FollowUpCall]] = {}
    for call in FollowUpCall.objects.filter(task__in=tasks).select_related("by"):
        calls.setdefault(call.task_id, []).append(call)
    rows = [
        {
            "task": task,
            "order": task.order,
            "business": task.order.business_type.display_name,
            "customer": mask_name(task.order.customer.name) if task.order.customer else "",
            "phone": mask_phone(task.order.customer.phone) if task.order.customer else "",
            "overdue": task.due_at < start_of_today,
            "calls": calls.get(task.pk, []),
        }
        for task in tasks
    ]
    return {
        "rows": rows,
        "overdue": sum(1 for row in rows if row["overdue"]),
        "phrases": catalog_selectors.phrases_for(hall=hall, moment="follow_up"),
        "outcomes": FollowUpOutcome.choices,
    }
