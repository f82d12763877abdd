"""`manage.py hotel_night_audit`: the night audit of each hotel hall's past business day (HOTEL04): room nights
posted, no-shows marked and charged, the day's occupancy, ADR and RevPAR kept. Idempotent (a day is audited
once); run hourly by `core.schedule`, so the first run after each hall's midnight closes its yesterday.
`--hall CODE --date YYYY-MM-DD` audits one past day of one hall."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servicehall.core.errors import ApplicationError
from servicehall.hotel.night_audit import night_audit_run, night_audits_due
from servicehall.org.models import Hall


class Command(BaseCommand):
    help = "Run the hotels' night audit for their past business day (each day once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hall", help="the hall's code (with --date)")
        parser.add_argument("--date", help="the business date to audit, YYYY-MM-DD (with --hall)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["hall"] or options["date"]:
            hall = Hall.objects.filter(code=options["hall"] or "").first()
            try:
                day = dt.date.fromisoformat(options["date"] or "")
            except ValueError:
                day = None
            if hall is None or day is None:
                raise CommandError("Give --hall with an existing hall's code and --date as YYYY-MM-DD.")
            try:
                _audit, created = night_audit_run(hall=hall, business_date=day)
            except ApplicationError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(f"{hall.code} {day}: {'audited' if created else 'audited already'}.")
            return
        made = night_audits_due()
        self.stdout.write(f"{made} night audit(s) run.")
