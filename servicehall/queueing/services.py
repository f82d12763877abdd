"""Every write of the queue: issue, call, recall, skip, hold, transfer, finish.

Concurrency: call-next locks the counter row, then picks the best waiting
ticket with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite the
IMMEDIATE transaction already serialises writers), and moves it with a
compare-and-set update whose row count is checked. The unique constraint
`one_active_ticket_per_counter` backs the rule in the database.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import QueueCategory
from servicehall.catalog.selectors import script_steps
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.masking import mask_phone
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from . import events
from .models import (
    DEFAULT_HEAD_START_MINUTES,
    DailySequence,
    PriorityRule,
    Ticket,
    TicketChannel,
    TicketInterval,
    TicketKind,
    TicketOutcome,
)
from .states import ACTIVE_STATUSES, OPEN_STATUSES, TICKET_TABLE, TicketStatus
from .voice import call_clips, call_text

S = TicketStatus
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# A second press of "call next" this soon after the first, by the same clerk, is the same press twice.
DOUBLE_PRESS_SECONDS = 5


class AlreadyCalling(Conflict):
    """The counter is calling the ticket this clerk called a moment ago: a double press, nothing to worry about."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(
            _("Already calling %(number)s.") % {"number": ticket.number},
            code="already_calling",
            extra={"ticket": str(ticket.pk), "number": ticket.number},
        )
        self.ticket = ticket


# --- helpers -----------------------------------------------------------------


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def head_start_seconds(*, hall: Hall, kind: str) -> int:
    rule = PriorityRule.objects.filter(hall=hall, kind=kind).values_list("head_start_minutes", flat=True).first()
    minutes = rule if rule is not None else DEFAULT_HEAD_START_MINUTES.get(kind, 0)
    return int(minutes) * 60


def _status_label(status: str) -> str:
    return str(S(status).label)


def _refuse_move(ticket: Ticket, to: str, status: str | None = None) -> Conflict:
    """`status`: the one the ticket is in, when it differs from the instance's (a lost race)."""
    current = ticket.status if status is None else status
    return Conflict(
        _("Ticket %(number)s is %(status)s and cannot become %(to)s.")
        % {"number": ticket.number, "status": _status_label(current), "to": _status_label(to)},
        code="illegal_move",
    )


def _move(
    ticket: Ticket,
    to: str,
    *,
    actor: Any,
    counter: Counter | None,
    note: str = "",
    now: dt.datetime | None = None,
    **changes: Any,
) -> Ticket:
    """Move a ticket along the table (compare-and-set, core.states), then record the interval.

    A lost race is refused like an illegal move, naming the status the ticket is in now."""
    now = now or timezone.now()
    transition(ticket, to, table=TICKET_TABLE, refuse=lambda status: _refuse_move(ticket, to, status), changes=changes)
    TicketInterval.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    staff = actor if getattr(actor, "is_authenticated", False) else None
    TicketInterval.objects.create(
        ticket=ticket, status=to, counter=counter, actor=staff, started_at=now, note=note[:200]
    )
    return ticket


def _queue_changed(hall: Hall) -> None:
    events.send_on_commit(hall.code, {"type": "queue"})


def _announce_call(ticket: Ticket, counter: Counter, *, recall: bool) -> None:
    events.send_on_commit(
        ticket.hall.code,
        {
            "type": "call",
            "number": ticket.number,
            "counter": counter.number,
            "counter_name": counter.name,
            "recall": recall,
            "text": call_text(ticket.number, counter.number),
            "clips": call_clips(ticket.number, counter.number),
        },
    )


# --- issuing (Q01) --------------------------------------------------------------


