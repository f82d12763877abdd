"""Writes of the duty app (STAFF01, STAFF03): loading the pack's steps and shifts into a hall, ticking the
pre-shift checklist, the rule that keeps a counter closed until it is done, the morning meeting and the
roster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor, acting_user
from servicehall.core.errors import Conflict, NotFound, Unprocessable
from servicehall.core.services import audit_record
from servicehall.org.models import Counter, Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_member_get, user_can
from servicehall.queueing import events

from . import selectors
from .models import (
    DutySettings,
    LateOpening,
    MeetingAttendance,
    MorningMeeting,
    PreShiftCheck,
    PreShiftStep,
    RosterEntry,
    Shift,
)

PACKS_DIR = Path(__file__).resolve().parent / "packs"


# --- the pack ----------------------------------------------------------------------------------------


def duty_pack_data(hall: Hall) -> dict[str, Any] | None:
    """The duty part of the hall's first pack that has one (a hall without packs has none)."""
    for code in hall.packs or []:
        path = PACKS_DIR / f"{code}.yaml"
        if path.is_file():
            data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
            return data
    return None


def _time(raw: str | None) -> dt.time | None:
    return dt.time.fromisoformat(raw) if raw else None


@transaction.atomic
def duty_pack_load(*, hall: Hall, actor: Actor = None) -> dict[str, int]:
    """Put the pack's pre-shift steps, its setting and its shifts into the hall; again changes nothing.

    Steps and shifts are matched by code, so a hall's own edits of other rows stay; the setting is written
    only when the hall has none yet (the hall may have changed it since).
    """
    data = duty_pack_data(hall)
    if data is None:
        return {"steps": 0, "shifts": 0}
    pre_shift = data.get("pre_shift", {})
    shifts = data.get("shifts", {})
    DutySettings.objects.get_or_create(
        hall=hall,
        defaults={
            "checklist_required": bool(pre_shift.get("required_before_opening", True)),
            "late_opening_minutes": int(shifts.get("late_opening_minutes", 10)),
        },
    )
    for position, step in enumerate(pre_shift.get("steps", []), start=1):
        PreShiftStep.objects.update_or_create(
            hall=hall,
            code=step["code"],
            defaults={
                "position": position,
                "name_zh": step["name"]["zh"],
                "name_en": step["name"].get("en", ""),
                "how_zh": step.get("how", {}).get("zh", ""),
                "how_en": step.get("how", {}).get("en", ""),
            },
        )
    for row in shifts.get("list", []):
        Shift.objects.update_or_create(
            hall=hall,
            code=row["code"],
            defaults={
                "name_zh": row["name"]["zh"],
                "name_en": row["name"].get("en", ""),
                "starts_at": dt.time.fromisoformat(row["start"]),
                "ends_at": dt.time.fromisoformat(row["end"]),
                "break_start": _time(row.get("break_start")),
                "break_minutes": int(row.get("break_minutes", 0)),
            },
        )
    counts = {"steps": len(pre_shift.get("steps", [])), "shifts": len(shifts.get("list", []))}
    audit_record(actor=actor, action="duty.pack_load", obj=hall, hall=hall, data=counts)
    return counts


# --- the pre-shift checklist (STAFF01) -----------------------------------------------------------------


@transaction.atomic
def preshift_tick(*, hall: Hall, staff: Any, steps: list[str], actor: Actor) -> PreShiftCheck:
    """Tick steps of the person's checklist of the hall's today. The same step again changes nothing; the
    checklist is done (and the counter may open) once every step of the hall is ticked."""
    known = {step.code for step in selectors.steps(hall=hall)}
    if not known:
        raise Conflict(_("This hall has no pre-shift checklist."), code="no_checklist")
    unknown = [code for code in steps if code not in known]
    if unknown:
        raise Unprocessable(_("Unknown pre-shift step."), code="bad_step", extra={"field": "steps"})
    if not steps:
        raise Unprocessable(_("Tick at least one step."), code="no_steps", extra={"field": "steps"})
    day = hall.local_date()
    check, _created = PreShiftCheck.objects.select_for_update().get_or_create(hall=hall, staff=staff, day=day)
    ticked = sorted(set(check.steps) | set(steps))
    check.steps = ticked
    if check.done_at is None and known <= set(ticked):
        check.done_at = timezone.now()
    check.save()
    audit_record(
        actor=actor,
        action="duty.preshift_tick",
        obj=check,
        hall=hall,
        data={"steps": steps, "done": bool(check.done_at)},
    )
    return check


