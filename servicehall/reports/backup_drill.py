"""The restore drill (issue 18, point 5; docs/backup.md): a backup is only a backup once it restores.

`fingerprint()` reads the database as the hall knows it: the rows of every model (a count and a SHA-256 of the
rows in key order), each hall's receipt and invoice numbers (gapless per hall: 1…n, the hall's counter at n),
each cash drawer's totals (`cashdesk.selectors.drawer_expected`) and each hall's latest daily settlement
(`cashdesk.selectors.settlement_summary`). `drill_run()` fingerprints the configured database, backs it up
(`core.backup`), restores the file into a fresh database (a new PostgreSQL database on the same server, or a new
SQLite file), fingerprints the copy through the same code and compares. It writes only the backup file and the
fresh database, and removes both unless told to keep them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

from servicehall.billing.models import Receipt, ReceiptSequence
from servicehall.cashdesk import selectors as cashdesk_selectors
from servicehall.cashdesk.models import DrawerSession, Settlement
from servicehall.core.backup import backup_to, database_name_switched, restore_from
from servicehall.invoicing.models import Invoice, InvoiceSequence
from servicehall.org.models import Hall

# A difference list longer than this is cut: the first ones say enough.
MAX_DIFFERENCES = 50
_DIGITS = re.compile(r"\d+")


def _plain(value: Any) -> Any:
    """A JSON-safe form of a value, the same for the original and the copy."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _models() -> list[Any]:
    return sorted(
        (m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy),
        key=lambda m: m._meta.label,
    )


def _table_rows() -> dict[str, dict[str, Any]]:
    """Per model: the number of rows and a SHA-256 of the rows in primary-key order."""
    tables: dict[str, dict[str, Any]] = {}
    for model in _models():
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        count = 0
        rows = model._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=2000)
        for row in rows:
            digest.update(json.dumps(_plain(row), ensure_ascii=False).encode())
            digest.update(b"\n")
            count += 1
        tables[model._meta.label] = {"rows": count, "sha256": digest.hexdigest()}
    return tables


def _numbers(numbers: list[str], counter_last: int | None) -> dict[str, Any]:
    """A hall's receipt or invoice numbers: gapless means exactly 1…n, with the hall's counter at n."""
    values = sorted(int(m.group()) for m in (_DIGITS.search(n) for n in numbers) if m)
    expected = list(range(1, len(values) + 1))
    missing = sorted(set(expected) - set(values))[:10]
    return {
        "count": len(numbers),
        "first": min(numbers) if numbers else None,
        "last": max(numbers) if numbers else None,
        "counter_last": counter_last,
        "gapless": values == expected and (counter_last or 0) == len(values),
        "missing": missing,
    }


def _series(model: Any, sequence_model: Any) -> dict[str, dict[str, Any]]:
    by_hall: dict[int, list[str]] = {}
    for hall_id, number in model._base_manager.values_list("hall_id", "number"):
        by_hall.setdefault(hall_id, []).append(number)
    counters = dict(sequence_model._base_manager.values_list("hall_id", "last"))
    codes = dict(Hall.objects.values_list("pk", "code"))
    return {
        codes.get(hall_id, str(hall_id)): _numbers(by_hall.get(hall_id, []), counters.get(hall_id))
        for hall_id in sorted(set(by_hall) | set(counters))
    }


def _drawers() -> list[dict[str, Any]]:
    rows = []
    for session in DrawerSession.objects.select_related("hall", "counter").order_by("pk"):
        rows.append(
            {
                "id": session.pk,
                "hall": session.hall.code,
                "counter": session.counter.number,
                "day": session.day.isoformat(),
                "status": session.status,
                "opening_float": str(session.opening_float),
                "expected_now": str(cashdesk_selectors.drawer_expected(session=session)),
                "expected_at_close": _plain(session.expected),
                "counted": _plain(session.counted),
                "difference": _plain(session.difference),
            }
        )
    return rows


