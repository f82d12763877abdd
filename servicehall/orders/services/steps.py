"""The standard steps (ACC01) and the duty manager's review (ACC04): moving an order along the table with each
step's gates, running the business action at processing (its fee lines), and the follow-up call's due date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, Forbidden, Unprocessable
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_can

from .. import actions, selectors
from ..models import Confirmation, FeeLine, FollowUpTask, InstallationJob, ReviewDecision, WorkOrder
from ..states import SPECIAL_TARGETS, move_fits_order, move_is_in_table
from ._common import C, S, _lock, _move, _note, _refuse_if_a_repair_drives, _refuse_move
from .cancelling import order_revert, order_withdraw
from .numbers import _release_held_number

# --- the steps (ACC01) ------------------------------------------------------------------------------


def order_advance(*, order: WorkOrder, to: str, actor: Actor, note: str = "") -> WorkOrder:
    """Take the order one step along the table; the gates of each step apply.

    Withdrawing and reverting go through their own services (called from here
    when `to` names them, with `note` as the reason); leaving review is the duty
    manager's decision (`order_review`).
    """
    if to == S.WITHDRAWN:
        return order_withdraw(order=order, actor=actor, reason=note)
    if to == S.REVERTED:
        return order_revert(order=order, actor=actor, reason=note)
    with transaction.atomic():
        order = _lock(order)
        require_capability(actor, order.hall, Capability.SERVE)
        return _advance_locked(order, to, actor=actor, note=_note(note))


def _advance_locked(order: WorkOrder, to: str, *, actor: Actor, note: str) -> WorkOrder:
    if to not in S.values or not move_is_in_table(order.status, to):
        raise _refuse_move(order, to)
    _refuse_if_a_repair_drives(order, to)
    if order.status == S.REVIEW or to == S.REJECTED:
        raise Conflict(_("The duty manager approves or rejects an order at review."), code="needs_review")
    if to in SPECIAL_TARGETS:
        raise _refuse_move(order, to)
    if order.status == S.ACCEPTANCE:
        # What is missing is the more useful answer than which way the order would leave.
        blockers = selectors.acceptance_blockers(order=order)
        if blockers:
            raise Unprocessable(" ".join(b.message for b in blockers), code=blockers[0].code)
    if not move_fits_order(order, to):
        if order.status == S.ACCEPTANCE and to == S.PROCESSING:
            raise Conflict(_("This order needs the duty manager's review first."), code="review_required")
        raise _refuse_move(order, to)
    now = timezone.now()
    changes: dict[str, Any] = {}
    if order.status == S.ACCEPTANCE:
        changes.update(accepted_by=actor, accepted_at=now)
    elif order.status == S.PROCESSING:
        changes.update(_complete_processing(order, actor))
    elif order.status == S.CONFIRMATION and not Confirmation.objects.filter(order=order).exists():
        raise Conflict(_("The customer has not confirmed the order yet."), code="not_confirmed")
    elif order.status == S.PAYMENT and order.paid_at is None:
        raise Conflict(_("The order is waiting for payment."), code="not_paid")
    if to == S.FOLLOW_UP:
        _create_follow_up(order, now)
    if to == S.CLOSED:
        changes["closed_at"] = now
        if order.status == S.FOLLOW_UP:
            FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN).update(
                status=FollowUpTask.Status.DONE, done_at=now
            )
    return _move(order, to, actor=actor, note=note, now=now, **changes)


def _complete_processing(order: WorkOrder, actor: Actor) -> dict[str, Any]:
    """Run the business action; the fee lines are the standard fee plus what the action adds."""
    result = actions.run(order, actor)
    business = order.business_type
    lines = []
    if business.standard_fee > 0:
        lines.append(
            FeeLine(
                order=order,
                code="standard_fee",
                description_zh=business.name_zh,
                description_en=business.name_en,
                amount=business.standard_fee,
            )
        )
    for fee in result.fees:
        lines.append(
            FeeLine(
                order=order,
                code=fee.code,
                description_zh=fee.description_zh,
                description_en=fee.description_en,
                amount=Decimal(fee.amount).quantize(Decimal("0.01")),
            )
        )
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total < 0:
        raise Unprocessable(_("The fees of an order cannot add up to less than zero."), code="negative_fees")
    FeeLine.objects.filter(order=order).delete()
    FeeLine.objects.bulk_create(lines)
    data = dict(result.data)
    if result.summary_zh or result.summary_en:
        data.update(summary_zh=result.summary_zh, summary_en=result.summary_en)
    order.fee_total = total  # the next step (payment or not) depends on it
    return {"fee_total": total, "action_result": data, "work_pending": result.work_pending}


def _create_follow_up(order: WorkOrder, now: dt.datetime) -> None:
    FollowUpTask.objects.create(order=order, due_at=follow_up_due(order, since=now))


def follow_up_due(order: WorkOrder, *, since: dt.datetime) -> dt.datetime:
    """When the call-back is due: `follow_up_days` after the business is complete, never before `since`.

    Installed business is complete when its job is: a job reported done counts from its report, one still
    open from the end of its appointment (the call asks how the installation went, so never before it).
    """
    base = since
    for status, window_end, reported_at in (
        InstallationJob.objects.filter(order=order)
        .exclude(status=InstallationJob.Status.CANCELLED)
        .values_list("status", "window_end", "reported_at")
    ):
        finished = reported_at if status == InstallationJob.Status.DONE and reported_at is not None else window_end
        base = max(base, finished)
    return base + dt.timedelta(days=order.business_type.follow_up_days or 0)


def order_follow_up_redate(*, order: WorkOrder) -> None:
    """Date the open call-back again after the order's job was reported or rescheduled (order row locked)."""
    for task in FollowUpTask.objects.filter(order=order, status=FollowUpTask.Status.OPEN):
        due = follow_up_due(order, since=task.created_at)
        if due != task.due_at:
            FollowUpTask.objects.filter(pk=task.pk).update(due_at=due)


# --- review (ACC04) ---------------------------------------------------------------------------------


@transaction.atomic
def order_review(*, order: WorkOrder, actor: Actor, approve: bool, reason: str = "") -> WorkOrder:
    """The duty manager approves (→ processing) or rejects with a reason (→ rejected).

    Needs the hall's MANAGE_QUEUE capability (duty manager, hall administrator),
    and somebody other than the clerk who opened or accepted the order.
    """
    order = _lock(order)
    if not user_can(user=actor, hall=order.hall, capability=C.MANAGE_QUEUE):
        raise Forbidden(_("Only a duty manager of the hall may review orders."), code="not_reviewer")
    reviewer = acting_user(actor)
    assert reviewer is not None  # user_can grants nothing to anyone not signed in
    if reviewer.pk in (order.clerk_id, order.accepted_by_id):
        raise Forbidden(_("You accepted this order yourself; another duty manager must review it."), code="same_person")
    if order.status != S.REVIEW:
        raise _refuse_move(order, S.PROCESSING if approve else S.REJECTED)
    reason = _note(reason)
    if not approve and not reason:
        raise Unprocessable(_("Give the reason for the rejection."), code="reason_required")
    now = timezone.now()
    ReviewDecision.objects.create(order=order, decided_by=reviewer, approved=approve, reason=reason, at=now)
    if approve:
        return _move(order, S.PROCESSING, actor=actor, note=reason, now=now)
    _release_held_number(order, actor)
    return _move(order, S.REJECTED, actor=actor, note=reason, now=now, reason=reason, closed_at=now)
