"""PRIV04: which of duty\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

from servicehall.core.change_audit import register

from . import models as m

_RECORD = "record: the day's preparation, meetings and roster, no personal data or money"
NOT_AUDITED = {
    "PreShiftStep": "pack content: the seven steps loaded from the pack's YAML",
    "PreShiftCheck": _RECORD,
    "MorningMeeting": _RECORD,
    "MeetingAttendance": _RECORD,
    "RosterEntry": _RECORD,
    "LateOpening": _RECORD,
}


def register_audited() -> None:
    register(m.DutySettings)
    register(m.Shift)
