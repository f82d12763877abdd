"""Ending an order on the customer's word: withdrawing before processing completes, and reverting (退受理) the
business after it, where the business type allows it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Unprocessable
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from .. import actions
from ..extensions import unpaid_revert_hooks_run
from ..models import FollowUpTask, WorkOrder
from ..states import BEFORE_PROCESSING, PROCESSED
from ._common import S, _lock, _move, _note, _refuse_if_a_repair_drives, _refuse_move
from .numbers import _release_held_number


@transaction.atomic
def order_withdraw(*, order: WorkOrder, actor: Actor, reason: str = "") -> WorkOrder:
    """The customer does not want the business after all (any step before processing completes)."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status not in BEFORE_PROCESSING:
        raise _refuse_move(order, S.WITHDRAWN)
    _refuse_if_a_repair_drives(order, S.WITHDRAWN)
    reason = _note(reason)
    _release_held_number(order, actor)
    return _move(order, S.WITHDRAWN, actor=actor, note=reason, reason=reason, closed_at=timezone.now())


@transaction.atomic
def order_revert(*, order: WorkOrder, actor: Actor, reason: str) -> WorkOrder:
    """退受理: undo the business after processing, where the business type allows it, with a reason."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if order.status not in PROCESSED:
        raise _refuse_move(order, S.REVERTED)
    if not order.business_type.revertible:
        raise Unprocessable(
            _("%(business)s cannot be reverted.") % {"business": order.business_type.display_name},
            code="not_revertible",
        )
    reason = _note(reason)
    if not reason:
        raise Unprocessable(_("Give the reason for reverting the business."), code="reason_required")
    actions.undo(order, actor)
    if order.status == S.PAYMENT:
        # An unpaid order gives back what the apps above orders booked for it (promotions: the points).
        unpaid_revert_hooks_run(order=order, actor=actor)
    now = timezone.now()
    FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN).update(
        status=FollowUpTask.Status.CANCELLED, done_at=now
    )
    return _move(order, S.REVERTED, actor=actor, note=reason, now=now, reason=reason, work_pending=False, closed_at=now)
