"""Reads of the duty app (STAFF01, STAFF03): the checklist of today, meetings, the week's roster and what the
roster says about the counters now (late openings, unplanned openings and closures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.core.models import AuditEntry
from servicehall.org.models import Counter, Hall
from servicehall.org.presentation import staff_name
from servicehall.org.roles import Capability
from servicehall.org.selectors import counters_for_hall, hall_staff
from servicehall.queueing.extensions import Link

from .models import DutySettings, MorningMeeting, PreShiftCheck, PreShiftStep, RosterEntry, Shift

# --- the pre-shift checklist ---------------------------------------------------------------------------


def steps(*, hall: Hall) -> list[PreShiftStep]:
    return list(PreShiftStep.objects.filter(hall=hall, active=True).order_by("position", "code"))


def settings_for(*, hall: Hall) -> DutySettings | None:
    return DutySettings.objects.filter(hall=hall).first()


def checklist_required(*, hall: Hall) -> bool:
    """Whether a counter waits for the checklist: the hall has the steps loaded and its setting says so."""
    found = settings_for(hall=hall)
    if found is None or not found.checklist_required:
        return False
    return PreShiftStep.objects.filter(hall=hall, active=True).exists()


def preshift_today(*, hall: Hall, staff: Any) -> PreShiftCheck | None:
    return PreShiftCheck.objects.filter(hall=hall, staff=staff, day=hall.local_date()).first()


def preshift_done_today(*, hall: Hall, staff: Any) -> bool:
    return PreShiftCheck.objects.filter(hall=hall, staff=staff, day=hall.local_date(), done_at__isnull=False).exists()


def preshift_rows(*, hall: Hall, staff: Any) -> list[dict[str, Any]]:
    """Today's steps, each with whether this person ticked it."""
    check = preshift_today(hall=hall, staff=staff)
    ticked = set(check.steps) if check else set()
    return [{"step": step, "ticked": step.code in ticked} for step in steps(hall=hall)]


def preshift_team_today(*, hall: Hall) -> list[dict[str, Any]]:
    """Who of the counter staff has done today's checklist (for the duty manager)."""
    done = {
        check.staff_id: check.done_at
        for check in PreShiftCheck.objects.filter(hall=hall, day=hall.local_date(), done_at__isnull=False)
    }
    return [
        {"member": user, "name": staff_name(user), "done_at": done.get(user.pk)}
        for user, _caps in hall_staff(hall=hall, capability=Capability.SERVE)
    ]


def checklist_link(hall: Hall, user: Any) -> Link | None:
    """The workbench's link to the checklist, saying whether it is done (None in a hall without one)."""
    if not steps(hall=hall):
        return None
    if preshift_done_today(hall=hall, staff=user):
        label = _("Pre-shift checklist: done today")
    else:
        label = _("Pre-shift checklist: to do")
    return Link(label=label, url=reverse("duty:checklist", kwargs={"hall": hall.code}), testid="preshift-link")


def my_shift_link(hall: Hall, user: Any) -> Link | None:
    """The workbench's line about the person's shifts today (None when not rostered)."""
    entries = list(
        RosterEntry.objects.filter(hall=hall, day=hall.local_date(), member=user).select_related("shift", "counter")
    )
    if not entries:
        return None
    parts = [
        _("%(shift)s %(hours)s at counter %(number)s")
        % {"shift": entry.shift.display_name, "hours": entry.shift.hours_label, "number": entry.counter.number}
        for entry in entries
    ]
    label = _("Your roster today: %(shifts)s") % {"shifts": "; ".join(parts)}
    return Link(label=label, url=reverse("duty:roster", kwargs={"hall": hall.code}), testid="my-roster-link")


# --- morning meetings ----------------------------------------------------------------------------------


def meetings(*, hall: Hall, limit: int = 60) -> QuerySet[MorningMeeting]:
    return (
        MorningMeeting.objects.filter(hall=hall)
        .select_related("led_by", "recorded_by")
        .prefetch_related("attendance__member")
        .order_by("-day", "-recorded_at")[:limit]
    )


def meeting_get(*, hall: Hall, meeting_id: int) -> MorningMeeting:
    meeting = MorningMeeting.objects.filter(hall=hall, pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("There is no such meeting."))
    return meeting


def hall_members(*, hall: Hall) -> list[Any]:
    return [user for user, _caps in hall_staff(hall=hall, capability=Capability.VIEW_HALL)]


def counter_staff(*, hall: Hall) -> list[Any]:
    return [user for user, _caps in hall_staff(hall=hall, capability=Capability.SERVE)]


# --- shifts and the roster -----------------------------------------------------------------------------


def shifts(*, hall: Hall) -> list[Shift]:
    return list(Shift.objects.filter(hall=hall, active=True).order_by("starts_at", "code"))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def roster_between(*, hall: Hall, start: dt.date, end: dt.date) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .select_related("shift", "member", "counter")
        .order_by("day", "shift__starts_at", "counter__number")
    )