def _check_issuing_allowed(*, category: QueueCategory, hall: Hall, local: dt.datetime) -> None:
    if not category.active:
        raise Unprocessable(
            _("%(category)s is not taking tickets at the moment.") % {"category": category.display_name},
            code="category_closed",
        )
    start, end = category.issue_from, category.issue_until
    if start and end and not (start <= local.time() <= end):
        raise Unprocessable(
            _("Tickets for %(category)s are issued from %(start)s to %(end)s.")
            % {"category": category.display_name, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")},
            code="outside_issuing_hours",
        )


def _next_sequence(*, hall: Hall, category: QueueCategory, day: dt.date) -> int:
    """Today's next number of the category, in one statement (core.sequences)."""
    return sequence_next(model=DailySequence, key={"hall": hall, "category": category, "service_date": day})


def _clean_phone(phone: str) -> str:
    phone = re.sub(r"[\s-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not MOBILE_RE.match(phone):
        raise Unprocessable(_("Please enter an 11-digit mainland mobile number, or leave it empty."), code="bad_phone")
    return phone


@transaction.atomic
def ticket_issue(
    *,
    hall: Hall,
    category: QueueCategory,
    channel: str = TicketChannel.KIOSK,
    kind: str = TicketKind.NORMAL,
    phone: str = "",
    actor: Any = None,
) -> Ticket:
    """Take a number: category prefix + the hall's daily sequence (A001 …)."""
    if category.hall_id != hall.pk:
        raise NotFound(_("There is no queue category %(code)s in this hall.") % {"code": category.code})
    if channel not in TicketChannel.values:
        raise Unprocessable(_("Unknown channel %(channel)s.") % {"channel": channel}, code="bad_channel")
    if kind not in TicketKind.values or kind in (TicketKind.TRANSFER, TicketKind.RETURNED):
        label = TicketKind(kind).label if kind in TicketKind.values else kind
        raise Unprocessable(_("Tickets cannot be issued as %(kind)s.") % {"kind": label}, code="bad_kind")
    phone = _clean_phone(phone)
    now = timezone.now()
    local = now.astimezone(hall.tz)
    _check_issuing_allowed(category=category, hall=hall, local=local)
    day = local.date()
    rank = _epoch(now) - head_start_seconds(hall=hall, kind=kind)  # read before the sequence is locked
    sequence = _next_sequence(hall=hall, category=category, day=day)
    if category.daily_cap and sequence > category.daily_cap:
        # Raising rolls the sequence back too, so the cap stays exact.
        raise Unprocessable(
            _("All %(cap)s tickets for %(category)s have been issued today. Please come back tomorrow.")
            % {"cap": category.daily_cap, "category": category.display_name},
            code="daily_cap_reached",
        )
    ticket = Ticket.objects.create(
        hall=hall,
        category=category,
        service_date=day,
        sequence=sequence,
        number=f"{category.prefix}{sequence:03d}",
        channel=channel,
        kind=kind,
        status=S.WAITING,
        rank=rank,
        issued_at=now,
        queued_at=now,
        phone=phone,
    )
    staff = actor if getattr(actor, "is_authenticated", False) else None
    TicketInterval.objects.create(ticket=ticket, status=S.WAITING, actor=staff, started_at=now, note=channel)
    if phone:
        # Personal data was stored: audited, with the number masked.
        audit_record(
            actor=actor,
            action="ticket.issue",
            obj=ticket,
            hall=hall,
            data={"number": ticket.number, "phone": mask_phone(phone)},
        )
    _queue_changed(hall)
    return ticket


# --- calling (Q03) ----------------------------------------------------------------


def callable_tickets(*, counter: Counter):
    """Waiting tickets this counter may call, best first (also used read-only)."""
    served = list(counter.served.all())
    if not served:
        return Ticket.objects.none()
    step = counter.hall.category_step_minutes * 60
    top = min(cc.priority for cc in served)
    offset = Case(
        When(target_counter_id=counter.pk, then=Value(0)),
        *[When(category_id=cc.category_id, then=Value((cc.priority - top) * step)) for cc in served],
        default=Value(0),
        output_field=BigIntegerField(),
    )
    return (
        Ticket.objects.filter(hall_id=counter.hall_id, status=S.WAITING)
        .filter(
            Q(target_counter_id=counter.pk)
            | Q(target_counter__isnull=True, category_id__in=[cc.category_id for cc in served])
        )
        .annotate(score=F("rank") + offset)
        .order_by("score", "issued_at", "sequence")
    )


def _require_no_held(counter: Counter) -> None:
    held = Ticket.objects.filter(counter=counter, status=S.HELD).values_list("number", flat=True).first()
    if held is not None:
        raise Conflict(
            _("Ticket %(number)s is on hold at counter %(counter)s. Resume or transfer it first.")
            % {"number": held, "counter": counter.number},
            code="counter_has_held",
        )


def counter_check_operator(*, counter: Counter, user: Any) -> None:
    """A clerk works only the counter they opened; a duty manager may act at any counter of the hall."""
    if user_can(user=user, hall=counter.hall, capability=Capability.MANAGE_QUEUE):
        return
    if counter.staff_id is not None and counter.staff_id == getattr(user, "pk", None):
        return
    if counter.staff_id is None:
        raise Forbidden(
            _("You are not working at counter %(counter)s. Open it first.") % {"counter": counter.number},
            code="not_your_counter",
        )
    raise Forbidden(
        _("Counter %(counter)s is being worked by another clerk.") % {"counter": counter.number},
        code="not_your_counter",
    )


def _lock_ticket(ticket: Ticket) -> Ticket:
    """Lock the ticket's row and bring along what the move and its answer need."""
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("hall", "category", "counter").get(pk=ticket.pk)
    )
    if locked.counter is not None:
        locked.counter.hall = locked.hall  # same hall; saves a query for the operator check
    return locked


def _check_ticket_operator(ticket: Ticket, user: Any) -> None:
    if ticket.counter is not None:
        counter_check_operator(counter=ticket.counter, user=user)


def _lock_counter(counter: Counter) -> Counter:
    return Counter.objects.select_for_update(of=("self",)).select_related("hall").get(pk=counter.pk)


def _just_called_by(counter: Counter, staff: Any, now: dt.datetime) -> Ticket | None:
    """The ticket this clerk called at this counter less than DOUBLE_PRESS_SECONDS ago, still only called."""
    since = now - dt.timedelta(seconds=DOUBLE_PRESS_SECONDS)
    return (
        Ticket.objects.filter(
            counter=counter,
            status=S.CALLED,
            call_count=1,
            staff_id=getattr(staff, "pk", None),
            intervals__status=S.CALLED,
            intervals__ended_at__isnull=True,
            intervals__started_at__gte=since,
        )
        .select_related("hall", "category")
        .first()
    )


def _require_no_active(counter: Counter) -> None:
    current = Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).first()
    if current is not None:
        raise Conflict(
            _("Counter %(counter)s is still busy with %(number)s. Finish, hold or skip it first.")
            % {"counter": counter.number, "number": current.number},
            code="counter_busy",
        )


