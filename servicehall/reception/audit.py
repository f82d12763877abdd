"""PRIV04: which of reception\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "VisitSequence": "sequence: the day's last visit code",
    "VisitMove": "history: a visit's append-only status moves",
}


def register_audited() -> None:
    register(m.MeetingRoom)
    register(m.ReceptionLevel)
    # What the host typed about a visit may name people (companions, gifts for someone); the feedback link's
    # token is a key, never shown.
    register(
        m.Visit,
        personal=dict.fromkeys(("purpose", "companions", "areas", "materials", "gifts", "feedback_token"), "hidden"),
    )
    register(m.Visitor, personal={"name": "name", "id_number": "id_number"}, hall="visit__hall")
    register(m.Expense, ignore=("request_key",), hall="visit__hall")
