"""Installation and meter jobs: scheduled at the counter, reported by the technician (BT02, BT03, BT10, BT14).

A business action that needs work at the customer's address schedules a job
with `job_schedule` inside its run (same transaction as the order's move) and
returns `work_pending=True`, so the order shows on the unfinished list (未完工).
The technician's result is reported with `job_report`:

* done: the job's effect on the service applies (see `JOB_EFFECTS`: an
  installation makes the pending service active, a meter removal cancels the
  household), and when the order has no other open job its outstanding work
  is marked done (`order_mark_work_done`);
* failed: the job stays open (on the unfinished list) until it is
  rescheduled with `job_reschedule` and reported again.

Done before the appointment begins needs a reason (`early_reason`, kept on the
job) and writes a `job.early_report` audit row. A report or a new appointment
dates the order's open call-back again (`order_follow_up_redate`).

`job_cancel` gives a job up; a business action's undo (退受理) calls it.

Status moves follow `JOB_ALLOWED_MOVES` as compare-and-set updates (core.states); each
move writes an audit row (actor, when, from, to) that is the job's history.
Locks are taken in a fixed order: the work order first, then the job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.core.states import transition
from servicehall.customers.services import service_set_status
from servicehall.org.permissions import require_capability
from servicehall.org.roles import Capability

from ..models import InstallationJob, WorkOrder
from ..states import JOB_OPEN_STATUSES, JOB_RESCHEDULE_STATUSES, JOB_TABLE
from .aftercare import order_mark_work_done
from .steps import order_follow_up_redate

J = InstallationJob.Status
K = InstallationJob.Kind
MIN_WINDOW = dt.timedelta(minutes=30)
MAX_WINDOW = dt.timedelta(hours=12)
MAX_AHEAD = dt.timedelta(days=90)
TECHNICIAN_MAX = 60
NOTE_MAX = 500

# Called after a job was reported done and its service effect applied (inside the same transaction).
JobHook = Callable[[InstallationJob, Any], None]


@dataclass(frozen=True)
class JobEffect:
    """What a job that is done does to its service: from which statuses to which one."""

    service_from: frozenset[str]
    service_to: str
    note: str


# Service statuses as in customers.Service.Status (kept as strings so this table reads on its own).
_INSTALLED = JobEffect(service_from=frozenset({"pending"}), service_to="active", note="installation done")
JOB_EFFECTS: dict[str, JobEffect] = {
    K.BROADBAND_INSTALL: _INSTALLED,
    K.FIXED_LINE_INSTALL: _INSTALLED,
    K.GAS_INSTALL: _INSTALLED,
    K.METER_REMOVAL: JobEffect(
        service_from=frozenset({"active", "suspended"}), service_to="cancelled", note="meter removed"
    ),
}
# More that a kind's completion does (the gas work may add: e.g. enable the first card write).
JOB_DONE_HOOKS: dict[str, list[JobHook]] = {}
# What follows any report of a kind (done, failed, customer absent): a repair takes the job's result.
JOB_REPORT_HOOKS: dict[str, list[JobHook]] = {}


def _hook_add(registry: dict[str, list[JobHook]], kind: str, hook: JobHook) -> JobHook:
    if kind not in K.values:
        raise ValueError(f"unknown job kind {kind!r}")
    hooks = registry.setdefault(kind, [])
    if hook not in hooks:
        hooks.append(hook)
    return hook


def job_report_hook_register(kind: str, hook: JobHook) -> JobHook:
    """Run `hook(job, actor)` after a job of `kind` is reported, whatever the result (once per hook)."""
    return _hook_add(JOB_REPORT_HOOKS, kind, hook)


def _after_report(job: InstallationJob, actor: Actor) -> InstallationJob:
    for hook in JOB_REPORT_HOOKS.get(job.kind, []):
        hook(job, actor)
    return job


def job_done_hook_register(kind: str, hook: JobHook) -> JobHook:
    """Run `hook(job, actor)` after a job of `kind` is reported done (once per hook)."""
    return _hook_add(JOB_DONE_HOOKS, kind, hook)


# --- helpers -------------------------------------------------------------------------------------


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _status_label(status: str) -> str:
    return str(J(status).label) if status in J.values else status


def _aware(value: Any, *, hall: Any, field: str) -> dt.datetime:
    """A datetime; a naive one is read in the hall's timezone (what the clerk typed)."""
    if not isinstance(value, dt.datetime):
        raise Unprocessable(_("Give the appointment's date and time."), code="bad_window", extra={"field": field})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=hall.tz)
    return value


