"""Service commitments measured against the hall's own records (服务承诺, CARE07).

Each kind of `catalog.ServiceCommitment` has a measure here: over a period it counts the cases the promise
covers, those that kept it, and lists the breaches with a link where one exists. A case still running
(an entry not yet due, a job not yet done within its time) is not counted until its time is up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog import selectors as catalog_selectors
from servicehall.catalog.models import ServiceCommitment
from servicehall.core.dates import add_working_days
from servicehall.orders import selectors as order_selectors
from servicehall.orders.models import FollowUpTask, InstallationJob
from servicehall.org.models import Hall
from servicehall.queueing import selectors as queue_selectors

from .models import Complaint, OpinionEntry


@dataclass(frozen=True)
class Breach:
    what: str  # a ticket or order number, an entry's code
    detail: str  # how far from the promise, in words
    url: str = ""


@dataclass
class Measure:
    total: int = 0
    met: int = 0
    breaches: list[Breach] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None

    def count(self, kept: bool, breach: Breach) -> None:
        self.total += 1
        if kept:
            self.met += 1
        else:
            self.breaches.append(breach)


Measurer = Callable[[Hall, int, dt.datetime, dt.datetime, dt.datetime], Measure]


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _wait(hall: Hall, target: int, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Measure:
    measure = Measure()
    for number, issued_at, first_call in queue_selectors.first_calls(hall=hall, since=since, until=until):
        waited = _minutes(first_call - issued_at)
        detail = _("waited %(minutes)s min") % {"minutes": waited}
        measure.count(waited <= target, Breach(number, detail))
    return measure


def _opinion(hall: Hall, target: int, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Measure:
    measure = Measure()
    entries = OpinionEntry.objects.filter(hall=hall, written_at__gte=since, written_at__lt=until)
    for entry in entries.order_by("written_at"):
        due = add_working_days(entry.written_at, target, tz=hall.tz)
        if entry.answered_at is None and now <= due:
            continue  # still within its time
        kept = entry.answered_at is not None and entry.answered_at <= due
        detail = _("not answered yet") if entry.answered_at is None else _("answered late")
        url = reverse("care:opinions", kwargs={"hall": hall.code})
        measure.count(kept, Breach(entry.code, detail, url))
    return measure


def _follow_up(hall: Hall, target: int, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Measure:
    measure = Measure()
    for task in order_selectors.follow_ups_due_between(hall=hall, since=since, until=until).order_by("due_at"):
        deadline = task.due_at + dt.timedelta(days=target)
        done = task.done_at if task.status == FollowUpTask.Status.DONE else None
        if done is None and now <= deadline:
            continue
        detail = _("not called yet") if done is None else _("called late")
        url = reverse("orders:detail", kwargs={"order_id": task.order_id})
        measure.count(done is not None and done <= deadline, Breach(task.order.number, detail, url))
    return measure


def _installation(hall: Hall, target: int, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Measure:
    measure = Measure()
    for job in order_selectors.installation_jobs_booked(hall=hall, since=since, until=until).order_by("created_at"):
        deadline = job.created_at + dt.timedelta(hours=target)
        done = job.reported_at if job.status == InstallationJob.Status.DONE else None
        if done is None and now <= deadline:
            continue
        if done is None:
            detail = _("not done yet")
        else:
            detail = _("done after %(hours)s hours") % {"hours": _hours(done - job.created_at)}
        url = reverse("orders:detail", kwargs={"order_id": job.order_id})
        measure.count(done is not None and done <= deadline, Breach(job.order.number, detail, url))
    return measure


def _complaint(hall: Hall, target: int, since: dt.datetime, until: dt.datetime, now: dt.datetime) -> Measure:
    """Complaints recorded in the period acknowledged within `target` hours (clock hours, as the hall
    promises them to the public); one withdrawn before it was acknowledged in time is not counted."""
    measure = Measure()
    complaints = Complaint.objects.filter(hall=hall, recorded_at__gte=since, recorded_at__lt=until)
    for complaint in complaints.order_by("recorded_at"):
        deadline = complaint.recorded_at + dt.timedelta(hours=target)
        done = complaint.acknowledged_at
        if done is None and (now <= deadline or (complaint.closed_at and complaint.closed_at <= deadline)):
            continue
        url = reverse("care:complaint", kwargs={"hall": hall.code, "complaint": complaint.pk})
        if done is None:
            detail = _("not acknowledged yet")
        else:
            detail = _("acknowledged after %(hours)s hours") % {"hours": _hours(done - complaint.recorded_at)}
        measure.count(done is not None and done <= deadline, Breach(complaint.number, detail, url))
    return measure


def _hours(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 3600)


MEASURES: dict[str, Measurer] = {
    "wait_minutes": _wait,
    "opinion_answer": _opinion,
    "follow_up_on_time": _follow_up,
    "installation_hours": _installation,
    "complaint_acknowledge_hours": _complaint,
}


def hall_commitments(*, hall: Hall) -> list[ServiceCommitment]:
    return catalog_selectors.service_commitments(hall=hall)


def commitment_measure(
    commitment: ServiceCommitment, *, since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None
) -> Measure:
    measurer = MEASURES.get(commitment.kind)
    if measurer is None:
        return Measure()
    return measurer(commitment.hall, commitment.target, since, until, now or timezone.now())


def weeks(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The Monday-to-Sunday weeks that meet [since, until), each cut to the period."""
    start = since - dt.timedelta(days=since.weekday())
    result = []
    while start < until:
        end = start + dt.timedelta(days=7)
        result.append((max(start, since), min(end, until)))
        start = end
    return result
