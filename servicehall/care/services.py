"""Writes of the care app (CARE01): ask for a rating, take the customer's press, raise and handle the alert
a dissatisfied customer raises, escalate an alert left too long.

Once only: a ticket has at most one rating (a one-to-one key), and a press moves it asked → rated with
the state kit's compare-and-set, so of two presses at the same moment one counts and the other is told
the service was rated already.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.dates import add_working_days
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.orders import selectors as order_selectors
from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask
from servicehall.org.models import Counter, Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.events import send_on_commit
from servicehall.queueing.models import Ticket
from servicehall.queueing.services import MOBILE_RE, counter_check_operator
from servicehall.queueing.states import TicketStatus

from .models import (
    DETAILS,
    AlertAction,
    DissatisfactionAlert,
    FollowUpCall,
    FollowUpOutcome,
    OpinionChannel,
    OpinionEntry,
    Rating,
    RatingChannel,
    Score,
)
from .states import (
    ALERT_TABLE,
    OPINION_TABLE,
    RATING_TABLE,
    AlertStatus,
    OpinionStatus,
    RatingStatus,
)

# What the pad and the duty manager's console hear (ticket numbers and counters only: the feed is public).
RATING_ASKED = "rating_asked"
RATING_DONE = "rating_done"
CARE_ALERT = "care_alert"


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.CARE_RATING_WINDOW_SECONDS)


def _rated_already() -> Conflict:
    return Conflict(_("This service has been rated already. Thank you!"), code="rated_already")


def _refuse_rating(status: str) -> Conflict:
    return _rated_already() if status == RatingStatus.RATED else Conflict(_("This rating cannot be changed."))


# --- asking -------------------------------------------------------------------------------------------


def rating_ask_after_service(ticket: Ticket, staff: Actor) -> None:
    """When a ticket is finished at a counter the pad asks, unless the clerk asked already (请评价)."""
    if ticket.counter_id is None or Rating.objects.filter(ticket=ticket).exists():
        return
    _ask(ticket, actor=staff, now=timezone.now())


@transaction.atomic
def rating_ask(*, ticket: Ticket, actor: Actor, now: dt.datetime | None = None) -> Rating:
    """请评价 on the workbench: the pad of the ticket's counter asks now (again, if it asked before in vain)."""
    ticket = queue_selectors.ticket_lock(ticket_id=ticket.pk)
    if ticket.status not in (TicketStatus.SERVING, TicketStatus.DONE) or ticket.counter is None:
        raise Conflict(_("Ask for a rating while you serve the customer."), code="not_serving")
    counter_check_operator(counter=ticket.counter, user=actor)  # only the counter's clerk (or a duty manager)
    return _ask(ticket, actor=actor, now=now or timezone.now())


def _ask(ticket: Ticket, *, actor: Actor, now: dt.datetime) -> Rating:
    rating = Rating.objects.select_for_update().filter(ticket=ticket).first()
    if rating is not None and rating.status == RatingStatus.RATED:
        raise _rated_already()
    if rating is None:
        rating = _new_rating(ticket, actor=actor)
    # One question at a time per pad: asking this customer closes the previous customer's window.
    Rating.objects.filter(counter=ticket.counter, status=RatingStatus.ASKED, open_until__gt=now).exclude(
        pk=rating.pk
    ).update(open_until=now)
    rating.asked_at, rating.open_until, rating.channel = now, now + _window(), RatingChannel.PAD
    rating.counter_id, rating.clerk_id = ticket.counter_id, ticket.staff_id or rating.clerk_id
    rating.save(update_fields=["asked_at", "open_until", "channel", "counter", "clerk"])
    counter = ticket.counter
    assert counter is not None  # checked by the callers: only a ticket served at a counter is asked
    send_on_commit(ticket.hall.code, {"type": RATING_ASKED, "counter": counter.number})
    return rating


def _new_rating(ticket: Ticket, *, actor: Actor) -> Rating:
    """The rating row of a ticket, tied to its clerk, counter, business and work orders."""
    orders = list(order_selectors.ticket_orders(ticket=ticket))
    rating = Rating.objects.create(
        hall=ticket.hall,
        ticket=ticket,
        counter=ticket.counter,
        clerk=ticket.staff or acting_user(actor),
        business_type=orders[0].business_type if orders else None,
    )
    rating.orders.set(orders)
    return rating