def _latest_settlements() -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for hall in Hall.objects.order_by("code"):
        settlement = Settlement.objects.filter(hall=hall).order_by("-day").first()
        if settlement is None:
            continue
        summary = cashdesk_selectors.settlement_summary(hall=hall, day=settlement.day)
        latest[hall.code] = {
            "day": settlement.day.isoformat(),
            "status": settlement.status,
            "deposit_amount": _plain(settlement.deposit_amount),
            "payments_total": _plain((summary.get("payments") or {}).get("total")),
            "summary_sha256": hashlib.sha256(
                json.dumps(_plain(summary), sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest(),
        }
    return latest


def fingerprint() -> dict[str, Any]:
    """What the drill compares; read from the database the default connection points at."""
    result: dict[str, Any] = {
        "tables": _table_rows(),
        "receipts": _series(Receipt, ReceiptSequence),
        "invoices": _series(Invoice, InvoiceSequence),
        "drawers": _drawers(),
        "settlements": _latest_settlements(),
    }
    result["checksum"] = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()
    return result


def fingerprint_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What differs between two fingerprints, one line each (the first MAX_DIFFERENCES)."""
    lines: list[str] = []
    tables_before, tables_after = before["tables"], after["tables"]
    for label in sorted(set(tables_before) | set(tables_after)):
        one, two = tables_before.get(label), tables_after.get(label)
        if one == two:
            continue
        if one is None or two is None:
            lines.append(f"{label}: {'missing in the copy' if two is None else 'only in the copy'}")
        elif one["rows"] != two["rows"]:
            lines.append(f"{label}: {one['rows']} rows, {two['rows']} in the copy")
        else:
            lines.append(f"{label}: the same {one['rows']} rows, but their contents differ")
    for part in ("receipts", "invoices", "drawers", "settlements"):
        if before[part] != after[part]:
            lines.append(f"{part}: {json.dumps(before[part])} != {json.dumps(after[part])}"[:600])
    if before["checksum"] != after["checksum"] and not lines:
        lines.append("checksum differs")
    return lines[:MAX_DIFFERENCES]


def numbering_problems(print_: dict[str, Any]) -> list[str]:
    """Receipt or invoice series that are not gapless (1…n with the hall's counter at n)."""
    problems = []
    for part in ("receipts", "invoices"):
        for hall, series in print_[part].items():
            if not series["gapless"]:
                problems.append(
                    f"{part} of hall {hall} are not gapless: {series['count']} numbers, counter at "
                    f"{series['counter_last']}, missing {series['missing']}"
                )
    return problems


@dataclass
class DrillResult:
    vendor: str
    backup_path: str
    backup_bytes: int
    fingerprint_seconds: float
    copy_fingerprint_seconds: float
    backup_seconds: float
    restore_seconds: float
    total_seconds: float
    rows: int
    models: int
    checksum: str
    before: dict[str, Any] = field(repr=False)
    after: dict[str, Any] = field(repr=False)
    differences: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences and not self.problems

    def figures(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "backup_path": self.backup_path,
            "backup_bytes": self.backup_bytes,
            "fingerprint_seconds": round(self.fingerprint_seconds, 2),
            "copy_fingerprint_seconds": round(self.copy_fingerprint_seconds, 2),
            "backup_seconds": round(self.backup_seconds, 2),
            "restore_seconds": round(self.restore_seconds, 2),
            "total_seconds": round(self.total_seconds, 2),
            "rows": self.rows,
            "models": self.models,
            "receipts": {hall: s["count"] for hall, s in self.before["receipts"].items()},
            "invoices": {hall: s["count"] for hall, s in self.before["invoices"].items()},
            "drawers": len(self.before["drawers"]),
            "latest_settlements": {hall: s["day"] for hall, s in self.before["settlements"].items()},
            "checksum": self.checksum,
            "ok": self.ok,
            "differences": self.differences,
            "problems": self.problems,
        }


def _pg_execute(sql: str, *, using: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction: the maintenance database's autocommit cursor, as Django's
    # own test database creation uses.
    with connections[using]._nodb_cursor() as cursor:
        cursor.execute(sql)


@contextmanager
def fresh_database(*, using: str = DEFAULT_DB_ALIAS, workdir: Path, keep: bool = False) -> Iterator[str]:
    """A new empty database beside the configured one (PostgreSQL) or a new SQLite file; dropped afterwards."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        name = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"[:63]
        _pg_execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)", using=using)
        _pg_execute(f"CREATE DATABASE {quote(name)}", using=using)
        try:
            yield name
        finally:
            if not keep:
                _pg_execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)", using=using)
    elif connection.vendor == "sqlite":
        path = workdir / f"restored-{os.getpid()}.sqlite3"
        try:
            yield str(path)
        finally:
            if not keep:
                for leftover in workdir.glob(path.name + "*"):
                    leftover.unlink(missing_ok=True)
    else:
        raise NotImplementedError(connection.vendor)


def drill_run(
    *,
    using: str = DEFAULT_DB_ALIAS,
    backup_path: str | Path | None = None,
    keep: bool = False,
    tamper: Callable[[], None] | None = None,
) -> DrillResult:
    """Fingerprint, back up, restore into a fresh database, fingerprint the copy, compare.

    `backup_path`: where to write the backup (default: a temporary directory, removed afterwards unless `keep`).
    `tamper`: run against the restored copy before it is fingerprinted (the tests prove a changed copy is caught).
    """
    vendor = connections[using].vendor
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="servicehall-drill-"))
    try:
        before = fingerprint()
        fingerprint_seconds = time.monotonic() - started
        path = (
            Path(backup_path) if backup_path else workdir / ("backup.dump" if vendor != "sqlite" else "backup.sqlite3")
        )
        moment = time.monotonic()
        backup_to(path, using=using)
        backup_seconds = time.monotonic() - moment
        with (
            fresh_database(using=using, workdir=workdir, keep=keep) as name,
            database_name_switched(name, using=using),
        ):
            moment = time.monotonic()
            restore_from(path, using=using)
            restore_seconds = time.monotonic() - moment
            if tamper is not None:
                tamper()
            moment = time.monotonic()
            after = fingerprint()
            copy_fingerprint_seconds = time.monotonic() - moment
        result = DrillResult(
            vendor=vendor,
            backup_path=str(path) if backup_path else "(a temporary file, removed)",
            backup_bytes=path.stat().st_size,
            fingerprint_seconds=fingerprint_seconds,
            copy_fingerprint_seconds=copy_fingerprint_seconds,
            backup_seconds=backup_seconds,
            restore_seconds=restore_seconds,
            total_seconds=time.monotonic() - started,
            rows=sum(t["rows"] for t in before["tables"].values()),
            models=len(before["tables"]),
            checksum=before["checksum"],
            before=before,
            after=after,
            differences=fingerprint_differences(before, after),
            problems=numbering_problems(before) + [f"in the copy: {p}" for p in numbering_problems(after)],
        )
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return result
