"""`manage.py restore --from PATH [--force]` (issue 18, point 5; docs/backup.md).

Restores a backup of `manage.py backup` into the configured database, which must be empty: a database that holds
data is refused with exit status 2 unless `--force` is given. PostgreSQL: `pg_restore --no-owner --no-privileges
--clean --if-exists --single-transaction` (all or nothing); SQLite: the backup copied into the configured file.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicehall.core.backup import BackupError, restore_from


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured (empty) database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", required=True, dest="path", help="the backup file to restore")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")
        parser.add_argument("--force", action="store_true", help="replace what the database holds (it is lost)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            restore_from(options["path"], using=options["database"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Restored {options['path']} in {seconds:.1f} s."))
