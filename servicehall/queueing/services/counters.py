"""Counters (Q04): open, pause or close one, and the clerk leaving it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Counter

from .. import events
from ..extensions import before_counter_open_run
from ..models import Ticket
from ._common import S, _lock_counter, _require_no_active, _require_no_held, counter_check_operator

# --- counters (Q04) -----------------------------------------------------------------


@transaction.atomic
def counter_set_status(*, counter: Counter, status: str, actor: Actor) -> Counter:
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
    opener = acting_user(actor)
    if status == Counter.Status.OPEN and counter.staff_id is None and opener is not None:
        # An unattended counter becomes the opener's; a manager reopening a
        # clerk's counter leaves it with that clerk.
        counter.staff = opener
    if status == Counter.Status.OPEN and before != Counter.Status.OPEN and counter.staff is not None:
        # Apps above the queue may refuse: e.g. today's pre-shift checklist of the person at the counter.
        before_counter_open_run(counter, counter.staff)
    if status == Counter.Status.CLOSED:
        counter.staff = None
    counter.save(update_fields=["status", "staff", "updated_at"])
    audit_record(
        actor=actor, action="counter.status", obj=counter, hall=counter.hall, data={"from": before, "to": status}
    )
    events.send_on_commit(counter.hall.code, {"type": "counter", "counter": counter.number, "status": status})
    return counter


@transaction.atomic
def counter_release(*, counter: Counter, actor: Actor) -> Counter:
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
