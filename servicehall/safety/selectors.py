"""Every read of the safety screens and API, scoped to one hall: keys and who holds them (now and on a past
day), incidents for the hall's staff, and who is overdue for a drill or training."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.org.models import Hall
from servicehall.org.roles import Capability
from servicehall.org.selectors import hall_staff

from .models import (
    CopyRequest,
    CopyStatus,
    Drill,
    DrillKind,
    DrillResult,
    EntryKind,
    HandoverStatus,
    Incident,
    IncidentEntry,
    Key,
    KeyCopy,
    KeyHandover,
    KeyMove,
    LockChange,
    RequestStatus,
)

# --- keys ---------------------------------------------------------------------------------------


def keys(*, hall: Hall) -> QuerySet[Key]:
    return Key.objects.filter(hall=hall).order_by("kind", "name")


def key_get(*, hall: Hall, key_id: Any) -> Key:
    key = Key.objects.filter(hall=hall, pk=_int(key_id) or 0).select_related("hall").first()
    if key is None:
        raise NotFound(_("No such key in this hall."))
    return key


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def copies(*, hall: Hall, include_void: bool = True) -> QuerySet[KeyCopy]:
    found = (
        KeyCopy.objects.filter(key__hall=hall)
        .select_related("key", "holder")
        .order_by("key__kind", "key__name", "number")
    )
    if not include_void:
        found = found.filter(status=CopyStatus.ACTIVE)
    return found.annotate(
        pending=Exists(KeyHandover.objects.filter(copy=OuterRef("pk"), status=HandoverStatus.PENDING))
    )


def copy_get(*, hall: Hall, copy_id: Any) -> KeyCopy:
    copy = KeyCopy.objects.filter(key__hall=hall, pk=_int(copy_id) or 0).select_related("key__hall", "holder").first()
    if copy is None:
        raise NotFound(_("No such key copy in this hall."))
    return copy


def handovers_pending(*, hall: Hall) -> QuerySet[KeyHandover]:
    return (
        KeyHandover.objects.filter(copy__key__hall=hall, status=HandoverStatus.PENDING)
        .select_related("copy__key", "giver", "receiver")
        .order_by("giver_signed_at")
    )


def handover_get(*, hall: Hall, handover_id: Any) -> KeyHandover:
    found = (
        KeyHandover.objects.filter(copy__key__hall=hall, pk=_int(handover_id) or 0)
        .select_related("copy__key__hall")
        .first()
    )
    if found is None:
        raise NotFound(_("There is no such key handover."))
    return found


def copy_requests_waiting(*, hall: Hall) -> QuerySet[CopyRequest]:
    return (
        CopyRequest.objects.filter(key__hall=hall, status=RequestStatus.WAITING)
        .select_related("key", "requested_by")
        .order_by("requested_at")
    )


def copy_request_get(*, hall: Hall, request_id: Any) -> CopyRequest:
    found = CopyRequest.objects.filter(key__hall=hall, pk=_int(request_id) or 0).select_related("key__hall").first()
    if found is None:
        raise NotFound(_("No such request in this hall."))
    return found


def lock_changes_open(*, hall: Hall) -> QuerySet[LockChange]:
    return (
        LockChange.objects.filter(key__hall=hall, done_at__isnull=True)
        .select_related("key", "lost_copy", "reported_by")
        .order_by("reported_at")
    )


def lock_change_get(*, hall: Hall, task_id: Any) -> LockChange:
    found = LockChange.objects.filter(key__hall=hall, pk=_int(task_id) or 0).select_related("key__hall").first()
    if found is None:
        raise NotFound(_("No such lock change in this hall."))
    return found


@dataclass(frozen=True)
class Holding:
    copy: KeyCopy
    holder: Any
    start: dt.datetime
    end: dt.datetime | None  # None: still held


def holdings_on(*, hall: Hall, day: dt.date) -> list[Holding]:
    """Who held which copy at any time of `day` (the hall's day), from the history: each row starts a period
    that lasts until the copy's next row."""
    first = dt.datetime.combine(day, dt.time.min, tzinfo=hall.tz)
    after = first + dt.timedelta(days=1)
    started = KeyMove.objects.filter(copy__key__hall=hall, at__lt=after).values("copy_id")
    moves = KeyMove.objects.filter(copy_id__in=started).select_related("copy__key", "holder")
    by_copy: dict[int, list[KeyMove]] = {}
    for move in moves.order_by("copy_id", "at", "id"):
        by_copy.setdefault(move.copy_id, []).append(move)
    rows: list[Holding] = []
    for history in by_copy.values():
        for index, move in enumerate(history):
            end = history[index + 1].at if index + 1 < len(history) else None
            if move.holder is None or move.at >= after or (end is not None and end <= first):
                continue
            rows.append(Holding(copy=move.copy, holder=move.holder, start=move.at, end=end))
    return sorted(rows, key=lambda r: (r.copy.key.name, r.copy.number, r.start))


# --- incidents ----------------------------------------------------------------------------------


def incidents(*, hall: Hall) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(hall=hall)
        .select_related("reported_by")
        .annotate(closed=Exists(IncidentEntry.objects.filter(incident=OuterRef("pk"), kind=EntryKind.CONCLUSION)))
        .order_by("-reported_at", "-id")
    )


