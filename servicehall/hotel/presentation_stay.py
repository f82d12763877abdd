"""How the stay's requests are shown on screens and in the API (HOTEL03): the time taken in minutes and whether
a request is past its kind's target; the guest's name masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from servicehall.core.masking import mask_name

from .models import GuestRequest
from .states import REQUEST_OPEN, RequestStatus


def request_deadline(request: GuestRequest) -> dt.datetime:
    """By when the request should be done: the kind's target minutes from when it was asked for (a wake-up call:
    from the time asked for)."""
    return (request.due_at or request.requested_at) + dt.timedelta(minutes=request.target_minutes)


def _minutes(delta: dt.timedelta) -> int:
    return max(int(delta.total_seconds() // 60), 0)


def request_row(request: GuestRequest, *, now: dt.datetime) -> dict[str, Any]:
    is_open = request.status in REQUEST_OPEN
    deadline = request_deadline(request)
    start = request.due_at or request.requested_at
    end = request.done_at if request.status == RequestStatus.DONE else None
    taken = _minutes((end or now) - start) if (end or (is_open and now > start)) else None
    return {
        "id": request.pk,
        "kind": request.kind,
        "name": request.display_name,
        "room": request.room.number,
        "reservation": request.reservation_id,
        "guest": mask_name(request.reservation.guest_name),
        "department": request.department,
        "department_display": request.get_department_display(),
        "status": request.status,
        "status_display": request.get_status_display(),
        "note": request.note,
        "requested_at": request.requested_at,
        "due_at": request.due_at,
        "done_at": request.done_at,
        "target_minutes": request.target_minutes,
        "minutes_taken": taken,
        # Open past its target, or done later than its target.
        "overdue": (is_open and now > deadline) or (end is not None and end > deadline),
        "is_open": is_open,
        "can_start": request.status == RequestStatus.REQUESTED,
    }
