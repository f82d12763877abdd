"""`manage.py run_schedule`: run the commands of `core.schedule.SCHEDULE` on their clock, until stopped.

`--once` runs each of them one time and exits (a check after a deployment, and the tests); `--list` prints
the table. A command that fails is logged with its name only (commands print counts, never personal data) and
runs again at its next time.
"""

from __future__ import annotations

import logging
from io import StringIO
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from servicehall.core.schedule import SCHEDULE, ScheduledCommand

log = logging.getLogger("servicehall.schedule")


def run_one(job: ScheduledCommand) -> str:
    """Run one scheduled command in this process; its output, or why it failed."""
    out = StringIO()
    try:
        call_command(job.command, stdout=out, stderr=out)
    except Exception:  # one failing command must not stop the others; it runs again next time
        log.exception("scheduled command %s failed", job.command)
        return f"{job.command}: failed (see the log)"
    summary = " ".join(out.getvalue().split()) or f"{job.command}: done"
    log.debug("%s", summary)
    return summary


def run_on_the_clock(job: ScheduledCommand) -> None:
    """The scheduler's run: a long-lived process never reuses a connection the database dropped meanwhile."""
    close_old_connections()
    try:
        run_one(job)
    finally:
        close_old_connections()


def installed(jobs: tuple[ScheduledCommand, ...]) -> list[ScheduledCommand]:
    known = get_commands()
    missing = [job.command for job in jobs if job.command not in known]
    for name in missing:
        log.warning("scheduled command %s is not installed; skipped", name)
    return [job for job in jobs if job.command in known]


def build_scheduler(jobs: list[ScheduledCommand]) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=settings.TIME_ZONE,
        # A run missed while the machine was busy happens once, late, rather than several times in a row.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    for job in jobs:
        trigger = (
            IntervalTrigger(minutes=job.every_minutes)
            if job.every_minutes is not None
            else CronTrigger(minute=job.minute_past_the_hour)
        )
        scheduler.add_job(run_on_the_clock, trigger, args=[job], id=job.command, name=job.command)
    return scheduler


class Command(BaseCommand):
    help = "Run the scheduled commands (escalations, expiries, end of day) on their clock; one per deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every scheduled command one time and exit")
        parser.add_argument("--list", action="store_true", dest="show", help="print the schedule and exit")

    def handle(self, *args: Any, once: bool = False, show: bool = False, **options: Any) -> None:
        jobs = installed(SCHEDULE)
        if show:
            for job in jobs:
                self.stdout.write(f"{job.command:<24} {job.when:<18} {job.why}")
            return
        if once:
            for job in jobs:
                self.stdout.write(run_one(job))
            return
        scheduler = build_scheduler(jobs)
        self.stdout.write(f"Running {len(jobs)} scheduled command(s); stop with Ctrl-C.")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
