"""The counter's work on a ticket (Q03): call next (a double press calls once), recall, start, the acceptance
script's step, finish, no-show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.selectors import script_steps
from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.errors import Conflict, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Counter, CounterCategory
from servicehall.org.roles import Capability

from ..extensions import after_service_run
from ..models import Ticket, TicketOutcome
from ..open_work import ticket_open_work
from ..states import ACTIVE_STATUSES
from ._common import (
    S,
    _announce_call,
    _check_ticket_operator,
    _lock_counter,
    _lock_counter_for,
    _lock_ticket,
    _move,
    _queue_changed,
    _refuse_move,
    _require_no_active,
    counter_check_operator,
    ticket_atomic,
)

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


def _callable_tickets_folded(*, hall_id: int, counter_id: int, step: int) -> Any:
    """`callable_tickets` with the counter's categories and their priorities read inside the same query
    (subqueries on the counter's served categories) instead of one query before it: call-next's hot path.
    Same tickets, same order; `step` is the hall's category step in seconds. Locked, skipping tickets another
    counter is taking, where the database can."""
    served = CounterCategory.objects.filter(counter_id=counter_id)
    top = served.order_by().values("counter_id").annotate(top=Min("priority")).values("top")
    priority = served.filter(category_id=OuterRef("category_id")).order_by().values("priority")[:1]
    offset = Case(
        When(target_counter_id=counter_id, then=Value(0)),
        default=Coalesce((Subquery(priority) - Subquery(top)) * Value(step), Value(0), output_field=BigIntegerField()),
        output_field=BigIntegerField(),
    )
    candidates = (
        Ticket.objects.filter(hall_id=hall_id, status=S.WAITING)
        .filter(
            (Q(target_counter_id=counter_id) & Exists(served))
            | Q(target_counter__isnull=True, category_id__in=served.values("category_id"))
        )
        .annotate(score=F("rank") + offset)
        .order_by("score", "issued_at", "sequence")
    )
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    return candidates.select_related("category")


# Every call-next runs it: SQL compiled once per process (issue 17).
_BEST_WAITING = CompiledRead(
    lambda hall_id, counter_id, step: _callable_tickets_folded(hall_id=hall_id, counter_id=counter_id, step=step)[:1],
    hall_id=Ticket.hall.field,
    counter_id=Counter.id,
    step=IntegerField(),
)


def _double_press(current: Ticket, staff: Any, now: dt.datetime) -> bool:
    """Whether the counter's active ticket is the one this clerk called less than DOUBLE_PRESS_SECONDS ago and
    still only called: a second press of call-next, not a busy counter (asked only when a ticket is active)."""
    if current.status != S.CALLED or current.call_count != 1 or current.staff_id != getattr(staff, "pk", None):
        return False
    since = now - dt.timedelta(seconds=DOUBLE_PRESS_SECONDS)
    return current.intervals.filter(status=S.CALLED, ended_at__isnull=True, started_at__gte=since).exists()


def ticket_call_next(*, counter: Counter, staff: Any) -> Ticket | None:
    """Call the best waiting ticket this counter serves; None when nobody waits.

    A double press calls once: the second press, a moment after the first by the same clerk, raises
    `AlreadyCalling` (409 `already_calling`, naming the ticket) that screens show as information.
    """
    try:
        with transaction.atomic():
            return _call_next_locked(counter=_lock_counter(counter), staff=staff)
    except IntegrityError as exc:
        # The one-active-ticket constraint fired: a double press raced us.
        raise Conflict(_("This counter already has a ticket."), code="counter_busy") from exc


def ticket_call_next_at(*, counter_id: int, staff: Any) -> Ticket | None:
    """`ticket_call_next` by the counter's id, for the API's hot path: the counter is read once, locked, and
    checked there to be one of the staff member's halls (404) where they may serve (403)."""
    try:
        with transaction.atomic():
            counter = _lock_counter_for(counter_id=counter_id, user=staff, capability=Capability.SERVE)
            return _call_next_locked(counter=counter, staff=staff)
    except IntegrityError as exc:
        raise Conflict(_("This counter already has a ticket."), code="counter_busy") from exc


def _call_next_locked(*, counter: Counter, staff: Any) -> Ticket | None:
    """`counter`: locked by the caller, with its hall and `active_ticket_id` (`_locked_counters`)."""
    counter_check_operator(counter=counter, user=staff)
    if counter.status != Counter.Status.OPEN:
        raise Conflict(
            _("Counter %(counter)s is not open. Open it before calling.") % {"counter": counter.number},
            code="counter_not_open",
        )
    # The counter's active ticket came with the lock (one at most, by constraint): no query when it is free.
    if counter.active_ticket_id is not None:  # type: ignore[attr-defined]
        current = Ticket.objects.filter(pk=counter.active_ticket_id).first()  # type: ignore[attr-defined]
        if current is not None and _double_press(current, staff, timezone.now()):
            raise AlreadyCalling(current)
        _require_no_active(counter)  # says which ticket keeps the counter busy
    return _call_best_waiting(counter=counter, staff=staff)


def _call_best_waiting(*, counter: Counter, staff: Any) -> Ticket | None:
    step = counter.hall.category_step_minutes * 60
    for _attempt in range(5):
        ticket = _BEST_WAITING.first(hall_id=counter.hall_id, counter_id=counter.pk, step=step)
        if ticket is None:
            return None
        ticket.hall = counter.hall  # the same hall: no join for it
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


def ticket_finish_and_call_next(
    *, counter_id: int, staff: Any, outcome: str, leave_orders_open: bool = False
) -> tuple[Ticket | None, Ticket | None]:
    """下一位: finish the ticket being served at the counter with its outcome and call the next, in one
    transaction; returns (the finished ticket, the called one or None when nobody waits).

    With nobody at the counter it only calls. A ticket called but not yet served is refused (409), as a
    finish of it would be: start it, or mark the customer absent (过号). Any refusal leaves both tickets
    as they were."""
    if outcome not in TicketOutcome.values:
        raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
    try:
        with transaction.atomic():
            # Lock order: the counter, then its ticket, then the next one (call-next's order).
            counter = _lock_counter_for(counter_id=counter_id, user=staff, capability=Capability.SERVE)
            counter_check_operator(counter=counter, user=staff)
            finished = None
            if counter.active_ticket_id is not None:  # type: ignore[attr-defined]
                current = _lock_ticket(Ticket(pk=counter.active_ticket_id))  # type: ignore[attr-defined]
                finished = _finish_locked(current, staff, outcome=outcome, leave_orders_open=leave_orders_open)
                counter.active_ticket_id = None  # type: ignore[attr-defined]
            called = _call_next_locked(counter=counter, staff=staff)
            return finished, called
    except IntegrityError as exc:
        raise Conflict(_("This counter already has a ticket."), code="counter_busy") from exc


@ticket_atomic
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


@ticket_atomic
def ticket_start(*, ticket: Ticket, staff: Any) -> Ticket:
    """The customer has arrived at the counter: serving starts."""
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    if ticket.status != S.CALLED:
        raise _refuse_move(ticket, S.SERVING)
    ticket = _move(ticket, S.SERVING, actor=staff, counter=ticket.counter, script_step=2)
    _queue_changed(ticket.hall)
    return ticket


@ticket_atomic
def ticket_finish(*, ticket: Ticket, staff: Any, outcome: str, leave_orders_open: bool = False) -> Ticket:
    """Finish the service. A ticket whose work orders are still open finishes only when told to leave them open."""
    if outcome not in TicketOutcome.values:
        raise Unprocessable(_("Choose how the service ended."), code="bad_outcome")
    ticket = _lock_ticket(ticket)
    _check_ticket_operator(ticket, staff)
    return _finish_locked(ticket, staff, outcome=outcome, leave_orders_open=leave_orders_open)


def _finish_locked(ticket: Ticket, staff: Any, *, outcome: str, leave_orders_open: bool) -> Ticket:
    if ticket.status != S.SERVING:
        raise _refuse_move(ticket, S.DONE)
    _check_open_orders(ticket, staff, leave_open=leave_orders_open)
    now = timezone.now()
    ticket = _move(
        ticket, S.DONE, actor=staff, counter=ticket.counter, now=now, outcome=outcome, closed_at=now, script_step=8
    )
    after_service_run(ticket, staff)  # e.g. the rating pad asks the customer (care)
    _queue_changed(ticket.hall)
    return ticket


def _check_open_orders(ticket: Ticket, staff: Any, *, leave_open: bool) -> None:
    numbers = [work.number for work in ticket_open_work(ticket)]
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


@ticket_atomic
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