# --- pressing -----------------------------------------------------------------------------------------


def _score(value: str) -> str:
    if value not in Score.values:
        raise Unprocessable(_("Press one of the four keys."), code="bad_score")
    return value


@transaction.atomic
def rating_press(*, counter: Counter, rating_id: uuid.UUID | str, score: str, now: dt.datetime | None = None) -> Rating:
    """The customer's press on the pad of `counter`: counts once, and only while the pad asks."""
    score = _score(score)
    now = now or timezone.now()
    rating = Rating.objects.filter(pk=rating_id, counter=counter).select_related("hall", "ticket").first()
    if rating is None:
        raise NotFound(_("There is nothing to rate at this counter now."))
    if rating.status == RatingStatus.RATED:
        raise _rated_already()
    if rating.open_until is None or now > rating.open_until:
        raise Conflict(_("The time to rate has passed. Thank you all the same."), code="rating_closed")
    return _rate(rating, score=score, channel=RatingChannel.PAD, now=now)


@transaction.atomic
def rating_details(
    *, counter: Counter, rating_id: uuid.UUID | str, scores: dict[str, str], now: dt.datetime | None = None
) -> Rating:
    """The 1–5 scores of attitude, quality, efficiency and integrity, once, on the pad that was just pressed
    (within CARE_RATING_WINDOW_SECONDS of the press), where the hall asks for them."""
    now = now or timezone.now()
    rating = Rating.objects.filter(pk=rating_id, counter=counter, channel=RatingChannel.PAD).first()
    if rating is None or rating.status != RatingStatus.RATED or rating.rated_at is None:
        raise NotFound(_("There is nothing to rate at this counter now."))
    if not counter.hall.rating_details:
        raise Conflict(_("This hall does not ask for detailed scores."), code="details_off")
    if now > rating.rated_at + _window():
        raise Conflict(_("The time to rate has passed. Thank you all the same."), code="rating_closed")
    values = {name: _detail(scores.get(name, "")) for name in DETAILS}
    # Once: only a rating without details takes them (two sends at once: one wins).
    written = Rating.objects.filter(pk=rating.pk, attitude__isnull=True).update(**values)
    if written != 1:
        raise _rated_already()
    rating.refresh_from_db()
    return rating


def _detail(raw: str) -> int:
    if raw not in {"1", "2", "3", "4", "5"}:
        raise Unprocessable(_("Give each a score from 1 to 5."), code="bad_score")
    return int(raw)


@transaction.atomic
def rating_from_ticket_page(*, ticket: Ticket, score: str, now: dt.datetime | None = None) -> Rating:
    """A customer not asked at the counter rates once from the ticket's page, within CARE_TRACK_RATING_HOURS."""
    score = _score(score)
    now = now or timezone.now()
    if not ticket_page_rating_open(ticket, now=now):
        raise Conflict(_("This service can no longer be rated here."), code="rating_closed")
    rating = Rating.objects.filter(ticket=ticket).first()
    if rating is None:
        try:
            with transaction.atomic():  # a second tab creating it at the same moment loses here
                rating = _new_rating(ticket, actor=None)
        except IntegrityError:
            raise _rated_already() from None
    return _rate(rating, score=score, channel=RatingChannel.TRACK, now=now)


def ticket_page_rating_open(ticket: Ticket, *, now: dt.datetime) -> bool:
    """Whether the ticket's page may still take a rating (served, not rated, within the hours)."""
    if ticket.status != TicketStatus.DONE or ticket.closed_at is None:
        return False
    if now - ticket.closed_at > dt.timedelta(hours=settings.CARE_TRACK_RATING_HOURS):
        return False
    return not Rating.objects.filter(ticket=ticket, status=RatingStatus.RATED).exists()


