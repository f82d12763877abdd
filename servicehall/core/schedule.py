"""The commands that run on a clock: one table, run by `manage.py run_schedule` (APScheduler, one process).

Every command here is idempotent and takes its own row locks, so a run that comes late, twice, or on two
machines by mistake does no harm; still, a deployment runs exactly one scheduler (`make run` starts it beside
the web server). The commands are named, not imported: an app that is not installed simply has no command,
and the scheduler says so once and skips it.

Times are minutes past every hour rather than a wall-clock time: halls may sit in different time zones, and
each command works out "past days" and "due today" in each hall's own zone (`close_day`,
`apply_package_changes`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduledCommand:
    """A management command run every `every_minutes`, or once an hour at `minute_past_the_hour`."""

    command: str
    why: str
    every_minutes: int | None = None
    minute_past_the_hour: int | None = None

    def __post_init__(self) -> None:
        if (self.every_minutes is None) == (self.minute_past_the_hour is None):
            raise ValueError(f"{self.command}: give either every_minutes or minute_past_the_hour")

    @property
    def when(self) -> str:
        if self.every_minutes is not None:
            return f"every {self.every_minutes} min"
        return f"hourly at :{self.minute_past_the_hour:02d}"


SCHEDULE: tuple[ScheduledCommand, ...] = (
    ScheduledCommand(
        "expire_qr_payments",
        "settle QR payments past their time, ask the provider again about unanswered refunds",
        every_minutes=1,
    ),
    ScheduledCommand(
        "care_escalate",
        "escalate unhandled dissatisfaction alerts; warn about and escalate complaints and repairs",
        every_minutes=1,
    ),
    ScheduledCommand(
        "appointment_reminders", "text booking reminders a day and an hour before the visit", every_minutes=5
    ),
    ScheduledCommand(
        "appointment_no_shows",
        "mark bookings not checked in by the end of their window as no-shows; delete expired phone checks",
        every_minutes=5,
    ),
    ScheduledCommand(
        "premises_clock",
        "warn about and escalate overdue rectifications; record patrol rounds missed (SITE02)",
        every_minutes=5,
    ),
    ScheduledCommand(
        "duty_late_openings", "alert the duty manager to rostered counters not opened in time", every_minutes=1
    ),
    ScheduledCommand("release_number_holds", "free pool numbers held by orders never finished", every_minutes=10),
    ScheduledCommand(
        "close_day", "close tickets left open on past business days (each hall's midnight)", minute_past_the_hour=5
    ),
    ScheduledCommand(
        "apply_package_changes", "switch the package changes due today (the 1st of the month)", minute_past_the_hour=7
    ),
    ScheduledCommand(
        "hotel_night_audit",
        "close each hotel's past business day: room nights posted, no-shows charged, occupancy/ADR/RevPAR (HOTEL04)",
        minute_past_the_hour=15,
    ),
    ScheduledCommand(
        "reports_rollup",
        "roll up each hall's today for the reports; its past day once more after 01:00 with late changes (RPT02)",
        every_minutes=10,
    ),
    ScheduledCommand(
        "reports_mail_day",
        "mail each hall's managers the report of the day just over, once per hall and day (RPT02)",
        minute_past_the_hour=35,
    ),
    ScheduledCommand(
        "retention_run",
        "delete or anonymise personal data kept past its retention period (PRIV02, docs/privacy.md)",
        minute_past_the_hour=45,
    ),
)