def job_window_check(
    *, hall: Any, window_start: Any, window_end: Any, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The appointment window, checked: in the future, ends after it starts, between 30 minutes and 12 hours long."""
    start = _aware(window_start, hall=hall, field="window_start")
    end = _aware(window_end, hall=hall, field="window_end")
    now = now or timezone.now()
    if start <= now:
        raise Unprocessable(
            _("The appointment must be in the future."), code="window_in_past", extra={"field": "window_start"}
        )
    if start > now + MAX_AHEAD:
        raise Unprocessable(
            _("The appointment can be at most %(days)s days ahead.") % {"days": MAX_AHEAD.days},
            code="window_too_far",
            extra={"field": "window_start"},
        )
    if end <= start:
        raise Unprocessable(
            _("The appointment must end after it starts."),
            code="window_ends_before_start",
            extra={"field": "window_end"},
        )
    if end - start < MIN_WINDOW or end - start > MAX_WINDOW:
        raise Unprocessable(
            _("The appointment window must be between 30 minutes and 12 hours long."),
            code="bad_window_length",
            extra={"field": "window_end"},
        )
    return start, end


def _lock_job(job: InstallationJob) -> tuple[WorkOrder, InstallationJob]:
    """Lock the job's order, then the job (the fixed order every writer uses)."""
    order_id = InstallationJob.objects.filter(pk=job.pk).values_list("order_id", flat=True).first()
    if order_id is None:
        raise NotFound(_("There is no such installation job."))
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("hall").get(pk=order_id)
    locked = (
        InstallationJob.objects.select_for_update(of=("self",))
        .select_related("hall", "service", "order")
        .get(pk=job.pk)
    )
    return order, locked


def _move(job: InstallationJob, to: str, *, actor: Actor, note: str = "", **changes: Any) -> InstallationJob:
    """Compare-and-set along `JOB_ALLOWED_MOVES` (core.states), then the history (audit) row."""
    old = job.status
    now = timezone.now()
    if note:
        changes["note"] = note
    transition(
        job,
        to,
        table=JOB_TABLE,
        refuse=lambda status: Conflict(
            _("The job is %(old)s and cannot become %(new)s.")
            % {"old": _status_label(status), "new": _status_label(to)},
            code="illegal_move",
        ),
        lost=lambda: Conflict(_("Someone else changed this job just now. Please reload."), code="stale_status"),
        changes={"updated_at": now, **changes},
    )
    audit_record(
        actor=actor,
        action="job.move",
        obj=job,
        hall=job.hall,
        data={"order": job.order_id, "kind": job.kind, "from": old, "to": to},
    )
    return job


def _apply_effect(job: InstallationJob, actor: Actor) -> None:
    effect = JOB_EFFECTS.get(job.kind)
    service = job.service
    if effect is not None and service is not None:
        service.refresh_from_db()
        if service.status != effect.service_to:
            if service.status not in effect.service_from:
                raise Conflict(
                    _("The service is %(status)s; this job cannot finish it.")
                    % {"status": service.get_status_display()},
                    code="service_state",
                )
            service_set_status(actor=actor, service=service, to=effect.service_to, note=effect.note, hall=job.hall)
    for hook in JOB_DONE_HOOKS.get(job.kind, []):
        hook(job, actor)


def _open_jobs_left(order: WorkOrder, *, other_than: int) -> bool:
    return InstallationJob.objects.filter(order=order, status__in=JOB_OPEN_STATUSES).exclude(pk=other_than).exists()


# --- services --------------------------------------------------------------------------------------


@transaction.atomic
def job_schedule(
    *,
    order: WorkOrder,
    service: Any,
    kind: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    technician: str,
    actor: Actor,
    note: str = "",
) -> InstallationJob:
    """Book a technician's visit for the order (inside the business action's run).

    `service` is the customers.Service the job installs or removes (may be None).
    The window is read in the hall's timezone when naive; it must lie in the
    future, end after it starts and last 30 minutes to 12 hours (422 naming
    `window_start`/`window_end` otherwise).
    """
    hall = order.hall
    require_capability(actor, hall, Capability.SERVE)
    if kind not in K.values:
        raise Unprocessable(_("Unknown kind of job."), code="bad_job_kind", extra={"field": "kind"})
    if service is not None and service.company_id != hall.company_id:
        raise NotFound(_("There is no such service."))
    start, end = job_window_check(hall=hall, window_start=window_start, window_end=window_end)
    job = InstallationJob.objects.create(
        hall=hall,
        order=order,
        service=service,
        kind=kind,
        status=J.SCHEDULED,
        window_start=start,
        window_end=end,
        technician=_text(technician, TECHNICIAN_MAX),
        note=_text(note, NOTE_MAX),
        created_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action="job.schedule",
        obj=job,
        hall=hall,
        data={"order": order.pk, "kind": kind, "service": getattr(service, "pk", None)},
    )
    return job


def job_is_early(job: InstallationJob, now: dt.datetime | None = None) -> bool:
    """Whether reporting the job done now would come before its appointment begins."""
    return (now or timezone.now()) < job.window_start


def _early_refusal(job: InstallationJob) -> Unprocessable:
    start = timezone.localtime(job.window_start, job.hall.tz)
    return Unprocessable(
        _(
            "The appointment begins on %(date)s at %(time)s. To report the job done before it, "
            "confirm and give the reason."
        )
        % {"date": f"{start:%Y-%m-%d}", "time": f"{start:%H:%M}"},
        code="early_report",
        extra={"field": "early_reason"},
    )


def _record_early_report(job: InstallationJob, actor: Actor, now: dt.datetime) -> None:
    """The audit row of a job reported done before its appointment (the reason stays on the job: free text)."""
    audit_record(
        actor=actor,
        action="job.early_report",
        obj=job,
        hall=job.hall,
        data={
            "order": job.order_id,
            "kind": job.kind,
            "window_start": job.window_start.isoformat(),
            "minutes_early": int((job.window_start - now).total_seconds() // 60),
        },
    )


@transaction.atomic
def job_report(
    *,
    job: InstallationJob,
    actor: Actor,
    done: bool,
    note: str = "",
    early_reason: str = "",
    absent: bool = False,
) -> InstallationJob:
    """The technician's result. Done: the service effect applies and, with no other open job, the order's
    outstanding work is done. Failed: the job stays open until rescheduled (a note saying why is required).

    Done before the appointment begins puts a service live that nobody expected yet: it needs the reason
    (`early_reason`, which the page asks for with a confirmation) and is audited as `job.early_report`.

    `absent` (not done): nobody was there at the appointment; the job waits to be rescheduled, as a failed one.
    """
    order, job = _lock_job(job)
    require_capability(actor, job.hall, Capability.SERVE)
    note = _text(note, NOTE_MAX)
    if job.status != J.SCHEDULED:
        raise Conflict(
            _("Only a scheduled job can be reported; this one is %(status)s.") % {"status": _status_label(job.status)},
            code="not_scheduled",
        )
    now = timezone.now()
    if not done and absent:
        job = _move(job, J.ABSENT, actor=actor, note=note, reported_by=acting_user(actor), reported_at=now)
        return _after_report(job, actor)
    if not done:
        if not note:
            raise Unprocessable(_("Say why the job failed."), code="note_required", extra={"field": "note"})
        job = _move(job, J.FAILED, actor=actor, note=note, reported_by=acting_user(actor), reported_at=now)
        return _after_report(job, actor)
    early = job_is_early(job, now)
    reason = _text(early_reason, NOTE_MAX) if early else ""
    if early and not reason:
        raise _early_refusal(job)
    job = _move(
        job, J.DONE, actor=actor, note=note, reported_by=acting_user(actor), reported_at=now, early_reason=reason
    )
    if early:
        _record_early_report(job, actor, now)
    _apply_effect(job, actor)
    if order.work_pending and not _open_jobs_left(order, other_than=job.pk):
        order_mark_work_done(order=order, actor=actor)
    order_follow_up_redate(order=order)
    return _after_report(job, actor)


@transaction.atomic
def job_reschedule(
    *,
    job: InstallationJob,
    actor: Actor,
    window_start: dt.datetime,
    window_end: dt.datetime,
    technician: str | None = None,
    note: str = "",
) -> InstallationJob:
    """A new appointment for a failed job or one whose customer was absent (→ scheduled), or a scheduled one
    (same status, new window).

    `technician=None` keeps the technician. An open call-back of the order moves after the new appointment."""
    order, job = _lock_job(job)
    require_capability(actor, job.hall, Capability.SERVE)
    if job.status not in JOB_OPEN_STATUSES:
        raise Conflict(
            _("Only a scheduled, failed or customer-absent job can be rescheduled; this one is %(status)s.")
            % {"status": _status_label(job.status)},
            code="not_reschedulable",
        )
    start, end = job_window_check(hall=job.hall, window_start=window_start, window_end=window_end)
    changes: dict[str, Any] = {
        "window_start": start,
        "window_end": end,
        "reschedules": job.reschedules + 1,
        "reported_by": None,
        "reported_at": None,
    }
    if technician is not None:
        changes["technician"] = _text(technician, TECHNICIAN_MAX)
    note = _text(note, NOTE_MAX)
    if job.status in JOB_RESCHEDULE_STATUSES:
        job = _move(job, J.SCHEDULED, actor=actor, note=note, **changes)
        order_follow_up_redate(order=order)
        return job
    if note:
        changes["note"] = note
    if not InstallationJob.objects.filter(pk=job.pk, status=J.SCHEDULED).update(updated_at=timezone.now(), **changes):
        raise Conflict(_("Someone else changed this job just now. Please reload."), code="stale_status")
    for field, value in changes.items():
        setattr(job, field, value)
    audit_record(
        actor=actor,
        action="job.reschedule",
        obj=job,
        hall=job.hall,
        data={"order": job.order_id, "kind": job.kind, "reschedules": job.reschedules},
    )
    order_follow_up_redate(order=order)
    return job


@transaction.atomic
def job_cancel(*, job: InstallationJob, actor: Actor, note: str = "") -> InstallationJob:
    """Give up an open job (scheduled, failed or customer absent): the business was reverted. A done or
    cancelled job is left as it is.

    Does not touch the order's outstanding-work flag: the revert that calls it clears it."""
    _order, job = _lock_job(job)
    require_capability(actor, job.hall, Capability.SERVE)
    if job.status not in JOB_OPEN_STATUSES:
        return job
    return _move(job, J.CANCELLED, actor=actor, note=_text(note, NOTE_MAX))


def jobs_cancel_for_order(*, order: WorkOrder, actor: Actor, note: str = "") -> int:
    """Cancel every open job of the order (an undo's helper); returns how many were cancelled."""
    jobs = list(InstallationJob.objects.filter(order=order, status__in=JOB_OPEN_STATUSES).order_by("id"))
    for job in jobs:
        job_cancel(job=job, actor=actor, note=note)
    return len(jobs)