def ticket_call_next(*, counter: Counter, staff: Any) -> Ticket | None:
    """Call the best waiting ticket this counter serves; None when nobody waits.

    A double press calls once: the second press, a moment after the first by the same clerk, raises
    `AlreadyCalling` (409 `already_calling`, naming the ticket) that screens show as information.
    """
    try:
        with transaction.atomic():
            return _call_next_locked(counter=counter, staff=staff)
    except IntegrityError as exc:
        # The one-active-ticket constraint fired: a double press raced us.
        raise Conflict(_("This counter already has a ticket."), code="counter_busy") from exc


def _call_next_locked(*, counter: Counter, staff: Any) -> Ticket | None:
    counter = _lock_counter(counter)
    counter_check_operator(counter=counter, user=staff)
    if counter.status != Counter.Status.OPEN:
        raise Conflict(
            _("Counter %(counter)s is not open. Open it before calling.") % {"counter": counter.number},
            code="counter_not_open",
        )
    just_called = _just_called_by(counter, staff, timezone.now())
    if just_called is not None:
        raise AlreadyCalling(just_called)
    _require_no_active(counter)
    candidates = callable_tickets(counter=counter)
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    for _attempt in range(5):
        ticket = candidates.select_related("hall", "category").first()
        if ticket is None:
            return None
        now = timezone.now()
        try:
            ticket = _move(
                ticket,
                S.CALLED,
                actor=staff,
                counter=counter,
                now=now,
                counter_id=counter.pk,
                staff_id=getattr(staff, "pk", None),
                call_count=1,
                script_step=1,
                target_counter=None,
            )
        except Conflict:
            continue  # someone else moved it between read and write; take the next
        ticket.counter = counter
        _announce_call(ticket, counter, recall=False)
        _queue_changed(ticket.hall)
        return ticket
    return None


