"""PRIV04: which of premises\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

_RECORD = "record: the hall's inspections and their follow-up, no personal data or money"
NOT_AUDITED = {
    "ChecklistTemplate": "pack content: checklists loaded from the pack's YAML",
    "ChecklistItem": "pack content: checklists loaded from the pack's YAML",
    "PatrolRound": _RECORD,
    "Patrol": _RECORD,
    "PatrolResult": _RECORD,
    "MissedPatrol": _RECORD,
    "Rectification": _RECORD,
    "RectificationMove": "history: a rectification's append-only status moves",
    "Equipment": "register: the equipment's state, its history in EquipmentMove",
    "EquipmentMove": "history: an equipment's append-only status moves",
}


def register_audited() -> None:
    # A fault's repair cost is money.
    register(m.EquipmentFault, hall="equipment__hall")
