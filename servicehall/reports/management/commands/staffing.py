"""`manage.py staffing` (RPT03): the Erlang C figures for scripts and checks.

    manage.py staffing --arrivals-per-hour 250 --handle-seconds 330 --target-level 0.8 --within-seconds 30 --json
    manage.py staffing --arrivals-per-hour 250 --handle-seconds 330 --within-seconds 30 --counters 30 --json

Bad input (zero, negative, not a number, a load no number of counters up to the cap can carry) is an error with
exit status 2.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.reports.erlang import MAX_COUNTERS, ErlangInputError, counters_needed, staffing_for


def _number(value: str) -> float:
    # argparse turns a ValueError here into "invalid _number value" with exit status 2.
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "How many counters a queue needs for a service level (Erlang C), or the figures for N counters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--arrivals-per-hour", type=_number, required=True, help="customers arriving per hour")
        parser.add_argument("--handle-seconds", type=_number, required=True, help="mean handle time in seconds")
        parser.add_argument("--within-seconds", type=_number, required=True, help="the wait the target counts")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--target-level", type=_number, help="share to serve within the wait, e.g. 0.8")
        which.add_argument("--counters", type=int, help="figures for this many open counters")
        parser.add_argument("--max-counters", type=int, default=MAX_COUNTERS, help=f"the cap (default {MAX_COUNTERS})")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["counters"] is not None:
                result = staffing_for(
                    counters=options["counters"],
                    arrivals_per_hour=options["arrivals_per_hour"],
                    handle_seconds=options["handle_seconds"],
                    within_seconds=options["within_seconds"],
                )
            else:
                result = counters_needed(
                    arrivals_per_hour=options["arrivals_per_hour"],
                    handle_seconds=options["handle_seconds"],
                    target_level=options["target_level"],
                    within_seconds=options["within_seconds"],
                    max_counters=max(1, min(options["max_counters"], MAX_COUNTERS)),
                )
        except ErlangInputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        figures: dict[str, Any] = dict(result.as_dict())
        stable = math.isfinite(result.asa_seconds)
        figures["asa_seconds"] = round(result.asa_seconds, 3) if stable else None
        figures["stable"] = stable
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
            return
        asa = f"{result.asa_seconds:.1f} s" if stable else "grows without end"
        self.stdout.write(
            f"counters {result.counters}  load {result.load:.2f} Erlangs  service level {result.service_level:.1%}  "
            f"ASA {asa}  occupancy {result.occupancy:.1%}  P(wait) {result.p_wait:.1%}"
        )
