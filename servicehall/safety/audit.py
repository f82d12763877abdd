"""PRIV04: which of safety\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

_REGISTER = "register: the safety register keeps its own append-only history (KeyMove, IncidentEntry), no money"
NOT_AUDITED = {
    name: _REGISTER
    for name in (
        "Key",
        "KeyCopy",
        "KeyHandover",
        "KeyMove",
        "CopyRequest",
        "LockChange",
        "Incident",
        "IncidentEntry",
        "IncidentSequence",
        "DrillKind",
        "Drill",
        "DrillResult",
    )
}


def register_audited() -> None:
    """Nothing of the safety register holds personal data, money or hall settings."""
