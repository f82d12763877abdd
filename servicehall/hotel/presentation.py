"""How reservations are shown on screens and in the API: the guest's phone masked here, in one place."""

from __future__ import annotations

from typing import Any

from servicehall.core.masking import mask_phone

from .models import Reservation


def reservation_row(reservation: Reservation) -> dict[str, Any]:
    return {
        "id": reservation.pk,
        "code": reservation.code,
        "room_type": reservation.room_type.display_name,
        "rate_plan": reservation.rate_plan.display_name,
        "arrival": reservation.arrival,
        "departure": reservation.departure,
        "arrival_iso": reservation.arrival.isoformat(),
        "departure_iso": reservation.departure.isoformat(),
        "room_type_id": reservation.room_type_id,
        "rate_plan_id": reservation.rate_plan_id,
        "nights": reservation.nights,
        "guests": reservation.guests,
        "guest_name": reservation.guest_name,
        "phone": mask_phone(reservation.phone),
        "status": reservation.status,
        "status_display": reservation.get_status_display(),
        "channel_display": reservation.get_channel_display(),
        "vip": reservation.vip,
        "requests": reservation.requests,
        "total": reservation.total,
        "guarantee": reservation.guarantee,
        "guarantee_display": reservation.get_guarantee_display(),
        "deposit": reservation.deposit,
        "card_last4": reservation.card_last4,
        "cancel_fee": reservation.cancel_fee,
        "room_card": reservation.room_card,
        "room": reservation.room.number if reservation.room_id and reservation.room else "",
        "room_ready": bool(
            reservation.room_id
            and reservation.room
            and reservation.room.inspected
            and reservation.room.housekeeping == "vacant_clean"
        ),
        "is_open": reservation.status == "booked",
    }
