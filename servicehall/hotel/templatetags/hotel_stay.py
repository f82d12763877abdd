"""`{% stay_of hall reservation_id user as stay %}`: what an in-house guest's page shows of the stay (HOTEL03):
the guest's requests, the rooms the guest may move to, the complaints recorded during the stay and what the
viewer may do. None for a reservation not in house."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from servicehall.care.services import RECORD_COMPLAINT
from servicehall.org.roles import Capability
from servicehall.org.selectors import user_capabilities

from .. import selectors, selectors_stay, services_stay
from ..presentation_stay import request_row
from ..states import ReservationStatus

register = template.Library()


@register.simple_tag
def stay_of(hall: Any, reservation_id: Any, user: Any) -> dict[str, Any] | None:
    reservation = selectors.reservation_get(hall=hall, reservation_id=reservation_id)
    if reservation.status != ReservationStatus.CHECKED_IN or reservation.room is None:
        return None
    now = timezone.now()
    capabilities = frozenset(user_capabilities(user=user, hall=hall))
    return {
        "reservation": reservation,
        "requests": [request_row(r, now=now) for r in selectors_stay.requests_for_reservation(reservation=reservation)],
        "kinds": selectors_stay.request_kinds(hall=hall),
        "request_key": services_stay.new_request_key(),
        "can_request": bool(capabilities & {Capability.ISSUE, Capability.HOUSEKEEP}),
        "can_change": Capability.ISSUE in capabilities,
        "rooms": selectors_stay.rooms_to_move_to(reservation=reservation, today=timezone.localdate(now, hall.tz)),
        "changes": list(reservation.room_changes.select_related("from_room", "to_room")),
        "can_complain": bool(capabilities & set(RECORD_COMPLAINT)),
        "complaints": list(selectors_stay.stay_complaints(reservation=reservation)),
    }