def _rate(rating: Rating, *, score: str, channel: str, now: dt.datetime) -> Rating:
    rating = transition(
        rating,
        RatingStatus.RATED,
        table=RATING_TABLE,
        refuse=_refuse_rating,
        lost=_rated_already,
        expected_from=RatingStatus.ASKED,
        changes={"score": score, "rated_at": now, "channel": channel},
    )
    hall_code = rating.hall.code
    if rating.counter is not None:
        send_on_commit(hall_code, {"type": RATING_DONE, "counter": rating.counter.number})
    if score == Score.DISSATISFIED:
        _raise_alert(rating, now=now)
    return rating


def _raise_alert(rating: Rating, *, now: dt.datetime) -> DissatisfactionAlert:
    alert = DissatisfactionAlert.objects.create(hall=rating.hall, rating=rating, raised_at=now)
    ALERT_TABLE.record(alert, from_status="", to_status=AlertStatus.OPEN, actor=None, at=now)
    send_on_commit(rating.hall.code, {"type": CARE_ALERT, "chime": True})  # the consoles sound
    return alert


# --- the duty manager ---------------------------------------------------------------------------------


def _refuse_alert(status: str) -> Conflict:
    return Conflict(_("This alert has been handled already."), code="alert_handled")


@transaction.atomic
def alert_handle(*, alert: DissatisfactionAlert, actor: Actor, action: str, note: str = "") -> DissatisfactionAlert:
    """Record what the manager did about a dissatisfied customer; the alert leaves the consoles."""
    if action not in AlertAction.values:
        raise Unprocessable(_("Choose what was done."), code="bad_action")
    now = timezone.now()
    alert = transition(
        alert,
        AlertStatus.HANDLED,
        table=ALERT_TABLE,
        refuse=_refuse_alert,
        changes={"handled_at": now, "handled_by": acting_user(actor), "action": action, "note": note[:500]},
        actor=actor,
        note=str(AlertAction(action).label),
        now=now,
    )
    audit_record(actor=actor, action="care.alert_handled", obj=alert, hall=alert.hall, data={"action": action})
    send_on_commit(alert.hall.code, {"type": CARE_ALERT})
    return alert


def alerts_escalate(*, now: dt.datetime | None = None) -> int:
    """Escalate every open alert older than CARE_ALERT_ESCALATE_MINUTES; the number escalated."""
    now = now or timezone.now()
    due = now - dt.timedelta(minutes=settings.CARE_ALERT_ESCALATE_MINUTES)
    escalated = 0
    for alert in DissatisfactionAlert.objects.filter(status=AlertStatus.OPEN, raised_at__lte=due).select_related(
        "hall"
    ):
        with transaction.atomic():
            try:
                transition(
                    alert,
                    AlertStatus.ESCALATED,
                    table=ALERT_TABLE,
                    refuse=_refuse_alert,
                    changes={"escalated_at": now},
                    now=now,
                )
            except Conflict:
                continue  # handled meanwhile
            send_on_commit(alert.hall.code, {"type": CARE_ALERT})
            escalated += 1
    return escalated


# --- the opinion book (CARE06) -------------------------------------------------------------------------

# Codes are read aloud and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
OPINION_MAX = 1000


def _opinion_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _opinion_fields(*, text: str, contact_name: str, contact_phone: str) -> dict[str, str]:
    text = (text or "").strip()
    if not text:
        raise Unprocessable(_("Write your opinion or suggestion."), code="text_missing")
    if len(text) > OPINION_MAX:
        raise Unprocessable(_("Please keep it within %(max)s characters.") % {"max": OPINION_MAX}, code="text_too_long")
    phone = (contact_phone or "").strip().replace(" ", "")
    if phone and not MOBILE_RE.fullmatch(phone):
        raise Unprocessable(_("Enter a mobile number of 11 digits, or leave it empty."), code="bad_phone")
    return {"text": text, "contact_name": (contact_name or "").strip()[:40], "contact_phone": phone}


