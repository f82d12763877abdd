"""Reads of the stay (HOTEL03): the request kinds of the hotel pack, the hall's guest requests, the guests in
house, the room board by floor and the rooms a guest may move to. Every read is scoped to the hall."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.care.complaint_sources import SourceFound
from servicehall.catalog.models import pick_language
from servicehall.core.errors import NotFound, Unprocessable
from servicehall.core.masking import mask_name
from servicehall.org.models import Hall

from .models import GuestRequest, Reservation, Room, StayComplaint
from .packdata import read_hotel_pack
from .states import HOLDING_STATUSES, REQUEST_OPEN, RequestStatus, ReservationStatus

DEPARTMENTS = {c.value for c in GuestRequest.Department}


def request_kinds(*, hall: Hall) -> list[dict[str, Any]]:
    """What a guest may ask for in this hotel (the pack's `requests:`), in the pack's order."""
    kinds = []
    for entry in read_hotel_pack(hall).get("requests", []):
        department = str(entry.get("department", "front_desk"))
        kinds.append(
            {
                "code": str(entry["code"]),
                "zh": entry["name"]["zh"],
                "en": entry["name"]["en"],
                "name": pick_language(entry["name"]["zh"], entry["name"]["en"]),
                "department": department if department in DEPARTMENTS else GuestRequest.Department.FRONT_DESK,
                "target_minutes": int(entry.get("target_minutes", 30)),
                "due_time": bool(entry.get("due_time", False)),
            }
        )
    return kinds


def request_kind_get(*, hall: Hall, code: Any) -> dict[str, Any]:
    for kind in request_kinds(hall=hall):
        if kind["code"] == str(code or ""):
            return kind
    raise Unprocessable(_("Choose what the guest asks for."), code="bad_kind")


def _pk(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def guest_request_get(*, hall: Hall, request_id: Any) -> GuestRequest:
    found = (
        GuestRequest.objects.filter(hall=hall, pk=_pk(request_id)).select_related("hall", "room", "reservation").first()
    )
    if found is None:
        raise NotFound(_("No such request in this hotel."), code="not_found")
    return found


def guest_requests(
    *, hall: Hall, show: str = "open", department: str = "", since: dt.datetime | None = None
) -> QuerySet[GuestRequest]:
    """The hall's requests: the open ones (oldest first), or those finished since `since` (newest first)."""
    queryset = GuestRequest.objects.filter(hall=hall).select_related("room", "reservation")
    if department in DEPARTMENTS:
        queryset = queryset.filter(department=department)
    if show == "open":
        return queryset.filter(status__in=REQUEST_OPEN).order_by("requested_at", "id")
    queryset = queryset.exclude(status__in=REQUEST_OPEN)
    if since is not None:
        queryset = queryset.filter(Q(done_at__gte=since) | Q(requested_at__gte=since))
    return queryset.order_by("-requested_at", "-id")


def requests_for_reservation(*, reservation: Reservation) -> QuerySet[GuestRequest]:
    return GuestRequest.objects.filter(reservation=reservation).select_related("room").order_by("-requested_at", "-id")


def in_house(*, hall: Hall) -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(hall=hall, status=ReservationStatus.CHECKED_IN)
        .select_related("room", "room_type", "rate_plan")
        .order_by("room__number")
    )


def room_board(*, hall: Hall, today: dt.date) -> list[dict[str, Any]]:
    """The rooms by floor, each with its housekeeping status, the open requests of its guest and whether the
    guest leaves today or a booked guest arrives today."""
    rooms = list(
        Room.objects.filter(hall=hall)
        .select_related("room_type")
        .annotate(open_requests=Count("guest_requests", filter=Q(guest_requests__status__in=REQUEST_OPEN)))
        .order_by("floor", "number")
    )
    holding = Reservation.objects.filter(
        hall=hall, room__isnull=False, status__in=HOLDING_STATUSES, arrival__lte=today, departure__gte=today
    ).values_list("room_id", "status", "arrival", "departure")
    leaving, arriving = set(), set()
    for room_id, status, arrival, departure in holding:
        if status == ReservationStatus.CHECKED_IN and departure == today:
            leaving.add(room_id)
        if status == ReservationStatus.BOOKED and arrival == today:
            arriving.add(room_id)
    floors: dict[int, list[dict[str, Any]]] = {}
    for room in rooms:
        floors.setdefault(room.floor, []).append(
            {
                "room": room,
                "state": board_state(room),
                "open_requests": room.open_requests,
                "leaving": room.pk in leaving,
                "arriving": room.pk in arriving,
            }
        )
    return [{"floor": floor, "rooms": rows} for floor, rows in floors.items()]


def board_state(room: Room) -> str:
    """The room's place on the board: vacant clean, inspected, vacant dirty, occupied or out of order."""
    if room.housekeeping == Room.Housekeeping.VACANT_CLEAN and room.inspected:
        return "inspected"
    return room.housekeeping


def board_counts(board: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"vacant_clean": 0, "inspected": 0, "vacant_dirty": 0, "occupied": 0, "out_of_order": 0}
    for floor in board:
        for row in floor["rooms"]:
            counts[row["state"]] += 1
    return counts


def rooms_to_move_to(*, reservation: Reservation, today: dt.date) -> list[Room]:
    """The rooms an in-house guest may move to: vacant, clean and inspected, big enough, and held by nobody on
    the rest of the stay."""
    start = max(today, reservation.arrival)
    held = set(
        Reservation.objects.filter(
            hall=reservation.hall_id,
            room__isnull=False,
            status__in=HOLDING_STATUSES,
            arrival__lt=reservation.departure,
            departure__gt=start,
        )
        .exclude(pk=reservation.pk)
        .values_list("room_id", flat=True)
    )
    return [
        room
        for room in Room.objects.filter(
            hall=reservation.hall_id,
            housekeeping=Room.Housekeeping.VACANT_CLEAN,
            inspected=True,
            room_type__capacity__gte=reservation.guests,
        )
        .select_related("room_type")
        .order_by("number")
        if room.pk not in held
    ]


def stay_complaints(*, reservation: Reservation) -> QuerySet[StayComplaint]:
    return StayComplaint.objects.filter(reservation=reservation).select_related("complaint", "room")


def in_house_get(*, hall: Hall, reservation_id: Any) -> Reservation:
    """A guest in house of this hall (a complaint or request is about one)."""
    found = in_house(hall=hall).select_related("hall").filter(pk=_pk(reservation_id)).first()
    if found is None:
        raise NotFound(_("No such guest in house in this hotel."), code="not_found")
    return found


def open_request_count(*, hall: Hall) -> int:
    return GuestRequest.objects.filter(hall=hall, status=RequestStatus.REQUESTED).count()


def stay_for_complaint(*, hall: Hall, value: Any) -> SourceFound | None:
    """A guest in house as care's complaint form shows it (HOTEL03): the room and the masked name; the guest's
    contact is taken over by the complaint without being shown."""
    found = in_house(hall=hall).filter(pk=_pk(value)).first()
    if found is None:
        return None
    return SourceFound(
        obj=found,
        rows=[
            (_("Hotel guest"), mask_name(found.guest_name)),
            (_("Room"), f"{found.room.number if found.room else '—'} · {found.code}"),
        ],
        contact_name=found.guest_name[:40],
        contact_phone=found.phone,
    )
