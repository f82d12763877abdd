"""A ticket leaving its counter without being finished: hold and resume, transfer to another category or
counter, the late return of a missed customer, abandon, and the close of past business days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import QueueCategory
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Counter, Hall

from ..models import Ticket, TicketInterval, TicketKind
from ..states import OPEN_STATUSES
from ._common import (
    S,
    _check_ticket_operator,
    _epoch,
    _lock_counter,
    _lock_ticket,
    _move,
    _queue_changed,
    _refuse_move,
    _require_no_active,
    counter_check_operator,
    head_start_seconds,
)


@transaction.atomic
def ticket_return_late(*, ticket: Ticket, actor: Actor) -> Ticket:
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
def ticket_abandon(*, ticket: Ticket, actor: Actor) -> Ticket:
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


def tickets_close_day(*, hall: Hall, actor: Actor = None, before: dt.date | None = None) -> int:
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
