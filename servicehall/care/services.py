"""Writes of the care app (CARE01): ask for a rating, take the customer's press, raise and handle the alert
a dissatisfied customer raises, escalate an alert left too long.

Once only: a ticket has at most one rating (a one-to-one key), and a press moves it asked → rated with
the state kit's compare-and-set, so of two presses at the same moment one counts and the other is told
the service was rated already.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.billing import services as billing_services
from servicehall.billing.models import Payment
from servicehall.catalog.models import ComplaintCategory
from servicehall.core.actors import Actor, acting_user
from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.dates import add_working_days
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers import services as customer_services
from servicehall.customers.models import Customer, Service
from servicehall.orders import selectors as order_selectors
from servicehall.orders import services as order_services
from servicehall.orders.models import FollowUpTask, WorkOrder
from servicehall.org.hours import TIME_UP, WARNING, hall_time_limit_step, hall_working_hours_after
from servicehall.org.models import Counter, Hall
from servicehall.org.permissions import require_capability
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can
from servicehall.queueing import selectors as queue_selectors
from servicehall.queueing.events import send_on_commit
from servicehall.queueing.models import Ticket
from servicehall.queueing.services import MOBILE_RE, counter_check_operator
from servicehall.queueing.states import TicketStatus

from .models import (
    DETAILS,
    AlertAction,
    CompensationKind,
    Complaint,
    ComplaintChannel,
    ComplaintCompensation,
    ComplaintEntry,
    ComplaintLevel,
    ComplaintSatisfaction,
    ComplaintSequence,
    DissatisfactionAlert,
    EntryKind,
    FollowUpCall,
    FollowUpOutcome,
    OpinionChannel,
    OpinionEntry,
    Rating,
    RatingChannel,
    Score,
    Severity,
)
from .states import (
    ALERT_OPEN_STATUSES,
    ALERT_TABLE,
    COMPLAINT_OPEN_STATUSES,
    COMPLAINT_TABLE,
    OPINION_TABLE,
    RATING_TABLE,
    AlertStatus,
    ComplaintStatus,
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


# Every finish at a counter asks it: SQL compiled once per process (issue 17).
_RATING_OF_TICKET = CompiledRead(
    lambda ticket_id: Rating.objects.filter(ticket_id=ticket_id).values_list("pk", flat=True)[:1],
    ticket_id=Rating.ticket,
)


def rating_ask_after_service(ticket: Ticket, staff: Actor) -> None:
    """When a ticket is finished at a counter the pad asks, unless the clerk asked already (请评价).

    On the queue's hot path (every finish): the new rating is written asking, in one insert."""
    if ticket.counter_id is None or _RATING_OF_TICKET.fetch(ticket_id=ticket.pk):
        return
    now = timezone.now()
    rating = _new_rating(ticket, actor=staff, asked_at=now)
    _close_other_windows(ticket, keep=rating, now=now)
    _announce(ticket)


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
        rating = _new_rating(ticket, actor=actor, asked_at=now)
    else:
        rating.asked_at, rating.open_until, rating.channel = now, now + _window(), RatingChannel.PAD
        rating.counter_id, rating.clerk_id = ticket.counter_id, ticket.staff_id or rating.clerk_id
        rating.save(update_fields=["asked_at", "open_until", "channel", "counter", "clerk"])
    _close_other_windows(ticket, keep=rating, now=now)
    _announce(ticket)
    return rating


def _close_other_windows(ticket: Ticket, *, keep: Rating, now: dt.datetime) -> None:
    """One question at a time per pad: asking this customer closes the previous customer's window."""
    Rating.objects.filter(counter=ticket.counter, status=RatingStatus.ASKED, open_until__gt=now).exclude(
        pk=keep.pk
    ).update(open_until=now)


def _announce(ticket: Ticket) -> None:
    counter = ticket.counter
    assert counter is not None  # checked by the callers: only a ticket served at a counter is asked
    send_on_commit(ticket.hall.code, {"type": RATING_ASKED, "counter": counter.number})


