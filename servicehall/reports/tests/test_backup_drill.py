"""Issue 18, point 5: backups that restore (docs/backup.md).

Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://…); the checks of the file's format follow
the database. The tests commit (transaction=True): pg_dump and SQLite's backup read the database from another
connection. Two drills in all, so the file stays fast.
"""

from __future__ import annotations

import functools
import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from servicehall.billing.models import Receipt
from servicehall.core.backup import database_holds_data, database_name_switched
from servicehall.reports.backup_drill import (
    drill_run,
    fingerprint,
    fingerprint_differences,
    fresh_database,
    numbering_problems,
)
from servicehall.reports.management.commands import restore_drill
from testsupport.money_day import closed_money_day


@pytest.fixture
def money_day(transactional_db):
    return closed_money_day("bk")


def test_backup_then_restore_into_a_fresh_database_gives_an_equal_fingerprint_and_never_over_data(money_day, tmp_path):
    _world, settlement = money_day
    before = fingerprint()
    receipts, invoices = before["receipts"]["bk"], before["invoices"]["bk"]
    assert (receipts["count"], receipts["counter_last"], receipts["gapless"]) == (4, 4, True)
    assert (invoices["count"], invoices["counter_last"], invoices["gapless"]) == (1, 1, True)
    assert [d["status"] for d in before["drawers"]] == ["closed", "closed"]
    assert before["settlements"]["bk"]["day"] == settlement.day.isoformat()
    assert before["settlements"]["bk"]["status"] == "closed"
    backup = tmp_path / "hall.backup"
    out = io.StringIO()
    call_command("backup", "--to", str(backup), stdout=out)
    assert "Backed up to" in out.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["hall.backup"]
    if connection.vendor == "postgresql":
        assert backup.read_bytes()[:5] == b"PGDMP"
    else:
        with sqlite3.connect(backup) as copy:
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)

    # Over the database that holds the hall: refused, exit status 2, nothing changed.
    with pytest.raises(CommandError, match="holds data") as refused:
        call_command("restore", "--from", str(backup), stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert fingerprint()["checksum"] == before["checksum"]

    with fresh_database(workdir=tmp_path) as name, database_name_switched(name):
        assert not database_holds_data()
        call_command("restore", "--from", str(backup), stdout=io.StringIO())
        after = fingerprint()
    assert fingerprint_differences(before, after) == []
    assert after["checksum"] == before["checksum"]
    assert numbering_problems(after) == []


def test_backup_the_drill_reports_a_receipt_deleted_in_the_restored_copy_and_exits_1(money_day, monkeypatch):
    def delete_a_receipt() -> None:
        last = Receipt.objects.filter(hall__code="bk").order_by("-number").values_list("pk", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Receipt._meta.db_table} WHERE id = %s", [last])  # noqa: S608

    monkeypatch.setattr(restore_drill, "drill_run", functools.partial(drill_run, tamper=delete_a_receipt))
    out = io.StringIO()
    with pytest.raises(CommandError, match="differs") as failed:
        call_command("restore_drill", stdout=out)
    assert failed.value.returncode == 1
    text = out.getvalue()
    assert "backup time" in text and "restore time" in text and "'bk': 4" in text
    assert "DIFF  billing.Receipt: 4 rows, 3 in the copy" in text
    assert "DIFF  receipts:" in text
    assert "GAP   in the copy: receipts of hall bk are not gapless" in text


def test_backup_a_missing_backup_file_is_refused_with_exit_2(tmp_path):
    with pytest.raises(CommandError, match="No backup") as refused:
        call_command("restore", "--from", str(tmp_path / "nothing.backup"))
    assert refused.value.returncode == 2


def test_backup_a_file_that_is_no_backup_is_refused_with_exit_2_before_the_database_is_touched(tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")
    with pytest.raises(CommandError) as refused:
        call_command("restore", "--from", str(tmp_path / "notes.txt"))
    assert refused.value.returncode == 2
