"""`manage.py backup --to PATH` (issue 18, point 5; docs/backup.md).

PostgreSQL: `pg_dump --format=custom`; SQLite: the online backup API, consistent while the hall keeps running.
A failure is an error with exit status 2 and no file under PATH.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.core.backup import BackupError, backup_to


class Command(BaseCommand):
    help = "Back up the database to a file (PostgreSQL: pg_dump custom format; SQLite: online backup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, dest="path", help="the backup file to write")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            path = backup_to(options["path"], using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({path.stat().st_size} bytes in {seconds:.1f} s)."))
