"""PRIV04: which of core\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

NOT_AUDITED = {
    "AuditEntry": "trail: the business events' own append-only record",
    "ChangeRecord": "trail: the change records themselves",
    "OutgoingMessage": "outbox: the record of each text sent, deleted by retention after RETENTION_OUTBOX_DAYS",
}


def register_audited() -> None:
    """Core's own models are the trail or the outbox: nothing to register."""