@transaction.atomic
def opinion_write(
    *,
    hall: Hall,
    text: str,
    contact_name: str = "",
    contact_phone: str = "",
    actor: Actor = None,
    now: dt.datetime | None = None,
) -> OpinionEntry:
    """An entry of the opinion book: written by the customer (no actor) or transcribed by staff from the paper
    book. It is due to be answered CARE_OPINION_ANSWER_DAYS working days later."""
    now = now or timezone.now()
    recorder = acting_user(actor)
    entry = OpinionEntry.objects.create(
        hall=hall,
        code=_opinion_code(),
        channel=OpinionChannel.STAFF if recorder else OpinionChannel.QR,
        written_at=now,
        due_at=add_working_days(now, settings.CARE_OPINION_ANSWER_DAYS, tz=hall.tz),
        recorded_by=recorder,
        **_opinion_fields(text=text, contact_name=contact_name, contact_phone=contact_phone),
    )
    OPINION_TABLE.record(entry, from_status="", to_status=OpinionStatus.OPEN, actor=actor, at=now)
    return entry


def _refuse_opinion(status: str) -> Conflict:
    return Conflict(_("This entry has been answered already."), code="answered_already")


@transaction.atomic
def opinion_answer(*, entry: OpinionEntry, actor: Actor, answer: str) -> OpinionEntry:
    """The hall's answer; the customer reads it with the entry's code. Answered once."""
    answer = (answer or "").strip()
    if not answer:
        raise Unprocessable(_("Write the answer."), code="answer_missing")
    if len(answer) > OPINION_MAX:
        raise Unprocessable(
            _("Please keep it within %(max)s characters.") % {"max": OPINION_MAX}, code="answer_too_long"
        )
    now = timezone.now()
    entry = transition(
        entry,
        OpinionStatus.ANSWERED,
        table=OPINION_TABLE,
        refuse=_refuse_opinion,
        changes={"answer": answer, "answered_at": now, "answered_by": acting_user(actor)},
        actor=actor,
        now=now,
    )
    audit_record(actor=actor, action="care.opinion_answered", obj=entry, hall=entry.hall, data={})
    return entry


# --- follow-up calls (CARE02) ---------------------------------------------------------------------------

# A customer not reached is tried again on another day; after this many attempts the call-back closes.
FOLLOW_UP_ATTEMPTS = 3


@transaction.atomic
def follow_up_record(
    *, task: FollowUpTask, actor: Actor, outcome: str, note: str = "", now: dt.datetime | None = None
) -> FollowUpCall:
    """Record one call of a follow-up. Reached (or refused): the follow-up is done and the order closes. Not
    reached: tried again the next day, at most FOLLOW_UP_ATTEMPTS times on different days, then closed as
    unreachable."""
    if outcome not in FollowUpOutcome.values:
        raise Unprocessable(_("Choose how the call went."), code="bad_outcome")
    task = order_selectors.follow_up_lock(task_id=task.pk)
    hall = task.order.hall
    require_capability(actor, hall, Capability.HANDLE_CARE, message=_("Only the service staff make follow-up calls."))
    if task.status != FollowUpTask.Status.OPEN:
        raise Conflict(_("This follow-up is not open."), code="not_open")
    now = now or timezone.now()
    misses = list(FollowUpCall.objects.filter(task=task, outcome=FollowUpOutcome.NOT_REACHED))
    today = timezone.localdate(now, timezone=hall.tz)
    if outcome == FollowUpOutcome.NOT_REACHED and any(
        timezone.localdate(call.at, timezone=hall.tz) == today for call in misses
    ):
        raise Conflict(_("This customer was already tried today. Try again on another day."), code="tried_today")
    caller = acting_user(actor)
    assert caller is not None  # require_capability lets only a signed-in member through
    call = FollowUpCall.objects.create(
        hall=hall, task=task, at=now, outcome=outcome, note=(note or "").strip()[:500], by=caller
    )
    if outcome != FollowUpOutcome.NOT_REACHED:
        order_services.followup_task_complete(task=task, actor=actor, note=call.note or call.get_outcome_display())
    elif len(misses) + 1 >= FOLLOW_UP_ATTEMPTS:
        order_services.followup_task_complete(task=task, actor=actor, note=str(_("Not reachable after three calls.")))
    else:
        order_services.followup_task_retry(task=task, actor=actor, due_at=now + dt.timedelta(days=1))
    return call


__all__ = [
    "alert_handle",
    "alerts_escalate",
    "follow_up_record",
    "opinion_answer",
    "opinion_write",
    "rating_ask",
    "rating_ask_after_service",
    "rating_details",
    "rating_from_ticket_page",
    "rating_press",
    "ticket_page_rating_open",
]
