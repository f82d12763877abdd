"""PRIV04: which of org\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

NOT_AUDITED: dict[str, str] = {}


def register_audited() -> None:
    register(m.Company, hall=None)
    register(m.Hall, hall="pk")
    register(m.Counter)
    register(m.CounterCategory, hall="counter__hall")
    register(m.Membership)
    register(m.HallClosedDay)
