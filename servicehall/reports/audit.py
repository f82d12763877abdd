"""PRIV04: which of reports\'s models have every change audited (`core.change_audit`), and why not the others."""

from __future__ import annotations

_DERIVED = "derived: report figures rebuilt from the records"
NOT_AUDITED = {
    "TicketDayRollup": _DERIVED,
    "DayFigureRollup": _DERIVED,
    "RollupRun": _DERIVED,
    "ReportMail": "record: when a day's report was mailed",
}


def register_audited() -> None:
    """Reports hold only figures derived from the audited records."""