def _new_rating(ticket: Ticket, *, actor: Actor, asked_at: dt.datetime | None) -> Rating:
    """The rating row of a ticket, tied to its clerk, counter, business and work orders; asking on the
    counter's pad from `asked_at` (None: not asked, rated from the ticket's page)."""
    orders = order_selectors.ticket_orders_read(ticket=ticket)
    clerk = acting_user(actor)
    rating = Rating.objects.create(
        hall_id=ticket.hall_id,
        ticket=ticket,
        counter_id=ticket.counter_id,
        clerk_id=ticket.staff_id or (clerk.pk if clerk is not None else None),
        business_type_id=orders[0].business_type_id if orders else None,
        asked_at=asked_at,
        open_until=asked_at + _window() if asked_at is not None else None,
        channel=RatingChannel.PAD,
    )
    if orders:
        rating.orders.add(*orders)
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
                rating = _new_rating(ticket, actor=None, asked_at=None)
        except IntegrityError:
            raise _rated_already() from None
    return _rate(rating, score=score, channel=RatingChannel.TRACK, now=now)


def rating_link_ask(
    *, hall: Hall, source: str, ref: str, subject: str, clerk: Actor, now: dt.datetime | None = None
) -> Rating:
    """A visit served without a queue ticket (a hotel stay, HOTEL04) is offered a rating through a link (the
    rating's random id): open CARE_TRACK_RATING_HOURS, as the ticket page's rating. Asked once per source and
    reference: asking again (a retry) answers the first rating, whatever its state. The app asking gives the
    source, its own reference and the words to show; care never reads the app's rows."""
    now = now or timezone.now()
    source, ref = str(source)[:16], str(ref)[:32]
    if not source or not ref:
        raise Unprocessable(_("A rating without a ticket needs its source."), code="bad_source")
    found = Rating.objects.filter(hall=hall, source=source, source_ref=ref).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Rating.objects.create(
                hall=hall,
                source=source,
                source_ref=ref,
                subject=" ".join(str(subject).split())[:120],
                clerk=acting_user(clerk),
                channel=RatingChannel.LINK,
                asked_at=now,
                open_until=now + dt.timedelta(hours=settings.CARE_TRACK_RATING_HOURS),
            )
    except IntegrityError:  # asked at the same moment by another request: that one
        return Rating.objects.get(hall=hall, source=source, source_ref=ref)


@transaction.atomic
def rating_from_link(*, rating_id: uuid.UUID | str, score: str, now: dt.datetime | None = None) -> Rating:
    """The guest's press on the link's page: counts once (two presses at once: one wins, by the rating's
    compare-and-set), and only while the link is open."""
    score = _score(score)
    now = now or timezone.now()
    rating = Rating.objects.filter(pk=rating_id, ticket__isnull=True).select_related("hall").first()
    if rating is None:
        raise NotFound(_("There is nothing to rate here."))
    if rating.status == RatingStatus.RATED:
        raise _rated_already()
    if rating.open_until is None or now > rating.open_until:
        raise Conflict(_("The time to rate has passed. Thank you all the same."), code="rating_closed")
    return _rate(rating, score=score, channel=RatingChannel.LINK, now=now)


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


# --- complaints (CARE04) --------------------------------------------------------------------------------

# Any member who meets customers records a complaint; the duty and service managers (HANDLE_CARE) handle it.
RECORD_COMPLAINT = (Capability.SERVE, Capability.ISSUE, Capability.GUIDE, Capability.HANDLE_CARE)
COMPLAINT_WORDS_MAX = 2000
COMPLAINT_SUMMARY_MAX = 500
CARE_COMPLAINT = "care_complaint"
# The same words and summary recorded again by the same member this soon are the same complaint (the form sent
# again after the back button carries a new request key).
COMPLAINT_REPEAT_WINDOW = dt.timedelta(minutes=10)
PHONE_RE = re.compile(r"^[0-9][0-9-]{6,19}$")


