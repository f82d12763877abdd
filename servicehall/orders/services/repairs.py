"""Repairs (故障报修, CARE05): a fault a customer reports on a service, repaired by a technician.

A repair rides on a work order of the pack's repair business type (telecom `fault_report`, gas
`gas_repair`), opened straight at processing. Everything after that is the orders' own machinery:

* the technician's visit is an installation job of kind `repair` of that order (`job_schedule`, and
  `job_reschedule` for a visit that failed or found nobody at home), reported with `job_report`, also on
  the jobs screen; a report hook moves the repair to fixed / not fixed / customer absent;
* the customer's confirmation that it works is the order's confirmation (`order_confirm`), which puts the
  order at follow-up with its call-back (`FollowUpTask`, the care work's list);
* the SLA is the complaints' idea: the fault kind's `repair_hours` in the hall's working hours
  (`org.hours.hall_working_hours_after`); a repair not fixed by then is overdue (see `selectors.repairs`).
  `repairs_check` (run by `manage.py care_escalate`) warns before that time, escalates to the duty manager
  at it and to the service manager later, as complaints go; an urgent fault goes to the duty manager at once;
* a manager may close a repair without a fix (`repair_close`), with the reason: its visit is cancelled and
  its order withdrawn.

Status moves follow `REPAIR_ALLOWED_MOVES` (core.states) and write an audit row each.
Locks: the work order first, then the repair (as the jobs do: order, then job).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import BusinessType, FaultKind
from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.sequences import sequence_next
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.org.hours import TIME_UP, WARNING, hall_time_limit_step, hall_working_hours_after
from servicehall.org.models import Hall
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability
from servicehall.queueing.events import send_on_commit

from ..models import ConfirmationMethod, InstallationJob, RepairSequence, RepairTicket, WorkOrder
from ..states import (
    JOB_RESCHEDULE_STATUSES,
    ORDER_TABLE,
    REPAIR_CLOSABLE,
    REPAIR_SLA_OPEN,
    REPAIR_TABLE,
    REPAIR_TO_DISPATCH,
    OrderStatus,
    RepairCloseReason,
    RepairLevel,
)
from ._common import _move as _order_move
from .installation_jobs import job_cancel, job_report, job_report_hook_register, job_reschedule, job_schedule
from .payment import order_confirm
from .reception import _next_number
from .steps import order_advance

R = RepairTicket.Status
J = InstallationJob.Status
# The business types a repair's order is of, one per pack.
REPAIR_BUSINESS_CODES = ("fault_report", "gas_repair")
DESCRIPTION_MAX = 500
NOTE_MAX = 500
RESULTS = ("fixed", "not_fixed", "customer_absent")
# The same fault of the same service written down again by the same member this soon is the same report
# (a form sent again after the back button carries a new request key).
REPEAT_WINDOW = dt.timedelta(minutes=10)
# The hall event that refreshes the duty manager's console (its repairs panel).
REPAIR_EVENT = "repair"


def _push_console(hall: Hall, *, chime: bool = False) -> None:
    send_on_commit(hall.code, {"type": REPAIR_EVENT, "chime": chime})


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _status_label(status: str) -> str:
    return str(R(status).label) if status in R.values else status


def repair_due(hall: Hall, start: dt.datetime, hours: float) -> dt.datetime:
    """`hours` working hours of `hall` after `start` (opening hours, Monday to Friday), as complaints count."""
    return hall_working_hours_after(hall, start, hours)


def _repair_number(hall: Hall, now: dt.datetime) -> str:
    day = timezone.localdate(now, timezone=hall.tz)
    sequence = sequence_next(model=RepairSequence, key={"hall": hall, "day": day})
    return f"{hall.code.upper()}-BX{day:%Y%m%d}-{sequence:03d}"


def _move(repair: RepairTicket, to: str, *, actor: Actor, note: str = "", **changes: Any) -> RepairTicket:
    old = repair.status
    transition(
        repair,
        to,
        table=REPAIR_TABLE,
        refuse=lambda status: Conflict(
            _("Repair %(number)s is %(old)s and cannot become %(new)s.")
            % {"number": repair.number, "old": _status_label(status), "new": _status_label(to)},
            code="illegal_move",
        ),
        changes={"updated_at": timezone.now(), **changes},
    )
    repair.status = to
    for field, value in changes.items():
        setattr(repair, field, value)
    audit_record(
        actor=actor,
        action="repair.move",
        obj=repair,
        hall=repair.hall,
        data={"number": repair.number, "from": old, "to": to, **({"note": note} if note else {})},
    )
    return repair


def _lock(repair: RepairTicket) -> RepairTicket:
    """Lock the repair's order, then the repair."""
    order_id = RepairTicket.objects.filter(pk=repair.pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("There is no such repair."))
    WorkOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
    return (
        RepairTicket.objects.select_for_update(of=("self",))
        .select_related("hall", "order", "service", "fault_kind", "customer")
        .get(pk=repair.pk)
    )


