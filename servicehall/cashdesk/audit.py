"""PRIV04: which of cashdesk\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED: dict[str, str] = {}


def register_audited() -> None:
    register(m.DrawerSession)
    register(m.DrawerCountLine, hall="session__hall")
    register(m.DrawerMovement, hall="session__hall")
    register(m.SuspectNote)
    register(m.Handover)
    register(m.HandoverCountLine, hall="handover__hall")
    register(m.Settlement)
    register(m.SettlementCorrection, hall="settlement__hall")