def preshift_require_done(counter: Counter, staff: Any) -> None:
    """The queue's hook before a counter opens for `staff`: refused until today's checklist is done, in a
    hall that has the checklist and requires it (a hall without the duty pack is never refused)."""
    hall = counter.hall
    if not selectors.checklist_required(hall=hall):
        return
    if selectors.preshift_done_today(hall=hall, staff=staff):
        return
    raise Conflict(
        _("Tick today's pre-shift checklist (the seven steps) before you open a counter."),
        code="preshift_not_done",
        extra={"checklist": reverse("duty:checklist", kwargs={"hall": hall.code})},
    )


# --- the morning meeting (STAFF01) ---------------------------------------------------------------------


@dataclass
class MeetingInput:
    day: dt.date
    led_by_id: int
    topics: str
    notes: str = ""
    present_ids: list[int] = field(default_factory=list)
    absent_ids: list[int] = field(default_factory=list)


def _member(hall: Hall, user_id: int | None, *, what: str) -> Any:
    member = hall_member_get(hall=hall, user_id=user_id)
    if member is None:
        raise Unprocessable(_("There is no such member of this hall."), code="bad_member", extra={"field": what})
    return member


@transaction.atomic
def meeting_record(*, hall: Hall, actor: Actor, data: MeetingInput) -> MorningMeeting:
    """Record a morning meeting with who was there and who was not (each member once)."""
    if data.day > hall.local_date():
        raise Unprocessable(_("A meeting cannot be recorded for a day to come."), code="future_day")
    topics = data.topics.strip()
    if not topics:
        raise Unprocessable(_("Write the meeting's topics."), code="no_topics", extra={"field": "topics"})
    both = set(data.present_ids) & set(data.absent_ids)
    if both:
        raise Unprocessable(
            _("A member cannot be both present and absent."), code="present_and_absent", extra={"field": "absent"}
        )
    leader = _member(hall, data.led_by_id, what="led_by")
    present = [_member(hall, pk, what="present") for pk in dict.fromkeys(data.present_ids)]
    absent = [_member(hall, pk, what="absent") for pk in dict.fromkeys(data.absent_ids)]
    if leader.pk not in {m.pk for m in present}:
        present.insert(0, leader)  # who led it was there
    meeting = MorningMeeting.objects.create(
        hall=hall,
        day=data.day,
        led_by=leader,
        topics=topics,
        notes=data.notes.strip(),
        recorded_by=acting_user(actor),
    )
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, member=m, present=True) for m in present]
        + [MeetingAttendance(meeting=meeting, member=m, present=False) for m in absent]
    )
    audit_record(
        actor=actor,
        action="duty.meeting_record",
        obj=meeting,
        hall=hall,
        data={"present": len(present), "absent": len(absent)},
    )
    return meeting


# --- the roster (STAFF03) ------------------------------------------------------------------------------


@dataclass
class RosterInput:
    day: dt.date
    shift_id: int
    member_id: int
    counter_id: int
    break_start: dt.time | None = None


def _overlaps(hall: Hall, a: RosterEntry, shift: Shift, day: dt.date) -> bool:
    """Entry `a` and `shift` on `day` share some time (a night shift reaches into the next day)."""
    a_begins, a_ends = a.shift.span(a.day, hall.tz)
    begins, ends = shift.span(day, hall.tz)
    return a_begins < ends and begins < a_ends


