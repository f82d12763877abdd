"""What every write of the queue shares: a ticket's move along the table with its interval, the refusal
of a move, the head start of a kind, the row locks of a ticket and a counter, who may act at a counter, the
checks that a counter is free, and the pushes to the hall's screens."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, cast

from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.compiled_reads import CompiledRead
from servicehall.core.errors import Conflict, Forbidden, NotFound
from servicehall.core.states import transition
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import memberships_for_user, user_can

from .. import events
from ..models import DEFAULT_HEAD_START_MINUTES, PriorityRule, Ticket, TicketInterval
from ..states import ACTIVE_STATUSES, TICKET_TABLE, TicketStatus
from ..voice import call_clips, call_text

S = TicketStatus


# --- moves -------------------------------------------------------------------


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def head_start_seconds(*, hall: Hall, kind: str) -> int:
    rule = PriorityRule.objects.filter(hall=hall, kind=kind).values_list("head_start_minutes", flat=True).first()
    return head_start_of(rule, kind=kind)


def head_start_of(rule_minutes: int | None, *, kind: str) -> int:
    """The head start in seconds of a ticket of `kind`: the hall's rule (its minutes, None without one), else
    the default of the kind."""
    minutes = rule_minutes if rule_minutes is not None else DEFAULT_HEAD_START_MINUTES.get(kind, 0)
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
    actor: Actor,
    counter: Counter | None,
    note: str = "",
    now: dt.datetime | None = None,
    **changes: Any,
) -> Ticket:
    """Move a ticket along the table (compare-and-set, core.states), then record the interval.

    A lost race is refused like an illegal move, naming the status the ticket is in now."""
    now = now or timezone.now()
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and not any(hasattr(v, "resolve_expression") for v in changes.values()):
        return _move_in_one_statement(ticket, to, actor=actor, counter=counter, note=note, now=now, changes=changes)
    transition(ticket, to, table=TICKET_TABLE, refuse=lambda status: _refuse_move(ticket, to, status), changes=changes)
    TicketInterval.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    TicketInterval.objects.create(
        ticket=ticket, status=to, counter=counter, actor=acting_user(actor), started_at=now, note=note[:200]
    )
    return ticket


def _move_in_one_statement(
    ticket: Ticket, to: str, *, actor: Actor, counter: Counter | None, note: str, now: dt.datetime, changes: Any
) -> Ticket:
    """`_move` on PostgreSQL in one statement (issue 17): the compare-and-set update of the ticket, the close of
    its open interval and the new interval, as data-modifying CTEs of one query. The same rules as
    `core.states.transition`: a move the table does not list is refused; a lost race (the row's status is no
    longer the one read) writes nothing and is refused naming the status the ticket is in now."""
    old = ticket.status
    if not TICKET_TABLE.allows(old, to):
        raise _refuse_move(ticket, to, old)
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    ticket_meta, interval_meta = Ticket._meta, TicketInterval._meta

    def column(meta: Any, name: str) -> str:
        return qn(meta.get_field(name).column)

    def prepared(meta: Any, name: str, value: Any) -> Any:
        if isinstance(value, models.Model):
            value = value.pk
        return meta.get_field(name).get_db_prep_save(value, connection)

    assignments = [(column(ticket_meta, "status"), prepared(ticket_meta, "status", to))]
    assignments += [(column(ticket_meta, name), prepared(ticket_meta, name, value)) for name, value in changes.items()]
    pk = column(ticket_meta, "id")
    stamp = prepared(interval_meta, "started_at", now)
    user = acting_user(actor)
    interval_columns = ", ".join(
        column(interval_meta, name)
        for name in ("ticket", "status", "counter", "actor", "started_at", "ended_at", "note")
    )
    # Quoted names of the models only; every value is a parameter.
    sql = (
        f"WITH moved AS (UPDATE {qn(ticket_meta.db_table)} SET {', '.join(f'{c} = %s' for c, _v in assignments)} "  # noqa: S608
        f"WHERE {pk} = %s AND {column(ticket_meta, 'status')} = %s RETURNING {pk}), "
        f"closed AS (UPDATE {qn(interval_meta.db_table)} SET {column(interval_meta, 'ended_at')} = %s "
        f"WHERE {column(interval_meta, 'ticket')} IN (SELECT {pk} FROM moved) "
        f"AND {column(interval_meta, 'ended_at')} IS NULL RETURNING 1), "
        # Reading `closed` makes the close run before the insert: the one open interval per ticket holds.
        f"opened AS (INSERT INTO {qn(interval_meta.db_table)} ({interval_columns}) "
        f"SELECT {pk}, %s, %s, %s, %s, NULL, %s FROM moved WHERE (SELECT COUNT(*) FROM closed) >= 0) "
        "SELECT COUNT(*) FROM moved"
    )
    params = [value for _c, value in assignments]
    params += [prepared(ticket_meta, "id", ticket.pk), prepared(ticket_meta, "status", old), stamp]
    params += [to, counter.pk if counter is not None else None, user.pk if user is not None else None, stamp]
    params += [note[:200]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        moved = cursor.fetchone()[0]
    if moved != 1:
        current = Ticket.objects.values_list("status", flat=True).get(pk=ticket.pk)
        raise _refuse_move(ticket, to, current)
    ticket.status = to
    for name, value in changes.items():
        setattr(ticket, name, value)
    return ticket


# --- pushes to the hall's screens ------------------------------------------------


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


# --- locks, the counter's operator, a free counter -------------------------------


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


def _ticket_locked_here(ticket: Ticket) -> bool:
    """Whether `ticket` is the row the caller locked in a transaction block still open (see `_lock_ticket`):
    the block that was innermost when it was locked is still on the connection's stack of atomic blocks."""
    marker = getattr(ticket, "_locked_in", None)
    if marker is None:
        return False
    return any(block is marker for block in transaction.get_connection().atomic_blocks)


