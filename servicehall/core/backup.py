"""Back up and restore the whole database (issue 18, point 5; docs/backup.md).

PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore --no-owner --no-privileges --clean --if-exists
--single-transaction` (all or nothing). SQLite: the online backup API (`sqlite3.Connection.backup`), which copies
a consistent snapshot while the hall keeps writing in WAL mode; restored by the same API into the configured file.

The connection settings come from Django's `DATABASES` (the alias given, "default" unless told); PostgreSQL's
password goes to the tools in the environment (`PGPASSWORD`), never on their command line.

A restore goes into an empty database only: `database_holds_data` is true as soon as any table of an installed
model other than Django's own bookkeeping (migrations, content types, permissions) has a row, and `restore_from`
refuses it unless `force` is given.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

# Rows `migrate` writes into an empty database: they do not make it "hold data".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


class DatabaseNotEmpty(BackupError):
    """A restore over a database that holds data, without `force`."""


def _settings(alias: str) -> dict[str, Any]:
    return connections[alias].settings_dict


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_args_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """The connection arguments for pg_dump/pg_restore and their environment (the password in PGPASSWORD)."""
    db = _settings(alias)
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _sqlite_name(alias: str) -> str:
    name = str(_settings(alias)["NAME"])
    if connections[alias].vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _sqlite_check(path: Path) -> None:
    """`PRAGMA quick_check` of a SQLite file, read-only."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            answer = db.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database: {exc}") from exc
    if not answer or answer[0] != "ok":
        raise BackupError(f"{path} failed SQLite's quick check: {answer}")


def backup_to(path: str | Path, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of the database `using` to `path` (replaced only once the backup is complete and checked)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target under another name, then renamed: a failed backup never leaves half a file
    # under the name of the last good one.
    handle, temporary_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        if _vendor(using) == "postgresql":
            args, env = _pg_args_env(using)
            _run([_tool("pg_dump"), "--format=custom", "--file", str(temporary), *args], env)
            # The file must read back: pg_restore lists what it holds.
            _run([_tool("pg_restore"), "--list", str(temporary)], env)
        elif _vendor(using) == "sqlite":
            source_name = _sqlite_name(using)
            temporary.unlink()
            with (
                closing(sqlite3.connect(source_name, timeout=20)) as source,
                closing(sqlite3.connect(temporary)) as copy,
            ):
                source.backup(copy)
                # A backup is one self-contained file: no WAL beside it.
                copy.execute("PRAGMA journal_mode=DELETE")
            _sqlite_check(temporary)
        else:
            raise BackupError(f"Backups of {_vendor(using)} databases are not supported.")
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def database_holds_data(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when a table of an installed model (other than Django's bookkeeping) has a row."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if not model._meta.managed or model._meta.proxy or table in BOOKKEEPING_TABLES or table not in tables:
            continue
        if model._base_manager.using(using).exists():
            return True
    return False


def _connection_release(alias: str) -> None:
    connection = connections[alias]
    connection.close()
    close_pool = getattr(connection, "close_pool", None)
    if close_pool is not None:
        close_pool()


def restore_from(path: str | Path, *, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> None:
    """Restore the backup at `path` into the database `using`; refused over a database holding data unless `force`."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    vendor = _vendor(using)
    # The file first: an unreadable backup is refused before the database is looked at.
    if vendor == "postgresql":
        args, env = _pg_args_env(using)
        _run([_tool("pg_restore"), "--list", str(source)], env)
    elif vendor == "sqlite":
        _sqlite_check(source)
    else:
        raise BackupError(f"Restores into {vendor} databases are not supported.")
    if vendor == "sqlite" and not Path(_sqlite_name(using)).exists():
        holds_data = False
    else:
        holds_data = database_holds_data(using=using)
    if holds_data and not force:
        raise DatabaseNotEmpty(
            f"The database {_settings(using)['NAME']} holds data; restore into an empty database, "
            "or give --force to replace what it holds."
        )
    _connection_release(using)
    if vendor == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--clean",
                "--if-exists",
                "--single-transaction",
                *args,
                str(source),
            ],
            env,
        )
    else:
        with (
            closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup,
            closing(sqlite3.connect(_sqlite_name(using), timeout=20)) as database,
        ):
            backup.backup(database)
            database.execute("PRAGMA journal_mode=WAL")
    _connection_release(using)


@contextmanager
def database_name_switched(name: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Point the connection `using` at another database of the same server (or another SQLite file) for a while.

    The restore drill reads the restored copy through the same selectors as the original this way.
    """
    settings_dict = connections[using].settings_dict
    original = settings_dict["NAME"]
    _connection_release(using)
    settings_dict["NAME"] = name
    try:
        yield
    finally:
        _connection_release(using)
        settings_dict["NAME"] = original
