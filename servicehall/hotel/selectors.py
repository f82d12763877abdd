"""Reads of the hotel front desk (HOTEL01): room types, plans, availability and the reservations of a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.org.models import Hall

from .models import RatePlan, Reservation, Room, RoomType
from .states import HOLDING_STATUSES


def room_types_for_hall(*, hall: Hall) -> QuerySet[RoomType]:
    return RoomType.objects.filter(hall=hall)


def rate_plans_for_hall(*, hall: Hall) -> QuerySet[RatePlan]:
    return RatePlan.objects.filter(hall=hall, active=True)


def _get(queryset: QuerySet[Any], raw: Any, message: str) -> Any:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = 0
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(message, code="not_found")
    return found


def room_type_get(*, hall: Hall, room_type_id: Any) -> RoomType:
    return _get(room_types_for_hall(hall=hall), room_type_id, _("Choose a room type of this hotel."))


def rate_plan_get(*, hall: Hall, rate_plan_id: Any) -> RatePlan:
    return _get(rate_plans_for_hall(hall=hall), rate_plan_id, _("Choose a rate plan of this hotel."))


def reservation_get(*, hall: Hall, reservation_id: Any) -> Reservation:
    queryset = Reservation.objects.filter(hall=hall).select_related("hall", "room_type", "rate_plan", "room")
    return _get(queryset, reservation_id, _("No such reservation in this hotel."))


def room_get(*, hall: Hall, room_id: Any) -> Room:
    return _get(Room.objects.filter(hall=hall).select_related("room_type"), room_id, _("No such room in this hotel."))


def reservations_arriving(*, hall: Hall, day: dt.date) -> QuerySet[Reservation]:
    return Reservation.objects.filter(hall=hall, arrival=day).select_related("room_type", "rate_plan", "room")


def availability(*, hall: Hall, start: dt.date, days: int) -> list[dict[str, Any]]:
    """Free rooms of each type on each night from `start`: the sellable rooms less the reservations holding
    the night. Two queries whatever the number of nights."""
    end = start + dt.timedelta(days=days)
    nights = [start + dt.timedelta(days=n) for n in range(days)]
    types = list(
        room_types_for_hall(hall=hall).annotate(
            sellable=Count("rooms", filter=~Q(rooms__housekeeping=Room.Housekeeping.OUT_OF_ORDER))
        )
    )
    held: dict[tuple[int, dt.date], int] = {}
    overlapping = Reservation.objects.filter(
        hall=hall, status__in=HOLDING_STATUSES, arrival__lt=end, departure__gt=start
    ).values_list("room_type_id", "arrival", "departure")
    for type_id, arrival, departure in overlapping:
        for night in nights:
            if arrival <= night < departure:
                held[(type_id, night)] = held.get((type_id, night), 0) + 1
    return [
        {
            "room_type": room_type,
            "nights": [
                {"night": night, "free": max(room_type.sellable - held.get((room_type.pk, night), 0), 0)}
                for night in nights
            ],
        }
        for room_type in types
    ]


def rooms_for_reservation(*, reservation: Reservation) -> list[dict[str, Any]]:
    """The rooms of the reserved type with whether each can be given (no other guest holds it on the nights)
    and whether it is ready (vacant, clean, inspected)."""
    rooms = list(Room.objects.filter(room_type=reservation.room_type).order_by("number"))
    held = set(
        Reservation.objects.filter(
            room__in=rooms,
            status__in=HOLDING_STATUSES,
            arrival__lt=reservation.departure,
            departure__gt=reservation.arrival,
        )
        .exclude(pk=reservation.pk)
        .values_list("room_id", flat=True)
    )
    return [
        {
            "room": room,
            "free": room.pk not in held and room.housekeeping != Room.Housekeeping.OUT_OF_ORDER,
            "ready": room.housekeeping == Room.Housekeeping.VACANT_CLEAN and room.inspected,
        }
        for room in rooms
    ]