def incidents_open(*, hall: Hall) -> QuerySet[Incident]:
    return incidents(hall=hall).filter(closed=False)  # type: ignore[misc]  # the annotation above


def incident_get(*, hall: Hall, incident_id: Any) -> Incident:
    found = incidents(hall=hall).filter(pk=_int(incident_id) or 0).select_related("hall").first()
    if found is None:
        raise NotFound(_("No such incident in this hall."))
    return found


def incident_entries(*, incident: Incident) -> QuerySet[IncidentEntry]:
    return IncidentEntry.objects.filter(incident=incident).select_related("written_by").order_by("written_at", "id")


def console_context(request: HttpRequest, hall: Hall) -> dict[str, Any]:
    """The duty manager console's panel: the hall's open incidents, newest first (registered with the queue)."""
    return {
        "hall": hall,
        "incidents": list(incidents_open(hall=hall)[:10]),
        "page": reverse("safety:page", kwargs={"hall": hall.code}) + "?tab=incidents",
    }


# --- drills -------------------------------------------------------------------------------------


def drill_kinds(*, hall: Hall) -> QuerySet[DrillKind]:
    return DrillKind.objects.filter(hall=hall).order_by("code")


def drills(*, hall: Hall) -> QuerySet[Drill]:
    return Drill.objects.filter(hall=hall).select_related("kind").prefetch_related("results__member")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


@dataclass
class Overdue:
    member: Any
    kind: DrillKind
    last_passed: dt.date | None
    due: dt.date | None = field(default=None)


def overdue(*, hall: Hall, today: dt.date | None = None) -> list[Overdue]:
    """Members of the hall whose last passed record of a required kind is older than its interval, or never."""
    today = today or hall.local_date()
    members = [user for user, _caps in hall_staff(hall=hall, capability=Capability.VIEW_HALL)]
    kinds = list(drill_kinds(hall=hall).filter(required=True))
    last: dict[tuple[int, int], dt.date] = {}
    passed = DrillResult.objects.filter(drill__hall=hall, passed=True).values_list(
        "member_id", "drill__kind_id", "drill__held_on"
    )
    for member_id, kind_id, held_on in passed:
        key = (member_id, kind_id)
        if key not in last or held_on > last[key]:
            last[key] = held_on
    rows = []
    for member in members:
        for kind in kinds:
            held = last.get((member.pk, kind.pk))
            due = add_months(held, kind.interval_months) if held else None
            if held is None or due is None or due < today:
                rows.append(Overdue(member=member, kind=kind, last_passed=held, due=due))
    return rows
