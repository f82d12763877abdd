"""Delete or anonymise the personal data whose time is up (PRIV02); `--dry-run` only counts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from servicehall.core.retention import retention_run


class Command(BaseCommand):
    help = "Delete or anonymise personal data kept longer than its retention period (PRIV02)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is due; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        # Counts only: never a name, number or text of the rows (nothing personal in logs).
        for outcome in retention_run(dry_run=dry_run):
            done = "dry run, nothing changed" if dry_run else f"{outcome.done} done"
            self.stdout.write(f"{outcome.kind}: kept {outcome.days} days, {outcome.due} due ({outcome.action}), {done}")