@transaction.atomic
def ticket_recall(*, ticket: Ticket, staff: Any) -> Ticket:
    """重呼: say the same number again at the same counter."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    counter = ticket.counter
    if ticket.status != S.CALLED or counter is None:
        raise _refuse_move(ticket, S.CALLED)
    ticket = _move(ticket, S.CALLED, actor=staff, counter=counter, note="recall", call_count=F("call_count") + 1)
    _announce_call(ticket, counter, recall=True)
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, staff: Any) -> Ticket:
    """The customer has arrived at the counter: serving starts."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status != S.CALLED:
        raise _refuse_move(ticket, S.SERVING)
    ticket = _move(ticket, S.SERVING, actor=staff, counter=ticket.counter, script_step=2)
    _queue_changed(ticket.hall)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, staff: Any, outcome: str, leave_orders_open: bool = False) -> Ticket:
    """Finish the service. A ticket whose work orders are still open finishes only when told to leave them open."""
    if outcome not in TicketOutcome.values:
        raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status != S.SERVING:
        raise _refuse_move(ticket, S.DONE)
    _check_open_orders(ticket, staff, leave_open=leave_orders_open)
    now = timezone.now()
    ticket = _move(
        ticket, S.DONE, actor=staff, counter=ticket.counter, now=now, outcome=outcome, closed_at=now, script_step=8
    )
    _queue_changed(ticket.hall)
    return ticket


def _check_open_orders(ticket: Ticket, staff: Any, *, leave_open: bool) -> None:
    # Imported here: the orders app builds on the queue, not the other way round.
    from servicehall.orders.selectors import ticket_open_orders

    numbers = list(ticket_open_orders(ticket=ticket).values_list("number", flat=True))
    if not numbers:
        return
    if not leave_open:
        raise Conflict(
            _(
                "Work orders of this ticket are still open: %(numbers)s. "
                "Close them first, or finish the ticket leaving them open."
            )
            % {"numbers": ", ".join(numbers)},
            code="orders_open",
        )
    audit_record(
        actor=staff, action="ticket.finish_leaving_orders_open", obj=ticket, hall=ticket.hall, data={"orders": numbers}
    )


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, staff: Any) -> Ticket:
    """过号: the customer did not come; the counter is free for the next."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status != S.CALLED:
        raise _refuse_move(ticket, S.NO_SHOW)
    ticket = _move(ticket, S.NO_SHOW, actor=staff, counter=ticket.counter)
    _queue_changed(ticket.hall)
    return ticket


@transaction.atomic
def ticket_return_late(*, ticket: Ticket, actor: Any) -> Ticket:
    """A skipped customer came back: re-queued by the hall's returned-ticket rule."""
    ticket = _lock_ticket(ticket)
    if ticket.status != S.NO_SHOW:
        raise _refuse_move(ticket, S.WAITING)
    now = timezone.now()
    missed_at = (
        TicketInterval.objects.filter(ticket=ticket, status=S.NO_SHOW)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
        or now
    )
    window = dt.timedelta(minutes=ticket.hall.no_show_return_minutes)
    if now - missed_at > window:
        raise Unprocessable(
            _("Ticket %(number)s was missed more than %(minutes)s minutes ago. Please take a new number.")
            % {"number": ticket.number, "minutes": ticket.hall.no_show_return_minutes},
            code="return_window_passed",
        )
    ticket = _move(
        ticket,
        S.WAITING,
        actor=actor,
        counter=None,
        note="returned",
        now=now,
        kind=TicketKind.RETURNED,
        rank=_epoch(now) - head_start_seconds(hall=ticket.hall, kind=TicketKind.RETURNED),
        queued_at=now,
        counter_id=None,
        staff_id=None,
    )
    _queue_changed(ticket.hall)
    return ticket