def complaint_due(hall: Hall, start: dt.datetime, hours: float) -> dt.datetime:
    """`hours` working hours of `hall` after `start` (opening hours, Monday to Friday)."""
    return hall_working_hours_after(hall, start, hours)


def _complaint_number(hall: Hall, now: dt.datetime) -> str:
    day = timezone.localdate(now, timezone=hall.tz)
    sequence = sequence_next(model=ComplaintSequence, key={"hall": hall, "day": day})
    return f"{hall.code.upper()}-TS{day:%Y%m%d}-{sequence:03d}"


def _require_recorder(actor: Actor, hall: Hall) -> None:
    if not any(user_can(user=actor, hall=hall, capability=c) for c in RECORD_COMPLAINT):
        raise Forbidden(_("Your role may not record complaints."), code="forbidden")


def _text(value: Any, *, limit: int, missing: str, code: str) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise Unprocessable(missing, code=code)
    if len(text) > limit:
        raise Unprocessable(_("Please keep it within %(max)s characters.") % {"max": limit}, code=f"{code}_too_long")
    return text


@dataclasses.dataclass(frozen=True)
class ComplaintLinks:
    """What a complaint concerns or came from; each must belong to the complaint's hall."""

    customer: Customer | None = None
    order: WorkOrder | None = None
    service: Service | None = None
    ticket: Ticket | None = None
    follow_up: FollowUpTask | None = None
    opinion: OpinionEntry | None = None
    alert: DissatisfactionAlert | None = None


def _check_links(hall: Hall, links: ComplaintLinks) -> ComplaintLinks:
    wrong = _("What this complaint concerns belongs to another hall.")
    for obj in (links.order, links.ticket, links.opinion, links.alert):
        if obj is not None and obj.hall_id != hall.pk:
            raise Unprocessable(wrong, code="other_hall")
    if links.follow_up is not None and links.follow_up.order.hall_id != hall.pk:
        raise Unprocessable(wrong, code="other_hall")
    customer = links.customer or (links.order.customer if links.order else None)
    if links.follow_up is not None and customer is None:
        customer = links.follow_up.order.customer
    if customer is not None and customer.company_id != hall.company_id:
        raise Unprocessable(wrong, code="other_hall")
    if links.service is not None and (customer is None or links.service.customer_id != customer.pk):
        raise Unprocessable(_("The service is not this customer's."), code="bad_service")
    return dataclasses.replace(links, customer=customer)


def _push_complaints(hall: Hall, *, chime: bool = False) -> None:
    send_on_commit(hall.code, {"type": CARE_COMPLAINT, "chime": chime})


def _entry(complaint: Complaint, kind: str, *, actor: Actor, at: dt.datetime, text: str = "") -> ComplaintEntry:
    return ComplaintEntry.objects.create(complaint=complaint, kind=kind, text=text, at=at, by=acting_user(actor))


