"""`manage.py reports_rollup` (RPT02): rebuild the reports' summary tables.

Without arguments (the schedule, every 10 minutes): each hall's today, and its day before once more after
01:00 in the hall's time (the nightly rebuild, with the tickets the end of day closed and any late change).
`--day YYYY-MM-DD` or `--from … --to …` rebuilds those days; `--hall CODE` (repeatable) only those halls. A
day's rows are replaced in one transaction, so running it again is always safe."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.org.models import Hall
from servicehall.reports.services import rollup_rebuild, rollups_due


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Rebuild the reports' rollups: today (and last night's day), or the days given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="one day, YYYY-MM-DD")
        parser.add_argument("--from", dest="day_from", help="first day, YYYY-MM-DD (with --to)")
        parser.add_argument("--to", dest="day_to", help="last day, YYYY-MM-DD (with --from)")
        parser.add_argument("--hall", action="append", default=[], help="a hall's code (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        halls = None
        if options["hall"]:
            halls = list(Hall.objects.filter(code__in=options["hall"]).order_by("code"))
            missing = set(options["hall"]) - {hall.code for hall in halls}
            if missing:
                raise CommandError(f"No such hall: {', '.join(sorted(missing))}")
        if options["day"] and (options["day_from"] or options["day_to"]):
            raise CommandError("Give --day or --from/--to, not both.")
        if options["day"]:
            day = _date(options["day"])
            written = rollup_rebuild(day_from=day, day_to=day, halls=halls)
        elif options["day_from"] or options["day_to"]:
            if not (options["day_from"] and options["day_to"]):
                raise CommandError("Give both --from and --to.")
            written = rollup_rebuild(day_from=_date(options["day_from"]), day_to=_date(options["day_to"]), halls=halls)
        else:
            written = rollups_due(halls=halls)
        self.stdout.write(f"reports_rollup: {written} row(s) written.")
