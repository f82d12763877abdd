"""The pool number held for a mobile opening (BT01): held while the order is worked on, taken at processing,
given back to the pool when the order ends without opening.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict
from servicehall.core.services import audit_record
from servicehall.customers.models import NumberPoolEntry
from servicehall.customers.services import (
    number_pool_release,
    number_pool_renew_hold,
    number_pool_reserve,
    number_pool_take,
)
from servicehall.lib.phones import phone_normalise_or_none
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from ..models import WorkOrder
from ..states import BEFORE_PROCESSING
from ._common import _lock


def _held_entry(order: WorkOrder) -> Any:
    reserved_id = WorkOrder.objects.filter(pk=order.pk).values_list("reserved_number_id", flat=True).first()
    if reserved_id is None:
        return None
    return NumberPoolEntry.objects.select_for_update().select_related("hall").filter(pk=reserved_id).first()


def _release_held_number(order: WorkOrder, actor: Actor) -> None:
    """The order ends without opening: its held number goes back to the pool."""
    held = _held_entry(order)
    if held is None or held.status != NumberPoolEntry.Status.RESERVED:
        return
    number_pool_release(actor=actor, entry=held)
    WorkOrder.objects.filter(pk=order.pk).update(reserved_number=None)
    order.reserved_number = None


def _same_number(a: str, b: str) -> bool:
    return (phone_normalise_or_none(a) or a) == (phone_normalise_or_none(b) or b)


@transaction.atomic
def order_hold_number(*, order: WorkOrder, actor: Actor, number: str = "") -> Any:
    """Reserve a free number of the hall's pool for this order (the chosen one, or the first free).

    The number the order held before goes back to the pool. Two orders never
    hold one number: reserving is a compare-and-set free → reserved, so the
    second clerk gets a 409 and chooses another. A hold lasts NUMBER_HOLD_MINUTES
    from the last time the order was worked on; after that another order may take
    the number, and the order that held it loses it (its link is cleared here).
    """
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status not in BEFORE_PROCESSING:
        raise Conflict(_("The number is chosen before the business is carried out."), code="too_late")
    held = _held_entry(order)
    holding = held is not None and held.status == NumberPoolEntry.Status.RESERVED
    if holding and (not number or _same_number(held.number, number)):
        number_pool_renew_hold(entry=held)
        return held
    entry = number_pool_reserve(actor=actor, hall=order.hall, number=number)
    if holding:
        number_pool_release(actor=actor, entry=held)
    # An order whose hold expired and went to this one no longer holds the number.
    WorkOrder.objects.filter(reserved_number=entry).exclude(pk=order.pk).update(reserved_number=None)
    WorkOrder.objects.filter(pk=order.pk).update(reserved_number=entry, updated_at=timezone.now())
    order.reserved_number = entry
    audit_record(actor=actor, action="order.number_held", obj=order, hall=order.hall, data={"pool_entry": entry.pk})
    return entry


def order_take_number(*, order: WorkOrder, actor: Actor, number: str = "") -> Any:
    """At processing: the order's held number (or the one asked for, held now) becomes taken."""
    with transaction.atomic():
        entry = order_hold_number(order=order, actor=actor, number=number)
        return number_pool_take(actor=actor, entry=entry)
