"""The hall's pool of mobile numbers (BT01): adding, holding one for an opening, taking and releasing it,
and giving back holds that ran out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.models import Hall

from ..models import NumberPoolEntry
from ..selectors import number_hold_expired, number_pool_available
from ..states import NUMBER_POOL_TABLE
from ._common import _phone

# --- number pool (BT01) ------------------------------------------------------------------------


def number_pool_add(*, actor: Actor, hall: Hall, numbers: Iterable[str]) -> int:
    """Put mobile numbers into the hall's pool as free; numbers already there are left alone.

    All numbers are checked first: one bad number refuses the whole batch.
    Returns how many were added.
    """
    cleaned = sorted({_phone(n, field="numbers", mobile_only=True) for n in numbers if (n or "").strip()})
    with transaction.atomic():
        existing = set(NumberPoolEntry.objects.filter(hall=hall, number__in=cleaned).values_list("number", flat=True))
        fresh = [NumberPoolEntry(hall=hall, number=n) for n in cleaned if n not in existing]
        NumberPoolEntry.objects.bulk_create(fresh, ignore_conflicts=True)
        if fresh:
            audit_record(actor=actor, action="number_pool.add", obj=hall, hall=hall, data={"count": len(fresh)})
    return len(fresh)


def number_pool_reserve(*, actor: Actor, hall: Hall, number: str = "") -> NumberPoolEntry:
    """Hold a free number of the hall's pool for an opening (BT01): the chosen one, or the first free.

    Two clerks never get the same number: on PostgreSQL the first free row is
    locked with SKIP LOCKED (a second clerk gets the next one), and the move
    itself is a compare-and-set on the status. A number held longer than
    NUMBER_HOLD_MINUTES counts as free: its hold is released first (audited).
    """
    with transaction.atomic():
        free = NumberPoolEntry.objects.select_for_update(skip_locked=not number).filter(
            number_pool_available(), hall=hall
        )
        if number:
            wanted = _phone(number, field="number", mobile_only=True)
            entry = free.filter(number=wanted).first()
            if entry is None:
                raise Conflict(_("This number is not free in the hall's pool. Choose another."), code="number_not_free")
        else:
            entry = free.order_by("number").first()
            if entry is None:
                raise Conflict(_("The hall's number pool has no free numbers left."), code="pool_empty")
        if entry.status == NumberPoolEntry.Status.RESERVED:
            entry = _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=None, expired=True)
        return _pool_move(entry=entry, to=NumberPoolEntry.Status.RESERVED, actor=actor)


def number_pool_release_expired(*, now: dt.datetime | None = None) -> int:
    """Give every number held longer than NUMBER_HOLD_MINUTES back to the pool (the clean-up command).

    Each row is locked and moved with a compare-and-set, so an order holding or
    taking the number at the same moment either wins or finds it free.
    """
    released = 0
    expired_ids = list(NumberPoolEntry.objects.filter(number_hold_expired(now)).values_list("pk", flat=True))
    for pk in expired_ids:
        with transaction.atomic():
            entry = (
                NumberPoolEntry.objects.select_for_update(skip_locked=True)
                .select_related("hall")
                .filter(number_hold_expired(now), pk=pk)
                .first()
            )
            if entry is not None:
                _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=None, expired=True)
                released += 1
    return released


def _pool_move(*, entry: NumberPoolEntry, to: str, actor: Actor, expired: bool = False) -> NumberPoolEntry:
    old = entry.status
    reserving = to == NumberPoolEntry.Status.RESERVED
    fields: dict[str, Any] = {
        "updated_at": timezone.now(),
        "reserved_by": acting_user(actor) if reserving else None,
        "reserved_at": timezone.now() if reserving else None,
    }
    if to == NumberPoolEntry.Status.TAKEN:
        fields.pop("reserved_by")
        fields.pop("reserved_at")
    transition(
        entry,
        to,
        table=NUMBER_POOL_TABLE,
        refuse=lambda status: Conflict(_("This number cannot change that way now."), code="illegal_move"),
        lost=lambda: Conflict(
            _("Someone else changed this number just now. Please try again."), code="number_not_free"
        ),
        changes=fields,
    )
    entry.refresh_from_db()  # the whole row as the database holds it, for the caller and the audit row
    data: dict[str, Any] = {"from": old, "to": to}
    if expired:
        data["expired"] = True  # the hold ran out (NUMBER_HOLD_MINUTES), nobody let it go
    audit_record(actor=actor, action="number_pool.move", obj=entry, hall=entry.hall, data=data)
    return entry


def number_pool_renew_hold(*, entry: NumberPoolEntry) -> None:
    """The order holding the number was worked on again: its hold lasts NUMBER_HOLD_MINUTES from now."""
    NumberPoolEntry.objects.filter(pk=entry.pk, status=NumberPoolEntry.Status.RESERVED).update(
        reserved_at=timezone.now()
    )


@transaction.atomic
def number_pool_take(*, actor: Actor, entry: NumberPoolEntry) -> NumberPoolEntry:
    """The reserved number now belongs to a service that was opened."""
    return _pool_move(entry=entry, to=NumberPoolEntry.Status.TAKEN, actor=actor)


@transaction.atomic
def number_pool_release(*, actor: Actor, entry: NumberPoolEntry) -> NumberPoolEntry:
    """Back to free: the customer chose another number, the order was withdrawn, or an opening was reverted."""
    return _pool_move(entry=entry, to=NumberPoolEntry.Status.FREE, actor=actor)