@transaction.atomic
def ticket_hold(*, ticket: Ticket, staff: Any, note: str = "") -> Ticket:
    """挂起: park the ticket (e.g. the customer fetches a document); the counter may call the next."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status not in (S.CALLED, S.SERVING):
        raise _refuse_move(ticket, S.HELD)
    ticket = _move(ticket, S.HELD, actor=staff, counter=ticket.counter, note=note)
    _queue_changed(ticket.hall)
    return ticket


def ticket_resume(*, ticket: Ticket, staff: Any) -> Ticket:
    """Take a held ticket back at its counter."""
    try:
        with transaction.atomic():
            ticket = _lock_ticket(ticket)
            if ticket.status != S.HELD or ticket.counter is None:
                raise _refuse_move(ticket, S.SERVING)
            counter = _lock_counter(ticket.counter)
            counter_check_operator(counter=counter, user=staff)
            _require_no_active(counter)
            ticket = _move(ticket, S.SERVING, actor=staff, counter=counter, note="resumed", staff_id=staff.pk)
            _queue_changed(ticket.hall)
            return ticket
    except IntegrityError as exc:
        raise Conflict(_("This counter already has a ticket."), code="counter_busy") from exc


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    staff: Any,
    category: QueueCategory | None = None,
    counter: Counter | None = None,
    note: str = "",
) -> Ticket:
    """Send the customer to another category or a named counter.

    The ticket keeps its original place when the hall says so, and gains the
    transfer head start either way, so a customer is not sent to the back.
    """
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if category is None and counter is None:
        raise Unprocessable(_("Choose a category or a counter to transfer to."), code="transfer_target_missing")
    if ticket.status not in (S.CALLED, S.SERVING, S.HELD):
        raise _refuse_move(ticket, S.WAITING)
    hall = ticket.hall
    if category is not None and category.hall_id != hall.pk:
        raise NotFound(_("There is no queue category %(code)s in this hall.") % {"code": category.code})
    if counter is not None and counter.hall_id != hall.pk:
        raise NotFound(_("There is no such counter."))
    if counter is not None and counter.pk == ticket.counter_id:
        raise Unprocessable(_("The ticket is already at this counter."), code="transfer_same_counter")
    now = timezone.now()
    if counter is not None:
        counter = Counter.objects.get(pk=counter.pk)  # its status now, not as the caller last saw it
    if counter is not None and counter.status == Counter.Status.CLOSED:
        raise Unprocessable(
            _("Counter %(counter)s is closed. Choose an open counter or a category.") % {"counter": counter.number},
            code="transfer_counter_closed",
        )
    # The place is the time the customer joined the queue (never moved by a
    # transfer), so head starts cannot pile up over several transfers.
    place = _epoch(ticket.queued_at) if hall.transfer_keeps_place else _epoch(now)
    before = {"category": ticket.category.code, "counter": ticket.counter.number if ticket.counter else None}
    ticket = _move(
        ticket,
        S.WAITING,
        actor=staff,
        counter=ticket.counter,
        note=note or "transfer",
        now=now,
        kind=TicketKind.TRANSFER,
        category_id=(category or ticket.category).pk,
        target_counter_id=counter.pk if counter else None,
        rank=place - head_start_seconds(hall=hall, kind=TicketKind.TRANSFER),
        counter_id=None,
        staff_id=None,
    )
    audit_record(
        actor=staff,
        action="ticket.transfer",
        obj=ticket,
        hall=hall,
        data={
            "from": before,
            "to": {"category": (category or ticket.category).code, "counter": counter.number if counter else None},
        },
    )
    _queue_changed(hall)
    return ticket


@transaction.atomic
def ticket_abandon(*, ticket: Ticket, actor: Any) -> Ticket:
    """弃号: the customer left without being served.

    A waiting or missed ticket is the lobby's to close; a ticket on hold
    belongs to its counter, so only that counter's clerk (or a duty manager)
    may give it up.
    """
    ticket = _lock_ticket(ticket)
    if ticket.status == S.HELD:
        _check_ticket_operator(ticket, actor)
    before = ticket.status
    ticket = _move(ticket, S.ABANDONED, actor=actor, counter=None, closed_at=timezone.now(), counter_id=None)
    audit_record(actor=actor, action="ticket.abandon", obj=ticket, hall=ticket.hall, data={"from": before})
    _queue_changed(ticket.hall)
    return ticket


@transaction.atomic
def ticket_set_script_step(*, ticket: Ticket, staff: Any, step: int) -> Ticket:
    """Which step of the hall's acceptance script (业务受理八步) the clerk is at."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status not in ACTIVE_STATUSES:
        raise Conflict(_("Only the ticket at the counter has a current step."), code="not_active")
    steps = len(script_steps(hall=ticket.hall, script="acceptance")) or 8
    if not 1 <= step <= steps:
        raise Unprocessable(_("Choose a step from 1 to %(steps)s.") % {"steps": steps}, code="bad_step")
    Ticket.objects.filter(pk=ticket.pk).update(script_step=step)
    ticket.script_step = step
    return ticket


