"""PRIV04: which of appointments\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "BookingMove": "history: a booking's append-only status moves",
}


def register_audited() -> None:
    register(m.AppointmentType)
    register(m.Booking, personal={"name": "name", "phone": "phone", "notes": "hidden"}, ignore=("request_key",))
    register(m.PhoneCheck, personal={"name": "name", "phone": "phone"}, ignore=("code_hash",))
