#!/usr/bin/env python
"""The restore drill from nothing (issue 18, point 5; docs/backup.md): the figures the docs quote.

    .venv/bin/python scripts/restore_drill.py --database-url postgres://postgres@127.0.0.1:5432/drill_x
    .venv/bin/python scripts/restore_drill.py --database-url sqlite:///var/drill_x.sqlite3

The database named by --database-url (its name must contain "drill") is dropped and created again; it is migrated,
the demo halls are loaded (`manage.py load_demo`) and one more hall with a closed day of money beside them
(`testsupport.money_day`: drawers, receipts, an invoice, the closed settlement), then `manage.py restore_drill`
backs it up, restores it into a fresh database and compares. Prints the figures and a line for docs/backup.md;
exit status as the drill's (0: the copy is equal, 1: it differs, 2: the backup or restore failed).

On a hall's own server, run `manage.py restore_drill` against the real database instead (it only reads it).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
MONEY_DAY = "from testsupport.money_day import closed_money_day; closed_money_day('drill')"


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "servicehall.settings"}


def _manage(url: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYTHON), str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=_env(url),
        check=False,
        text=True,
        capture_output=capture,
    )


def _reset(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "drill" not in Path(name).name:
        sys.exit(f"refusing to drop {name!r}: the drill's database name must contain 'drill'")
    if parts.scheme.startswith("postgres"):
        import psycopg  # noqa: PLC0415 - only for PostgreSQL

        host = parts.hostname or "127.0.0.1"
        if host not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"refusing to drop a database on {host}: the drill from nothing runs on this machine only")
        with psycopg.connect(
            host=host,
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            autocommit=True,
        ) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{name}"')
    elif parts.scheme == "sqlite":
        path = Path("/" + name) if url.startswith("sqlite:////") else ROOT / name
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    else:
        sys.exit(f"unsupported database URL {url}")


def _step(label: str, url: str, *args: str) -> float:
    print(f"  {label} …", flush=True)
    started = time.monotonic()
    done = _manage(url, *args, capture=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        sys.exit(f"{label} failed ({done.returncode})")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Migrate, load the demo and a closed money day, then the drill.")
    parser.add_argument("--database-url", default="sqlite:///var/drill_x.sqlite3")
    parser.add_argument("--no-money-day", action="store_true", help="the demo halls only")
    args = parser.parse_args()
    url = args.database_url
    _reset(url)
    migrate = _step("migrate", url, "migrate", "--no-input", "-v0")
    demo = _step("load_demo", url, "load_demo")
    if not args.no_money_day:
        _step("a closed day of money in hall 'drill'", url, "shell", "-c", MONEY_DAY)
    print("  restore_drill …", flush=True)
    drill = _manage(url, "restore_drill", "--json", capture=True)
    if drill.returncode not in (0, 1):
        sys.stdout.write(drill.stdout)
        sys.stderr.write(drill.stderr)
        sys.exit(drill.returncode)
    figures = json.loads(drill.stdout)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    figures.update(
        {
            "migrate_seconds": round(migrate, 1),
            "load_demo_seconds": round(demo, 1),
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": commit,
        }
    )
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    mib = figures["backup_bytes"] / 2**20
    print(
        f"\n| {figures['date'][:10]} | {commit} | {figures['vendor']} | {figures['rows']} | {mib:.1f} MiB "
        f"| {figures['backup_seconds']} s | {figures['restore_seconds']} s | {figures['total_seconds']} s "
        f"| {'equal' if figures['ok'] else 'DIFFERS'} |"
    )
    sys.exit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