def _current_job(repair: RepairTicket) -> InstallationJob | None:
    return (
        InstallationJob.objects.filter(order_id=repair.order_id, kind=InstallationJob.Kind.REPAIR)
        .exclude(status=J.CANCELLED)
        .order_by("-id")
        .first()
    )


# --- services ---------------------------------------------------------------------------------------


@transaction.atomic
def repair_open(
    *,
    hall: Hall,
    actor: Actor,
    service: Any,
    fault_kind: FaultKind | None,
    description: str,
    request_key: str = "",
    now: dt.datetime | None = None,
) -> RepairTicket:
    """Record a fault the customer reports on one of their services; it is due `repair_hours` working hours on.

    The same `request_key` twice (a double click, a resent form) opens once and answers the first repair."""
    require_capability(actor, hall, Capability.SERVE)
    key = (request_key or "").strip()[:64]
    if key and (first := RepairTicket.objects.filter(hall=hall, request_key=key).first()) is not None:
        return first
    if service is None or service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    if fault_kind is None or fault_kind.hall_id != hall.pk or not fault_kind.active:
        raise Unprocessable(_("Choose what the fault is."), code="bad_fault_kind", extra={"field": "fault_kind"})
    if fault_kind.service_kind != service.kind:
        raise Unprocessable(
            _("This fault is not one of a %(kind)s.") % {"kind": service.get_kind_display()},
            code="fault_kind_mismatch",
            extra={"field": "fault_kind"},
        )
    description = _text(description, DESCRIPTION_MAX)
    if not description:
        raise Unprocessable(
            _("Write down what the customer says is wrong."),
            code="description_required",
            extra={"field": "description"},
        )
    clerk = acting_user(actor)
    assert clerk is not None  # require_capability lets only a signed-in member through
    now = now or timezone.now()
    repeated = (
        RepairTicket.objects.filter(
            hall=hall,
            service=service,
            fault_kind=fault_kind,
            description=description,
            reported_by=clerk,
            reported_at__gte=now - REPEAT_WINDOW,
        )
        .order_by("-id")
        .first()
    )
    if repeated is not None:
        return repeated
    business = BusinessType.objects.filter(
        hall=hall, pack=fault_kind.pack, code__in=REPAIR_BUSINESS_CODES, active=True
    ).first()
    if business is None:
        raise Conflict(_("This hall takes no repairs: its pack has no repair business."), code="no_repair_business")
    urgent = fault_kind.urgent
    try:
        with transaction.atomic():
            order = WorkOrder.objects.create(
                hall=hall,
                number=_next_number(hall=hall, day=now.astimezone(hall.tz).date()),
                business_type=business,
                status=OrderStatus.PROCESSING,
                clerk=clerk,
                accepted_by=clerk,
                accepted_at=now,
                customer=service.customer,
                service=service,
                created_at=now,
            )
            repair = RepairTicket.objects.create(
                hall=hall,
                number=_repair_number(hall, now),
                order=order,
                customer=service.customer,
                service=service,
                fault_kind=fault_kind,
                description=description,
                status=R.REPORTED,
                reported_at=now,
                reported_by=clerk,
                due_at=repair_due(hall, now, fault_kind.repair_hours),
                request_key=key,
                # An urgent fault (a gas leak) is the duty manager's at once.
                level=RepairLevel.DUTY_MANAGER if urgent else RepairLevel.NONE,
                escalated_at=now if urgent else None,
            )
    except IntegrityError:
        first = RepairTicket.objects.filter(hall=hall, request_key=key).first() if key else None
        if first is None:
            raise
        return first
    ORDER_TABLE.record(order, from_status="", to_status=OrderStatus.PROCESSING, actor=actor, at=now)
    audit_record(
        actor=actor,
        action="repair.open",
        obj=repair,
        hall=hall,
        data={"number": repair.number, "order": order.pk, "fault": fault_kind.code, "urgent": urgent},
    )
    _push_console(hall, chime=urgent)
    return repair