@transaction.atomic
def complaint_record(
    *,
    hall: Hall,
    actor: Actor,
    category: ComplaintCategory | None,
    words: str,
    summary: str,
    confirmed: bool,
    channel: str = ComplaintChannel.COUNTER,
    severity: str = Severity.NORMAL,
    contact_name: str = "",
    contact_phone: str = "",
    links: ComplaintLinks | None = None,
    request_key: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Record a complaint in the customer's words with the summary read back to them (您反映的是……，是吗？).

    Nothing is recorded until the clerk confirms that the customer agreed with the summary. The category's
    hours set when it must be acknowledged and resolved (working hours of the hall); a serious or urgent
    complaint goes to the duty manager at once. The same `request_key` twice (a double click, a resent form)
    records once and answers the first complaint; so does the same complaint (words, summary, contact, links)
    from the same member within `COMPLAINT_REPEAT_WINDOW` (the form sent again after the back button).
    """
    _require_recorder(actor, hall)
    key = (request_key or "").strip()[:64]
    if key and (first := Complaint.objects.filter(hall=hall, request_key=key).first()) is not None:
        return first
    if category is None or category.hall_id != hall.pk:
        raise Unprocessable(_("Choose what the complaint is about."), code="bad_category")
    if channel not in ComplaintChannel.values:
        raise Unprocessable(_("Choose how the complaint was received."), code="bad_channel")
    if severity not in Severity.values:
        raise Unprocessable(_("Choose how serious the complaint is."), code="bad_severity")
    words = _text(words, limit=COMPLAINT_WORDS_MAX, missing=_("Write down what the customer said."), code="words")
    summary = _text(summary, limit=COMPLAINT_SUMMARY_MAX, missing=_("Write the summary you read back."), code="summary")
    if confirmed is not True:
        raise Unprocessable(
            _("Read the summary back to the customer and tick that they agreed with it."), code="not_confirmed"
        )
    phone = (contact_phone or "").strip().replace(" ", "")
    if phone and not PHONE_RE.fullmatch(phone):
        raise Unprocessable(_("Enter a phone number of digits, or leave it empty."), code="bad_phone")
    links = _check_links(hall, links or ComplaintLinks())
    if links.opinion is not None and not phone and not (contact_name or "").strip():
        # Taken down from the opinion book: the contact the customer left there.
        contact_name, phone = links.opinion.contact_name, links.opinion.contact_phone
    now = now or timezone.now()
    serious = severity != Severity.NORMAL
    recorder = acting_user(actor)
    assert recorder is not None  # only members pass _require_recorder
    repeated = (
        Complaint.objects.filter(
            hall=hall,
            recorded_by=recorder,
            category=category,
            severity=severity,
            channel=channel,
            words=words,
            summary=summary,
            contact_name=(contact_name or "").strip()[:40],
            contact_phone=phone,
            recorded_at__gte=now - COMPLAINT_REPEAT_WINDOW,
            **{field.name: getattr(links, field.name) for field in dataclasses.fields(links)},
        )
        .order_by("-id")
        .first()
    )
    if repeated is not None:
        return repeated
    fields = {
        "hall": hall,
        "channel": channel,
        "category": category,
        "severity": severity,
        "contact_name": (contact_name or "").strip()[:40],
        "contact_phone": phone,
        "words": words,
        "summary": summary,
        "recorded_at": now,
        "recorded_by": recorder,
        "acknowledge_due": complaint_due(hall, now, category.acknowledge_hours),
        "resolve_due": complaint_due(hall, now, category.resolve_hours),
        "level": ComplaintLevel.DUTY_MANAGER if serious else ComplaintLevel.NONE,
        "escalated_at": now if serious else None,
        "request_key": key,
        **{field.name: getattr(links, field.name) for field in dataclasses.fields(links)},
    }
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(number=_complaint_number(hall, now), **fields)
    except IntegrityError:
        first = Complaint.objects.filter(hall=hall, request_key=key).first() if key else None
        if first is None:
            raise
        return first
    COMPLAINT_TABLE.record(complaint, from_status="", to_status=ComplaintStatus.OPEN, actor=actor, at=now)
    if serious:
        _entry(complaint, EntryKind.ESCALATION, actor=actor, at=now, text=str(ComplaintLevel.DUTY_MANAGER.label))
    audit_record(
        actor=actor,
        action="care.complaint_recorded",
        obj=complaint,
        hall=hall,
        data={"category": category.code, "severity": severity, "channel": channel},
    )
    _push_complaints(hall, chime=serious)
    _alert_answered_by(links.alert, complaint=complaint, actor=actor)
    return complaint


def _alert_answered_by(alert: DissatisfactionAlert | None, *, complaint: Complaint, actor: Actor) -> None:
    """A complaint taken down from a dissatisfied customer's alert is what the manager did about it: the
    alert is handled with that action and leaves the consoles."""
    if alert is None or alert.status not in ALERT_OPEN_STATUSES:
        return
    if user_can(user=actor, hall=complaint.hall, capability=Capability.HANDLE_CARE):
        alert_handle(alert=alert, actor=actor, action=AlertAction.COMPLAINT, note=complaint.number)


def complaint_lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("hall", "category").get(pk=complaint.pk)


def _require_handler(actor: Actor, complaint: Complaint) -> None:
    """The managers (HANDLE_CARE) handle complaints; the member a complaint was handed to handles it too."""
    user = acting_user(actor)
    if (
        user is not None
        and complaint.assigned_to_id == user.pk
        and user_can(user=user, hall=complaint.hall, capability=Capability.VIEW_HALL)
    ):
        return
    require_capability(
        actor, complaint.hall, Capability.HANDLE_CARE, message=_("Only the duty or service manager handles complaints.")
    )


def _refuse_complaint(status: str) -> Conflict:
    return Conflict(
        _("This complaint is %(status)s; it cannot be changed that way.") % {"status": ComplaintStatus(status).label},
        code="complaint_status",
    )


def _move(complaint: Complaint, to: str, *, actor: Actor, now: dt.datetime, **changes: Any) -> Complaint:
    return transition(
        complaint, to, table=COMPLAINT_TABLE, refuse=_refuse_complaint, changes=changes, actor=actor, now=now
    )


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: Actor, note: str = "") -> Complaint:
    """受理: the hall tells the customer it has the complaint in hand; the one acknowledging handles it unless
    it was handed to someone."""
    complaint = complaint_lock(complaint)
    _require_handler(actor, complaint)
    now = timezone.now()
    handler = complaint.assigned_to or acting_user(actor)
    complaint = _move(
        complaint,
        ComplaintStatus.ACKNOWLEDGED,
        actor=actor,
        now=now,
        acknowledged_at=now,
        assigned_to=handler,
        warned_for=None,
    )
    if note.strip():
        _entry(complaint, EntryKind.NOTE, actor=actor, at=now, text=note.strip()[:COMPLAINT_WORDS_MAX])
    audit_record(actor=actor, action="care.complaint_acknowledged", obj=complaint, hall=complaint.hall)
    _push_complaints(complaint.hall)
    return complaint


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor: Actor, to: Any) -> Complaint:
    """Hand the complaint to a member of the hall (严禁推诿: it stays on the managers' list all the same)."""
    complaint = complaint_lock(complaint)
    require_capability(
        actor,
        complaint.hall,
        Capability.HANDLE_CARE,
        message=_("Only the duty or service manager hands complaints on."),
    )
    if complaint.status not in (*COMPLAINT_OPEN_STATUSES, ComplaintStatus.RESOLVED):
        raise _refuse_complaint(complaint.status)
    if to is None or not user_can(user=to, hall=complaint.hall, capability=Capability.VIEW_HALL):
        raise Unprocessable(_("Choose a member of this hall."), code="bad_assignee")
    now = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(assigned_to=to)
    complaint.assigned_to = to
    _entry(complaint, EntryKind.ASSIGNED, actor=actor, at=now, text=staff_name(to))
    audit_record(actor=actor, action="care.complaint_assigned", obj=complaint, hall=complaint.hall)
    return complaint


@transaction.atomic
def complaint_note(*, complaint: Complaint, actor: Actor, text: str) -> ComplaintEntry:
    """An investigation note (what was checked, whom the hall asked); notes are never changed."""
    complaint = complaint_lock(complaint)
    _require_handler(actor, complaint)
    if complaint.status in (ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN):
        raise _refuse_complaint(complaint.status)
    text = _text(text, limit=COMPLAINT_WORDS_MAX, missing=_("Write the note."), code="note")
    return _entry(complaint, EntryKind.NOTE, actor=actor, at=timezone.now(), text=text)


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor: Actor, answer: str) -> Complaint:
    """The answer given to the customer; next the customer says whether they are satisfied with it."""
    complaint = complaint_lock(complaint)
    _require_handler(actor, complaint)
    answer = _text(
        answer, limit=COMPLAINT_WORDS_MAX, missing=_("Write the answer given to the customer."), code="answer"
    )
    now = timezone.now()
    complaint = _move(complaint, ComplaintStatus.RESOLVED, actor=actor, now=now, resolved_at=now, warned_for=None)
    _entry(complaint, EntryKind.ANSWER, actor=actor, at=now, text=answer)
    audit_record(actor=actor, action="care.complaint_resolved", obj=complaint, hall=complaint.hall)
    _push_complaints(complaint.hall)
    return complaint


@transaction.atomic
def complaint_satisfaction(*, complaint: Complaint, actor: Actor, satisfaction: str, note: str = "") -> Complaint:
    """The customer's word on the handling: satisfied (or not reachable) closes the complaint; not satisfied
    reopens it with a new resolve time."""
    if satisfaction not in ComplaintSatisfaction.values:
        raise Unprocessable(_("Choose what the customer said."), code="bad_satisfaction")
    complaint = complaint_lock(complaint)
    _require_handler(actor, complaint)
    now = timezone.now()
    label = str(ComplaintSatisfaction(satisfaction).label)
    text = f"{label}: {note.strip()}" if note.strip() else label
    if satisfaction == ComplaintSatisfaction.DISSATISFIED:
        complaint = _move(
            complaint,
            ComplaintStatus.ACKNOWLEDGED,
            actor=actor,
            now=now,
            satisfaction=satisfaction,
            reopened=complaint.reopened + 1,
            resolve_due=complaint_due(complaint.hall, now, complaint.category.resolve_hours),
            warned_for=None,
        )
    else:
        complaint = _move(
            complaint, ComplaintStatus.CLOSED, actor=actor, now=now, satisfaction=satisfaction, closed_at=now
        )
    _entry(complaint, EntryKind.SATISFACTION, actor=actor, at=now, text=text[:COMPLAINT_WORDS_MAX])
    audit_record(
        actor=actor,
        action="care.complaint_satisfaction",
        obj=complaint,
        hall=complaint.hall,
        data={"satisfaction": satisfaction},
    )
    _push_complaints(complaint.hall)
    return complaint


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor: Actor, customer_words: str) -> Complaint:
    """Withdrawn only with the customer's own word, written down as they said it."""
    complaint = complaint_lock(complaint)
    _require_handler(actor, complaint)
    words = _text(
        customer_words,
        limit=COMPLAINT_WORDS_MAX,
        missing=_("Write down what the customer said when withdrawing the complaint."),
        code="withdraw_words",
    )
    now = timezone.now()
    complaint = _move(complaint, ComplaintStatus.WITHDRAWN, actor=actor, now=now, closed_at=now)
    _entry(complaint, EntryKind.WITHDRAWAL, actor=actor, at=now, text=words)
    audit_record(actor=actor, action="care.complaint_withdrawn", obj=complaint, hall=complaint.hall)
    _push_complaints(complaint.hall)
    return complaint


