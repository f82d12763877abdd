"""After the business is done: the follow-up call made (the order closes), the outstanding work finished
(installation, meter job), and what the customer said to a recommended business (ACC07).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from ..models import (
    JOB_OPEN_STATUSES,
    FollowUpTask,
    InstallationJob,
    RecommendationOutcome,
    RecommendationRecord,
    WorkOrder,
)
from ..states import PROCESSED
from ._common import C, S, _lock, _note
from .steps import _advance_locked

# --- follow-up and outstanding work -----------------------------------------------------------------


@transaction.atomic
def followup_task_complete(*, task: FollowUpTask, actor: Actor, note: str = "") -> FollowUpTask:
    """The call-back was made: the task is done and the order closes."""
    task = FollowUpTask.objects.select_for_update().select_related("order__hall").get(pk=task.pk)
    require_capability(actor, task.order.hall, C.VIEW_HALL)
    if task.status != FollowUpTask.Status.OPEN:
        raise Conflict(_("This follow-up is not open."), code="not_open")
    order = _lock(task.order)
    if order.status == S.FOLLOW_UP:
        _advance_locked(order, S.CLOSED, actor=actor, note=_note(note))
    task.refresh_from_db()
    if task.status == FollowUpTask.Status.OPEN:
        task.status, task.done_at = FollowUpTask.Status.DONE, timezone.now()
    task.note = _note(note)
    task.save(update_fields=["status", "done_at", "note"])
    return task


@transaction.atomic
def followup_task_retry(*, task: FollowUpTask, actor: Actor, due_at: dt.datetime) -> FollowUpTask:
    """The customer was not reached: the call-back stays open, due again at `due_at` (CARE02)."""
    task = FollowUpTask.objects.select_for_update().select_related("order__hall").get(pk=task.pk)
    require_capability(actor, task.order.hall, C.VIEW_HALL)
    if task.status != FollowUpTask.Status.OPEN:
        raise Conflict(_("This follow-up is not open."), code="not_open")
    FollowUpTask.objects.filter(pk=task.pk).update(due_at=due_at)
    task.due_at = due_at
    return task


@transaction.atomic
def order_mark_work_done(*, order: WorkOrder, actor: Actor) -> WorkOrder:
    """The outstanding work of a processed order (installation, meter job) is finished."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    if not order.work_pending:
        raise Conflict(_("This order has no outstanding work."), code="no_pending_work")
    if InstallationJob.objects.filter(order=order, status__in=JOB_OPEN_STATUSES).exists():
        raise Conflict(
            _("An installation job of this order is still open: report the technician's result instead."),
            code="job_open",
        )
    WorkOrder.objects.filter(pk=order.pk).update(work_pending=False, updated_at=timezone.now())
    order.work_pending = False
    audit_record(actor=actor, action="order.work_done", obj=order, hall=order.hall, data={"number": order.number})
    return order


# --- recommendations (ACC07) ------------------------------------------------------------------------


@transaction.atomic
def order_record_recommendation(
    *, order: WorkOrder, actor: Actor, business_type: BusinessType, outcome: str
) -> RecommendationRecord:
    """What the customer said to a recommended business after theirs was done."""
    order = _lock(order)
    require_capability(actor, order.hall, Capability.SERVE)
    clerk = acting_user(actor)
    assert clerk is not None  # require_capability lets only a signed-in member through
    if order.status not in PROCESSED:
        raise Conflict(_("Recommend other business once this one is done."), code="too_early")
    if business_type.hall_id != order.hall_id:
        raise NotFound(_("There is no such business type in this hall."))
    if outcome not in RecommendationOutcome.values:
        raise Unprocessable(_("Choose accepted, declined or later."), code="bad_outcome")
    record = RecommendationRecord.objects.create(
        order=order, business_type=business_type, outcome=outcome, by=clerk, at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="order.recommendation",
        obj=order,
        hall=order.hall,
        data={"business_type": business_type.code, "outcome": outcome},
    )
    return record