def roster_week(*, hall: Hall, start: dt.date) -> list[dict[str, Any]]:
    """The seven days from `start`, each with its entries."""
    entries = list(roster_between(hall=hall, start=start, end=start + dt.timedelta(days=6)))
    days = [start + dt.timedelta(days=i) for i in range(7)]
    return [{"day": day, "entries": [e for e in entries if e.day == day]} for day in days]


@dataclass
class CounterState:
    """What the roster says about one counter now; `problem` is None when all is as planned."""

    counter: Counter
    entry: RosterEntry | None
    problem: str | None  # "late", "unplanned_closure", "unplanned_opening", "someone_else"
    since: dt.datetime | None = None


def _on_break(hall: Hall, entry: RosterEntry, now: dt.datetime) -> bool:
    start = entry.break_start or entry.shift.break_start
    if start is None or not entry.shift.break_minutes:
        return False
    shift_begins, _ends = entry.shift.span(entry.day, hall.tz)
    begins = shift_begins + dt.timedelta(minutes=entry.shift.offset_minutes(start))
    return begins <= now < begins + dt.timedelta(minutes=entry.shift.break_minutes)


def _running(hall: Hall, entry: RosterEntry, now: dt.datetime) -> bool:
    begins, ends = entry.shift.span(entry.day, hall.tz)
    return begins <= now < ends


def _opened_since(counter: Counter, since: dt.datetime) -> bool:
    return AuditEntry.objects.filter(
        action="counter.status",  # written by the queue's counter_set_status
        object_type=Counter._meta.label_lower,
        object_id=str(counter.pk),
        at__gte=since,
        data__to=Counter.Status.OPEN,
    ).exists()


def roster_now(*, hall: Hall, now: dt.datetime | None = None) -> list[CounterState]:
    """Each counter against the roster now: a rostered counter still closed `late_opening_minutes` after
    its shift's start (late), one opened and closed again during the shift outside a break (unplanned
    closure), one open with nobody rostered (unplanned opening) or worked by someone else than planned.
    Empty when the hall has no roster today (nothing planned, nothing to compare)."""
    now = now or timezone.now()
    local = now.astimezone(hall.tz)
    today = local.date()
    # Yesterday's too: a night shift that began then may still be running.
    recent = list(
        RosterEntry.objects.filter(hall=hall, day__gte=today - dt.timedelta(days=1), day__lte=today).select_related(
            "shift", "member", "counter"
        )
    )
    if not any(e.day == today or _running(hall, e, now) for e in recent):
        return []
    found = settings_for(hall=hall)
    late_after = dt.timedelta(minutes=found.late_opening_minutes if found else 10)
    current = [e for e in recent if _running(hall, e, now)]
    rows = []
    for counter in counters_for_hall(hall=hall):
        entry = next((e for e in current if e.counter_id == counter.pk), None)
        problem: str | None = None
        since: dt.datetime | None = None
        is_open = counter.status != Counter.Status.CLOSED
        if entry is None:
            if is_open:
                problem = "unplanned_opening"
        elif not is_open and not _on_break(hall, entry, now):
            start, _ends = entry.shift.span(entry.day, hall.tz)
            if _opened_since(counter, start):
                problem, since = "unplanned_closure", counter.updated_at
            elif now >= start + late_after:
                problem, since = "late", start
        elif is_open and counter.staff_id not in (None, entry.member_id):
            problem = "someone_else"
        rows.append(CounterState(counter=counter, entry=entry, problem=problem, since=since))
    return rows


def problem_label(problem: str) -> str:
    labels = {
        "late": _("Late opening"),
        "unplanned_closure": _("Closed during the shift"),
        "unplanned_opening": _("Open without a rostered clerk"),
        "someone_else": _("Worked by someone not on the roster"),
    }
    return labels[problem]


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The duty manager console's "Today's roster" panel (registered with the queue)."""
    rows = roster_now(hall=hall)
    return {
        "hall": hall,
        "has_roster": bool(rows),
        "problems": [
            {
                "counter": row.counter.number,
                "problem": row.problem,
                "label": problem_label(row.problem),
                "member": staff_name(row.entry.member) if row.entry else "",
                "at_counter": staff_name(row.counter.staff) if row.counter.staff_id else "",
                "shift": row.entry.shift.display_name if row.entry else "",
                "since": row.since,
            }
            for row in rows
            if row.problem
        ],
        "on_duty": [
            {
                "counter": row.counter.number,
                "member": staff_name(row.entry.member),
                "shift": row.entry.shift.display_name,
            }
            for row in rows
            if row.entry is not None
        ],
        "roster_url": reverse("duty:roster", kwargs={"hall": hall.code}),
    }
