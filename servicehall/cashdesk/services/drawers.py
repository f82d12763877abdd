"""Drawer sessions (CASH01): opened with a counted float, cash recorded in and out, closed with a count."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.lib import money
from servicehall.org.models import Counter, Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import selectors
from ..models import CountPurpose, DrawerCountLine, DrawerMovement, DrawerSession, Handover, MovementKind
from ..states import DRAWER_TABLE, DrawerStatus
from ._common import NOTE_MAX, _count_lines, _text, counts_total, day_open_require, parse_counts


def drawer_open(*, hall: Hall, counter: Counter, clerk: Any, counts: Mapping[Any, Any] | None) -> DrawerSession:
    """Open the clerk's drawer at a counter with a float counted by denomination."""
    require_capability(clerk, hall, Capability.SERVE)
    if counter.hall_id != hall.pk:
        raise NotFound(_("There is no such counter."))
    parsed = parse_counts(counts)
    total = counts_total(parsed)
    day = hall.local_date()
    day_open_require(hall=hall, day=day)
    try:
        with transaction.atomic():
            Counter.objects.select_for_update().filter(pk=counter.pk).first()
            session = _open_locked(hall, counter, clerk, parsed, total, day, kind=MovementKind.FLOAT)
    except IntegrityError as exc:
        # Only a race the locks did not order (SQLite without row locks) gets here.
        raise Conflict(_("A drawer was just opened at this counter or by you."), code="counter_busy") from exc
    audit_record(
        actor=clerk,
        action="cashdesk.drawer_open",
        obj=session,
        hall=hall,
        data={"counter": counter.number, "float": money.format_yuan(total)},
    )
    return session


def _open_locked(
    hall: Hall,
    counter: Counter,
    clerk: Any,
    counts: Mapping[Decimal, int],
    total: Decimal,
    day: datetime.date,
    *,
    kind: str,
    handover: Handover | None = None,
) -> DrawerSession:
    busy = DrawerSession.objects.filter(counter=counter, status=DrawerStatus.OPEN).select_related("clerk").first()
    if busy is not None:
        raise Conflict(
            _("Counter %(number)s already has an open drawer (%(clerk)s).")
            % {"number": counter.number, "clerk": busy.clerk.get_username()},
            code="counter_busy",
        )
    if DrawerSession.objects.filter(hall=hall, clerk=clerk, status=DrawerStatus.OPEN).exists():
        raise Conflict(
            _("%(clerk)s already has an open drawer in this hall.") % {"clerk": clerk.get_username()},
            code="drawer_already_open",
        )
    now = timezone.now()
    session = DrawerSession.objects.create(
        hall=hall,
        counter=counter,
        clerk=clerk,
        day=day,
        opened_at=now,
        opening_float=total,
        from_handover=handover,
    )
    _count_lines(DrawerCountLine, counts, session=session, purpose=CountPurpose.OPENING)
    if total > 0:
        DrawerMovement.objects.create(session=session, kind=kind, amount=total, at=now)
    return session


def _lock_session(session: DrawerSession) -> DrawerSession:
    locked = DrawerSession.objects.select_for_update().filter(pk=session.pk).select_related("hall", "counter").first()
    if locked is None:
        raise NotFound(_("There is no such drawer."))
    return locked


def _drawer_closed() -> Conflict:
    return Conflict(_("This drawer is already closed."), code="drawer_closed")


def _refuse_not_open(session: DrawerSession) -> None:
    if session.status != DrawerStatus.OPEN:
        raise _drawer_closed()
    if selectors.handover_pending_of(session=session) is not None:
        raise Conflict(
            _("This drawer is being handed over: wait for the second signature or withdraw the handover."),
            code="handover_pending",
        )


def drawer_record_cash(
    *, hall: Any, clerk: Any, amount_in: Decimal, amount_out: Decimal, payment: Any = None, refund: Any = None
) -> None:
    """Record cash into (customer's money) and out of (change, refund) the clerk's open drawer.

    Runs inside the caller's transaction; refuses with 409 `no_open_drawer` when the clerk has no open
    drawer in the hall, `day_closed` when today's settlement is closed, `not_enough_cash` when more would
    go out than the drawer holds.
    """
    amount_in = Decimal(amount_in or 0)
    amount_out = Decimal(amount_out or 0)
    if amount_in < 0 or amount_out < 0:
        raise Unprocessable(_("A cash amount cannot be negative."), code="bad_amount")
    with transaction.atomic():
        session = (
            DrawerSession.objects.select_for_update().filter(hall=hall, clerk=clerk, status=DrawerStatus.OPEN).first()
        )
        if session is None:
            raise Conflict(
                _(
                    "You have no open cash drawer in this hall. Open your drawer (count the float) before taking or "
                    "paying out cash."
                ),
                code="no_open_drawer",
            )
        _refuse_not_open(session)
        day_open_require(hall=hall)
        if selectors.drawer_expected(session=session) + amount_in - amount_out < 0:
            raise Conflict(
                _("The drawer does not hold enough cash for this: pay it out another way or ask the duty manager."),
                code="not_enough_cash",
            )
        now = timezone.now()
        if amount_in > 0:
            DrawerMovement.objects.create(
                session=session, kind=MovementKind.PAYMENT_IN, amount=amount_in, payment=payment, at=now
            )
        if amount_out > 0:
            kind = MovementKind.REFUND_OUT if refund is not None else MovementKind.CHANGE_OUT
            DrawerMovement.objects.create(
                session=session, kind=kind, amount=amount_out, payment=payment, refund=refund, at=now
            )


def drawer_close(
    *, session: DrawerSession, actor: Actor, counts: Mapping[Any, Any] | None, note: Any = ""
) -> DrawerSession:
    """Close the clerk's drawer: count by denomination; the difference to expected is recorded (with a note)."""
    clerk = acting_user(actor)
    if clerk is None or clerk.pk != session.clerk_id:
        raise Forbidden(_("Only the clerk of the drawer can close it."), code="not_your_drawer")
    parsed = parse_counts(counts)
    counted = counts_total(parsed)
    text = _text(note, limit=NOTE_MAX, label=_("The note"))
    with transaction.atomic():
        locked = _lock_session(session)
        _refuse_not_open(locked)
        expected = selectors.drawer_expected(session=locked)
        difference = counted - expected
        if difference != 0 and not text:
            raise Unprocessable(
                _(
                    "The count differs from the expected %(expected)s yuan by %(difference)s yuan: "
                    "explain it in the note."
                )
                % {"expected": money.format_yuan(expected), "difference": money.format_yuan(difference)},
                code="note_required",
            )
        transition(
            locked,
            DrawerStatus.CLOSED,
            table=DRAWER_TABLE,
            refuse=lambda status: _drawer_closed(),
            lost=_drawer_closed,
            changes={
                "closed_at": timezone.now(),
                "counted": counted,
                "expected": expected,
                "difference": difference,
                "note": text,
            },
        )
        _count_lines(DrawerCountLine, parsed, session=locked, purpose=CountPurpose.CLOSING)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="cashdesk.drawer_close",
        obj=locked,
        hall=locked.hall,
        data={
            "counted": money.format_yuan(counted),
            "expected": money.format_yuan(expected),
            "difference": money.format_yuan(difference),
        },
    )
    return locked