@transaction.atomic
def repair_dispatch(
    *,
    repair: RepairTicket,
    actor: Actor,
    window_start: dt.datetime,
    window_end: dt.datetime,
    technician: str,
    note: str = "",
) -> RepairTicket:
    """Send a technician with an appointment window: a new repair job, or the failed visit rescheduled."""
    repair = _lock(repair)
    require_capability(actor, repair.hall, Capability.SERVE)
    if repair.status not in REPAIR_TO_DISPATCH:
        raise Conflict(
            _("Repair %(number)s is %(status)s: there is nothing to dispatch.")
            % {"number": repair.number, "status": _status_label(repair.status)},
            code="not_dispatchable",
        )
    technician = _text(technician, 60)
    if not technician:
        raise Unprocessable(_("Name the technician."), code="technician_required", extra={"field": "technician"})
    job = _current_job(repair)
    if job is not None and job.status in JOB_RESCHEDULE_STATUSES:
        job_reschedule(
            job=job, actor=actor, window_start=window_start, window_end=window_end, technician=technician, note=note
        )
    else:
        job_schedule(
            order=repair.order,
            service=repair.service,
            kind=InstallationJob.Kind.REPAIR,
            window_start=window_start,
            window_end=window_end,
            technician=technician,
            actor=actor,
            note=note or repair.fault_kind.display_name,
        )
    return _move(repair, R.DISPATCHED, actor=actor, dispatches=repair.dispatches + 1)


@transaction.atomic
def repair_report(
    *, repair: RepairTicket, actor: Actor, result: str, note: str = "", early_reason: str = ""
) -> RepairTicket:
    """The technician's result, reported on the repair's job (`job_report`): fixed, not fixed or customer absent."""
    repair = _lock(repair)
    require_capability(actor, repair.hall, Capability.SERVE)
    if result not in RESULTS:
        raise Unprocessable(_("Choose the technician's result."), code="bad_result", extra={"field": "result"})
    job = _current_job(repair)
    if repair.status != R.DISPATCHED or job is None or job.status != J.SCHEDULED:
        raise Conflict(
            _("Repair %(number)s is %(status)s: no technician's visit waits for a result.")
            % {"number": repair.number, "status": _status_label(repair.status)},
            code="not_dispatched",
        )
    job_report(
        job=job,
        actor=actor,
        done=result == "fixed",
        absent=result == "customer_absent",
        note=note,
        early_reason=early_reason,
    )
    repair.refresh_from_db()
    return repair


def _repair_takes_job_result(job: InstallationJob, actor: Actor) -> None:
    """The report hook of repair jobs (also reported on the jobs screen): the repair follows the result."""
    repair = RepairTicket.objects.select_related("hall").filter(order_id=job.order_id).first()
    if repair is None or repair.status != R.DISPATCHED:
        return
    if job.status == J.DONE:
        _move(repair, R.FIXED, actor=actor, note=job.note, fixed_at=job.reported_at)
    elif job.status == J.ABSENT:
        _move(repair, R.CUSTOMER_ABSENT, actor=actor, note=job.note)
    elif job.status == J.FAILED:
        _move(repair, R.NOT_FIXED, actor=actor, note=job.note)


job_report_hook_register(InstallationJob.Kind.REPAIR, _repair_takes_job_result)


@transaction.atomic
def repair_confirm(*, repair: RepairTicket, actor: Actor, fixed: bool, note: str = "") -> RepairTicket:
    """The customer says whether the fault is gone. Fixed: the order is confirmed and goes to follow-up (the
    call-back is due). Still broken: the repair is not fixed and waits for a new dispatch."""
    repair = _lock(repair)
    require_capability(actor, repair.hall, Capability.SERVE)
    if repair.status != R.FIXED:
        raise Conflict(
            _("Repair %(number)s is %(status)s: only a fixed repair is confirmed by the customer.")
            % {"number": repair.number, "status": _status_label(repair.status)},
            code="not_fixed",
        )
    note = _text(note, NOTE_MAX)
    if not fixed:
        if not note:
            raise Unprocessable(
                _("Write down what the customer says still does not work."),
                code="note_required",
                extra={"field": "note"},
            )
        return _move(repair, R.NOT_FIXED, actor=actor, note=note, fixed_at=None)
    order = order_advance(order=repair.order, to=OrderStatus.CONFIRMATION, actor=actor, note=note)
    order_confirm(order=order, actor=actor, method=ConfirmationMethod.CLERK_TICK)
    return _move(repair, R.CONFIRMED, actor=actor, note=note, confirmed_at=timezone.now())