def _compensation_amount(raw: Any) -> Decimal:
    try:
        amount = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise Unprocessable(_("Enter an amount of money above zero, e.g. 20.00."), code="bad_amount")
    # The limit before the cents: quantizing a huge number (1e30) is itself an error.
    if amount > settings.CARE_COMPENSATION_MAX:
        raise Unprocessable(
            _("A complaint's compensation is at most %(max)s yuan.") % {"max": settings.CARE_COMPENSATION_MAX},
            code="compensation_too_large",
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise Unprocessable(_("Enter an amount of money above zero, e.g. 20.00."), code="bad_amount")
    return amount


@transaction.atomic
def complaint_compensate(
    *,
    complaint: Complaint,
    actor: Actor,
    amount: Any,
    reason: str,
    service: Service | None = None,
    payment: Payment | None = None,
) -> ComplaintCompensation:
    """Compensate the customer for a complaint through the money apps: a credit to one of their services'
    balance (the customers app's balance service) or, given `payment`, a refund of part of a payment of the
    complaint's order or customer (the billing app's refund, which asks for approval above its limit). Both
    audited there and here; at most once per complaint, so a double click or a retry never pays twice."""
    complaint = complaint_lock(complaint)
    require_capability(
        actor, complaint.hall, Capability.APPROVE_MONEY, message=_("Only the duty manager grants compensation.")
    )
    require_capability(actor, complaint.hall, Capability.HANDLE_CARE)
    if complaint.status in (ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN):
        raise _refuse_complaint(complaint.status)
    if ComplaintCompensation.objects.filter(complaint=complaint).exists():
        raise Conflict(_("This complaint has been compensated already."), code="compensated_already")
    value = _compensation_amount(amount)
    reason = _text(reason, limit=500, missing=_("Write why the customer is compensated."), code="reason")
    if payment is not None:
        fields, text = _compensation_refund(complaint, actor, payment, value, reason)
    else:
        fields, text = _compensation_credit(complaint, actor, service or complaint.service, value, reason)
    now = timezone.now()
    user = acting_user(actor)
    assert user is not None
    compensation = ComplaintCompensation.objects.create(complaint=complaint, amount=value, at=now, by=user, **fields)
    _entry(complaint, EntryKind.COMPENSATION, actor=actor, at=now, text=text)
    audit_record(
        actor=actor,
        action="care.complaint_compensated",
        obj=complaint,
        hall=complaint.hall,
        data={"amount": str(value), "kind": fields["kind"]},
    )
    return compensation


def _compensation_credit(
    complaint: Complaint, actor: Actor, service: Service | None, value: Decimal, reason: str
) -> tuple[dict[str, Any], str]:
    if service is None or complaint.customer_id is None or service.customer_id != complaint.customer_id:
        raise Unprocessable(_("Choose one of the customer's services to credit."), code="bad_service")
    customer_services.service_balance_change(
        actor=actor, hall=complaint.hall, service=service, amount=value, reason="complaint_compensation"
    )
    text = _("%(amount)s yuan credited to the service's balance: %(reason)s") % {"amount": value, "reason": reason}
    return {"kind": CompensationKind.BALANCE, "service": service}, text


def _compensation_refund(
    complaint: Complaint, actor: Actor, payment: Payment, value: Decimal, reason: str
) -> tuple[dict[str, Any], str]:
    concerns = payment.hall_id == complaint.hall_id and (
        (complaint.customer_id is not None and payment.customer_id == complaint.customer_id)
        or (complaint.order_id is not None and payment.order_id == complaint.order_id)
    )
    if not concerns:
        raise Unprocessable(_("Choose a payment of this customer to refund."), code="bad_payment")
    refund, _created = billing_services.refund_request(
        actor=actor,
        payment=payment,
        amount=value,
        reason=_("Compensation for complaint %(number)s: %(reason)s") % {"number": complaint.number, "reason": reason},
        idempotency_key=f"complaint-{complaint.pk}",
    )
    text = _("%(amount)s yuan refunded of a payment: %(reason)s") % {"amount": value, "reason": reason}
    return {"kind": CompensationKind.REFUND, "refund": refund, "service": payment.service}, text


def complaint_opened(*, complaint: Complaint, actor: Actor) -> None:
    """Opening a complaint's page shows the customer's words: every opening is written to the audit log."""
    audit_record(actor=actor, action="care.complaint_opened", obj=complaint, hall=complaint.hall)


def complaint_phone_reveal(*, complaint: Complaint, actor: Actor) -> str:
    """The number to call the customer back on, in full, for a role that may see personal data; logged."""
    hall = complaint.hall
    if complaint.contact_phone:
        require_capability(
            actor, hall, Capability.REVEAL_PERSONAL_DATA, message=_("Your role may not see personal data in full.")
        )
        audit_record(actor=actor, action="care.complaint_phone_shown", obj=complaint, hall=hall)
        return complaint.contact_phone
    if complaint.customer is None or not complaint.customer.phone:
        raise Conflict(_("This customer left no phone number."), code="no_phone")
    return customer_services.personal_data_reveal(
        actor=actor,
        hall=hall,
        customer=complaint.customer,
        field="phone",
        reason=_("Complaint %(number)s") % {"number": complaint.number},
    )


# --- the complaint clock: warnings before the time is up, escalation after ---------------------------------


def complaint_current_due(complaint: Complaint) -> dt.datetime | None:
    """What the hall must do next by when: acknowledge (open) or resolve (being handled); None otherwise."""
    if complaint.status == ComplaintStatus.OPEN:
        return complaint.acknowledge_due
    if complaint.status == ComplaintStatus.ACKNOWLEDGED:
        return complaint.resolve_due
    return None


def _complaint_step(complaint: Complaint, now: dt.datetime) -> tuple[str, int] | None:
    """What the clock calls for (`org.hours.hall_time_limit_step`) on the complaint's current time limit."""
    due = complaint_current_due(complaint)
    if due is None:
        return None
    return hall_time_limit_step(
        complaint.hall,
        due=due,
        now=now,
        level=complaint.level,
        escalated_at=complaint.escalated_at,
        warned_for=complaint.warned_for,
        warn_hours=settings.CARE_COMPLAINT_WARN_HOURS,
        second_escalation_hours=settings.CARE_COMPLAINT_SECOND_ESCALATION_HOURS,
    )


def complaints_check(*, now: dt.datetime | None = None) -> int:
    """Warn before a complaint's time is up and escalate it when it is (duty manager, then the service
    manager); the number of warnings and escalations written. Run every few minutes (`manage.py care_escalate`)."""
    now = now or timezone.now()
    done = 0
    candidates = Complaint.objects.filter(status__in=COMPLAINT_OPEN_STATUSES).select_related("hall")
    for complaint in candidates:
        step = _complaint_step(complaint, now)
        if step is None:
            continue
        with transaction.atomic():
            locked = complaint_lock(complaint)
            step = _complaint_step(locked, now)  # handled or escalated meanwhile?
            if step is None:
                continue
            kind, level = step
            if kind == WARNING:
                Complaint.objects.filter(pk=locked.pk).update(warned_for=complaint_current_due(locked))
                _entry(locked, EntryKind.WARNING, actor=None, at=now, text=str(_("Time nearly up")))
            elif kind == TIME_UP:
                Complaint.objects.filter(pk=locked.pk).update(escalated_at=now)
                text = _("Time is up; %(level)s") % {"level": ComplaintLevel(level).label}
                _entry(locked, EntryKind.ESCALATION, actor=None, at=now, text=str(text))
            else:
                Complaint.objects.filter(pk=locked.pk).update(level=level, escalated_at=now)
                _entry(locked, EntryKind.ESCALATION, actor=None, at=now, text=str(ComplaintLevel(level).label))
                audit_record(
                    actor=None, action="care.complaint_escalated", obj=locked, hall=locked.hall, data={"level": level}
                )
            _push_complaints(locked.hall, chime=kind != WARNING)
            done += 1
    return done


__all__ = [
    "ComplaintLinks",
    "alert_handle",
    "alerts_escalate",
    "complaint_acknowledge",
    "complaint_assign",
    "complaint_compensate",
    "complaint_current_due",
    "complaint_due",
    "complaint_note",
    "complaint_opened",
    "complaint_phone_reveal",
    "complaint_record",
    "complaint_resolve",
    "complaint_satisfaction",
    "complaint_withdraw",
    "complaints_check",
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
