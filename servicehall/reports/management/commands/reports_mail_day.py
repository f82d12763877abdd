"""`manage.py reports_mail_day` (RPT02): mail each hall's managers the report of the day just over (the hall's
yesterday in its own time zone), once per hall and day (`ReportMail`); `--day YYYY-MM-DD` mails that day
instead (still once). Run hourly by `core.schedule`, so the first run after each hall's midnight sends it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.reports.services import report_mails_due


class Command(BaseCommand):
    help = "Mail each hall's managers the day's report, once per hall and day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="the day to mail, YYYY-MM-DD (default: each hall's yesterday)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['day']!r}") from exc
        sent = report_mails_due(day=day)
        self.stdout.write(f"reports_mail_day: {sent} mail(s) sent.")
