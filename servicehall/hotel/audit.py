"""PRIV04: which of hotel\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "Room": "register: a room's housekeeping state, no personal data or money",
    "ReservationMove": "history: a reservation's append-only status moves",
    "GuestRequest": "workflow: a guest's request and its state",
    "GuestRequestMove": "history: a guest request's append-only status moves",
    "RoomChange": "history: the append-only record of a room move",
    "StayComplaint": "link: a complaint (audited in care) to its stay",
    "NightAuditDay": "derived: the night audit's figures computed from the bills",
}


def register_audited() -> None:
    register(m.RoomType)
    register(m.RoomRate, hall="room_type__hall")
    register(m.RatePlan)
    register(
        m.Reservation,
        personal={"guest_name": "name", "phone": "phone", "card_token": "hidden", "requests": "hidden"},
    )
    register(m.ReservationNight, hall="reservation__hall")
    register(m.GuestRegistration, personal={"name": "name", "document_number": "id_number"}, hall="reservation__hall")
    register(m.FolioCharge, ignore=("request_key",), hall="reservation__hall")
    register(m.Departure, hall="reservation__hall")