def tickets_close_day(*, hall: Hall, actor: Any = None, before: dt.date | None = None) -> int:
    """Close the open tickets of past business days, unless the hall opts out."""
    if not hall.close_open_tickets_at_day_end:
        return 0
    before = before or hall.local_date()
    closed = 0
    open_tickets = Ticket.objects.filter(hall=hall, status__in=OPEN_STATUSES, service_date__lt=before)
    for ticket_id in open_tickets.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
            if ticket.status in OPEN_STATUSES:
                _move(ticket, S.CLOSED, actor=actor, counter=ticket.counter, note="day end", closed_at=timezone.now())
                closed += 1
    return closed


# --- counters (Q04) -----------------------------------------------------------------


@transaction.atomic
def counter_set_status(*, counter: Counter, status: str, actor: Any) -> Counter:
    """Open, pause or close a counter. Opening an unattended counter takes it for the actor.

    Only the clerk working a counter, or a duty manager, may change it; closing
    releases it.
    """
    if status not in Counter.Status.values:
        raise Unprocessable(_("Unknown counter status."), code="bad_status")
    counter = _lock_counter(counter)
    if counter.staff_id is not None:
        counter_check_operator(counter=counter, user=actor)
    if status == Counter.Status.CLOSED:
        _require_no_active(counter)
        _require_no_held(counter)
        # Customers sent to this counter go back to their category's queue, keeping their place.
        Ticket.objects.filter(target_counter=counter, status=S.WAITING).update(target_counter=None)
    before = counter.status
    counter.status = status
    if status == Counter.Status.OPEN and counter.staff_id is None and getattr(actor, "is_authenticated", False):
        # An unattended counter becomes the opener's; a manager reopening a
        # clerk's counter leaves it with that clerk.
        counter.staff = actor
    if status == Counter.Status.CLOSED:
        counter.staff = None
    counter.save(update_fields=["status", "staff", "updated_at"])
    audit_record(
        actor=actor, action="counter.status", obj=counter, hall=counter.hall, data={"from": before, "to": status}
    )
    events.send_on_commit(counter.hall.code, {"type": "counter", "counter": counter.number, "status": status})
    return counter


@transaction.atomic
def counter_release(*, counter: Counter, actor: Any) -> Counter:
    """The clerk leaves the counter: it closes and is nobody's until opened again.

    Refused while the counter still has a ticket at it or on hold, so that no
    customer is left without a counter. Leaving a counter that somebody else
    works now (taken over meanwhile) leaves it as it is.
    """
    counter = _lock_counter(counter)
    if counter.staff_id not in (None, getattr(actor, "pk", None)):
        return counter
    _require_no_active(counter)
    _require_no_held(counter)
    if counter.status == Counter.Status.CLOSED and counter.staff_id is None:
        return counter
    return counter_set_status(counter=counter, status=Counter.Status.CLOSED, actor=actor)


# --- paired screens: a board or kiosk of a private hall signed in as a device, not as staff ----------------------

# A paired screen carries this signed cookie instead of a staff session, so it outlives the staff session limits.
# It names the hall and the hall's screen key version: "Unpair all screens" raises the version, and every pass
# signed before is refused.
SCREEN_COOKIE = "servicehall_screen"
SCREEN_SALT = "servicehall.screen"
SCREEN_MAX_AGE_DAYS = 400


def screen_pair(*, hall: Hall, actor: Any, screen: str) -> str:
    """Pair a device's browser to the hall's screens; returns the signed pass its cookie carries.

    The pass names the hall and its current screen key version, so "unpair all" refuses it later.
    """
    current = Hall.objects.get(pk=hall.pk)
    screen_pass = signing.dumps({"hall": current.code, "v": current.screen_key_version}, salt=SCREEN_SALT)
    audit_record(
        actor=actor,
        action="screen.pair",
        obj=current,
        hall=current,
        data={"screen": screen, "screen_key_version": current.screen_key_version},
    )
    return screen_pass


@transaction.atomic
def screens_unpair_all(*, hall: Hall, actor: Any) -> int:
    """Refuse every screen paired so far (they must be paired again); returns the new screen key version."""
    Hall.objects.filter(pk=hall.pk).update(screen_key_version=F("screen_key_version") + 1)
    hall.refresh_from_db(fields=["screen_key_version"])
    audit_record(
        actor=actor,
        action="screen.unpair_all",
        obj=hall,
        hall=hall,
        data={"screen_key_version": hall.screen_key_version},
    )
    events.send_on_commit(hall.code, {"type": events.ACCESS_CHANGED})  # open feeds of those screens close
    return hall.screen_key_version