def ticket_atomic[F: Callable[..., Any]](service: F) -> F:
    """`transaction.atomic` for a service of one ticket, without the savepoint (two statements) when the
    caller has locked the ticket in its own transaction (`lock_ticket_for_user`): a refusal then rolls back
    the caller's whole transaction, which is what that caller does with any error anyway."""

    @functools.wraps(service)
    def run(*args: Any, **kwargs: Any) -> Any:
        ticket = kwargs.get("ticket")
        with transaction.atomic(savepoint=not (ticket is not None and _ticket_locked_here(ticket))):
            return service(*args, **kwargs)

    return cast(F, run)


def _lock_ticket(ticket: Ticket) -> Ticket:
    """Lock the ticket's row and bring along what the move and its answer need.

    A ticket the caller has locked already in a transaction still open (`lock_ticket_for_user`, the API's
    hot path) is not read again."""
    if _ticket_locked_here(ticket):
        return ticket
    locked = _TICKET_LOCKED.first(ticket_id=ticket.pk)
    if locked is None:
        raise Ticket.DoesNotExist("Ticket matching query does not exist.")
    if locked.counter is not None:
        locked.counter.hall = locked.hall  # same hall; saves a query for the operator check
    return locked


def lock_ticket_for_user(*, ticket_id: Any, user: Any) -> Ticket:
    """Inside the caller's transaction: lock a ticket of the user's halls (404 for any other) with its hall,
    category and counter, marked so that the service the caller runs next in the same transaction does not
    lock and read it a second time."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("lock_ticket_for_user needs the caller's transaction")
    ticket = _TICKET_LOCKED.first(ticket_id=ticket_id)
    if ticket is None or not any(m.hall_id == ticket.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such ticket."))
    if ticket.counter is not None:
        ticket.counter.hall = ticket.hall
    ticket._locked_in = connection.atomic_blocks[-1]  # type: ignore[attr-defined]
    return ticket


def _check_ticket_operator(ticket: Ticket, user: Any) -> None:
    if ticket.counter is not None:
        counter_check_operator(counter=ticket.counter, user=user)


def _locked_counters() -> Any:
    """Counters to lock, each with its hall and — in the same query — the id of its active ticket (one at most,
    by constraint) as `active_ticket_id`: call-next's check that the counter is free costs no query of its own."""
    active = Ticket.objects.filter(counter_id=OuterRef("pk"), status__in=ACTIVE_STATUSES).values("pk")[:1]
    return (
        Counter.objects.select_for_update(of=("self",))
        .select_related("hall")
        .annotate(active_ticket_id=Subquery(active))
    )


# The API's hot path locks a counter or a ticket by its id on every call: SQL compiled once per process.
_COUNTER_LOCKED = CompiledRead(
    lambda counter_id: _locked_counters().filter(pk=counter_id).order_by()[:1], counter_id=Counter.id
)
_TICKET_LOCKED = CompiledRead(
    lambda ticket_id: (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("hall", "category", "counter")
        .filter(pk=ticket_id)
        .order_by()[:1]
    ),
    ticket_id=Ticket.id,
)


def _lock_counter(counter: Counter) -> Counter:
    locked = _COUNTER_LOCKED.first(counter_id=counter.pk)
    if locked is None:
        raise Counter.DoesNotExist("Counter matching query does not exist.")
    return locked


def _lock_counter_for(*, counter_id: int, user: Any, capability: str) -> Counter:
    """Lock a counter of the user's halls by its id: the scope check of `org.selectors.counter_get_for_user`
    (404 for a counter of another hall, 403 without `capability` there) made on the locked row, so the API's
    hot path reads the counter once. The user's memberships come with the request's token (no query)."""
    counter = _COUNTER_LOCKED.first(counter_id=counter_id)
    if counter is None or not any(m.hall_id == counter.hall_id for m in memberships_for_user(user=user)):
        raise NotFound(_("There is no such counter."))
    if not user_can(user=user, hall=counter.hall, capability=capability):
        raise Forbidden(_("Your role in this hall does not allow this."))
    return counter


def _require_no_active(counter: Counter) -> None:
    current = Ticket.objects.filter(counter=counter, status__in=ACTIVE_STATUSES).first()
    if current is not None:
        raise Conflict(
            _("Counter %(counter)s is still busy with %(number)s. Finish, hold or skip it first.")
            % {"counter": counter.number, "number": current.number},
            code="counter_busy",
        )
