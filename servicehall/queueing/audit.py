"""PRIV04: which of queueing\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED = {
    "TicketInterval": "history: a ticket's append-only intervals (who served it, when), no personal data",
    "DailySequence": "sequence: the day's last ticket number",
    "ScreenHeartbeat": "monitoring: when a public screen was last seen",
}


def register_audited() -> None:
    # The ticket is the queue's hot path: only its phone (personal) is audited, its moves cost no record.
    register(m.Ticket, personal={"phone": "phone"}, only=("phone",))
    register(m.PriorityRule)
