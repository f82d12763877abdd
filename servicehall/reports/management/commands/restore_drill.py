"""`manage.py restore_drill [--keep PATH] [--json]` (issue 18, point 5; docs/backup.md).

Fingerprints the configured database (rows per model and their checksum, gapless receipt and invoice numbers per
hall, each cash drawer's totals, each hall's latest daily settlement), backs it up, restores the backup into a
fresh database (PostgreSQL: a new database on the same server, dropped afterwards; SQLite: a new file), fingerprints
the copy and compares. Prints the backup's size and the seconds taken; exit status 1 on any difference or a gap.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.core.backup import BackupError
from servicehall.reports.backup_drill import drill_run


class Command(BaseCommand):
    help = "Back up the database, restore it into a fresh database and check the copy holds the same data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep", metavar="PATH", help="write the backup here and keep it (default: a temporary file)"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = drill_run(backup_path=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        figures = result.figures()
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
        else:
            write = self.stdout.write
            write(f"database         {figures['vendor']}")
            write(f"rows             {figures['rows']} in {figures['models']} models")
            write(f"receipts         {figures['receipts']}")
            write(f"invoices         {figures['invoices']}")
            write(f"cash drawers     {figures['drawers']}")
            write(f"latest settlement {figures['latest_settlements']}")
            write(f"backup           {figures['backup_bytes']} bytes ({figures['backup_bytes'] / 2**20:.1f} MiB)")
            write(f"fingerprint      {figures['fingerprint_seconds']} s")
            write(f"  of the copy    {figures['copy_fingerprint_seconds']} s")
            write(f"backup time      {figures['backup_seconds']} s")
            write(f"restore time     {figures['restore_seconds']} s")
            write(f"whole drill      {figures['total_seconds']} s")
            write(f"checksum         {figures['checksum']}")
            for line in result.problems:
                write(self.style.ERROR(f"GAP   {line}"))
            for line in result.differences:
                write(self.style.ERROR(f"DIFF  {line}"))
        if not result.ok:
            raise CommandError(
                f"The restored copy differs ({len(result.differences)} differences, {len(result.problems)} gaps).",
                returncode=1,
            )
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("OK: the restored copy holds the same data."))