@transaction.atomic
def roster_add(*, hall: Hall, actor: Actor, data: RosterInput) -> RosterEntry:
    """Put a member on a shift at a counter for a day. Refused: a day gone by, someone else at that counter
    at an overlapping time, or the member already rostered at an overlapping time."""
    if data.day < hall.local_date():
        raise Unprocessable(_("The roster of a day gone by cannot change."), code="past_day", extra={"field": "day"})
    shift = Shift.objects.filter(hall=hall, pk=data.shift_id, active=True).first()
    if shift is None:
        raise Unprocessable(_("There is no such shift."), code="bad_shift", extra={"field": "shift"})
    member = _member(hall, data.member_id, what="member")
    if not user_can(user=member, hall=hall, capability=Capability.SERVE):
        raise Unprocessable(
            _("Only staff who serve at counters can be rostered."), code="not_counter_staff", extra={"field": "member"}
        )
    counter = Counter.objects.select_for_update().filter(hall=hall, pk=data.counter_id).first()
    if counter is None:
        raise Unprocessable(_("There is no such counter."), code="bad_counter", extra={"field": "counter"})
    if data.break_start is not None and not shift.covers(data.break_start):
        raise Unprocessable(
            _("The break must start within the shift."), code="bad_break", extra={"field": "break_start"}
        )
    # The day before and after too: a night shift overlaps the next morning's.
    around = RosterEntry.objects.filter(
        hall=hall, day__gte=data.day - dt.timedelta(days=1), day__lte=data.day + dt.timedelta(days=1)
    ).select_related("shift")
    for entry in around:
        if not _overlaps(hall, entry, shift, data.day):
            continue
        if entry.counter_id == counter.pk:
            raise Conflict(_("Someone is already rostered at this counter at that time."), code="counter_taken")
        if entry.member_id == member.pk:
            raise Conflict(_("This member is already rostered at that time."), code="member_taken")
    try:
        with transaction.atomic():
            entry = RosterEntry.objects.create(
                hall=hall,
                day=data.day,
                shift=shift,
                member=member,
                counter=counter,
                break_start=data.break_start,
                created_by=acting_user(actor),
            )
    except IntegrityError as exc:
        raise Conflict(_("Someone is already rostered at this counter at that time."), code="counter_taken") from exc
    audit_record(
        actor=actor,
        action="duty.roster_add",
        obj=entry,
        hall=hall,
        data={"day": data.day.isoformat(), "shift": shift.pk, "member": member.pk, "counter": counter.pk},
    )
    return entry


@transaction.atomic
def roster_remove(*, hall: Hall, actor: Actor, entry_id: int) -> None:
    entry = RosterEntry.objects.select_for_update().filter(hall=hall, pk=entry_id).first()
    if entry is None:
        raise NotFound(_("There is no such roster entry."))
    if entry.day < hall.local_date():
        raise Unprocessable(_("The roster of a day gone by cannot change."), code="past_day")
    audit_record(
        actor=actor,
        action="duty.roster_remove",
        obj=entry,
        hall=hall,
        data={"day": entry.day.isoformat(), "shift": entry.shift_id, "member": entry.member_id},
    )
    entry.delete()


def late_openings_record(*, now: dt.datetime | None = None) -> int:
    """Note each late opening once, and push it to the hall's console with the chime (`manage.py
    duty_late_openings`, every minute). Halls are looked at in their own time zone; a counter opened after
    all stays recorded (it was late)."""
    now = now or timezone.now()
    utc_day = now.date()
    hall_ids = (
        RosterEntry.objects.filter(day__gte=utc_day - dt.timedelta(days=1), day__lte=utc_day + dt.timedelta(days=1))
        .values_list("hall_id", flat=True)
        .distinct()
    )
    noticed = 0
    for hall in Hall.objects.filter(pk__in=list(hall_ids)):
        for row in selectors.roster_now(hall=hall, now=now):
            if row.problem != "late" or row.entry is None:
                continue
            with transaction.atomic():
                _late, created = LateOpening.objects.get_or_create(
                    entry=row.entry, defaults={"hall": hall, "noticed_at": now}
                )
                if created:
                    noticed += 1
                    events.send_on_commit(
                        hall.code, {"type": "roster_late", "counter": row.counter.number, "chime": True}
                    )
    return noticed