@transaction.atomic
def repair_close(*, repair: RepairTicket, actor: Actor, reason: str, note: str) -> RepairTicket:
    """Give a repair up without a fix (a duty or service manager's decision, with the reason and a note): its
    technician's visit is cancelled and its work order withdrawn, so nothing more is due on it."""
    repair = _lock(repair)
    require_capability(
        actor,
        repair.hall,
        Capability.HANDLE_CARE,
        message=_("Only a duty or service manager closes a repair without a fix."),
    )
    if reason not in RepairCloseReason.values:
        raise Unprocessable(_("Choose why the repair is closed."), code="bad_reason", extra={"field": "reason"})
    note = _text(note, NOTE_MAX)
    if not note:
        raise Unprocessable(
            _("Write down what was agreed with the customer."), code="note_required", extra={"field": "note"}
        )
    if repair.status not in REPAIR_CLOSABLE:
        raise Conflict(
            _("Repair %(number)s is %(status)s and cannot be closed without a fix.")
            % {"number": repair.number, "status": _status_label(repair.status)},
            code="not_closable",
        )
    job = _current_job(repair)
    if job is not None and job.status == J.SCHEDULED:
        job_cancel(job=job, actor=actor, note=note)
    now = timezone.now()
    order = repair.order
    if order.status == OrderStatus.PROCESSING:
        label = str(RepairCloseReason(reason).label)
        _order_move(order, OrderStatus.WITHDRAWN, actor=actor, note=note, now=now, reason=label, closed_at=now)
    repair = _move(repair, R.CLOSED, actor=actor, note=note, closed_at=now, close_reason=reason)
    _push_console(repair.hall)
    return repair


def _repair_step(repair: RepairTicket, now: dt.datetime) -> tuple[str, int] | None:
    """What the clock calls for (`org.hours.hall_time_limit_step`) while the repair is not fixed; an urgent
    repair, the duty manager's from the start, gets its "time up" when its due time passes."""
    if repair.status not in REPAIR_SLA_OPEN:
        return None
    return hall_time_limit_step(
        repair.hall,
        due=repair.due_at,
        now=now,
        level=repair.level,
        escalated_at=repair.escalated_at,
        warned_for=repair.warned_for,
        warn_hours=settings.CARE_REPAIR_WARN_HOURS,
        second_escalation_hours=settings.CARE_REPAIR_SECOND_ESCALATION_HOURS,
    )


def repairs_check(*, now: dt.datetime | None = None) -> int:
    """Warn before a repair is due and escalate it when it is (duty manager, then the service manager); the
    number of warnings and escalations written. Run every few minutes (`manage.py care_escalate`)."""
    now = now or timezone.now()
    done = 0
    for repair in RepairTicket.objects.filter(status__in=REPAIR_SLA_OPEN).select_related("hall"):
        if _repair_step(repair, now) is None:
            continue
        with transaction.atomic():
            locked = _lock(repair)
            step = _repair_step(locked, now)  # fixed or escalated meanwhile?
            if step is None:
                continue
            kind, level = step
            data: dict[str, Any]
            if kind == WARNING:
                RepairTicket.objects.filter(pk=locked.pk).update(warned_for=locked.due_at)
                action, data = "repair.warned", {"number": locked.number, "due_at": locked.due_at.isoformat()}
            elif kind == TIME_UP:
                RepairTicket.objects.filter(pk=locked.pk).update(escalated_at=now)
                action, data = "repair.time_up", {"number": locked.number, "level": level}
            else:
                RepairTicket.objects.filter(pk=locked.pk).update(level=level, escalated_at=now)
                action, data = "repair.escalated", {"number": locked.number, "level": level}
            audit_record(actor=None, action=action, obj=locked, hall=locked.hall, data=data)
            _push_console(locked.hall, chime=kind != WARNING)
            done += 1
    return done
