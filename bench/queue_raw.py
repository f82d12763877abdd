"""The queue benchmark's baseline: the same transactions as raw SQL through psycopg 3.

No Django, no HTTP, no websocket: K kiosk tasks and C counter tasks on asyncio,
each with its own `psycopg.AsyncConnection` to the same schema as the app
(tables of `servicehall/queueing/models.py`), run the statements the services
run, in the same transactions:

- issue: bump the hall's daily sequence row (upsert), insert the ticket, insert
  its first interval; then count the tickets ahead (the kiosk shows it).
- call-next: lock the counter row, check it has no active ticket, pick the best
  waiting ticket with `SELECT … FOR UPDATE SKIP LOCKED … ORDER BY rank LIMIT 1`
  (same ordering expression as `services.callable_tickets`), compare-and-set
  `status`, close the open interval and open the next.
- start and finish: lock the ticket, compare-and-set, close/open the interval.

Run it alone (it prepares a fresh `servicehall_bench` database itself):

    .venv/bin/python bench/queue_raw.py [--duration 30] [--kiosks 16] [--counters 32]

or through `bench/queue.py` (default), which runs the app and this baseline and
prints the ratio app / raw. Prints tickets/s through the whole life, p50/p99 of
issue, call-next, start and finish, double calls and errors. Figures only: it
asserts nothing about time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder would come first on sys.path and `bench/queue.py`
# would hide the standard library's `queue`; import from the repository root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
import zoneinfo  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402

import psycopg  # noqa: E402

from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    Result,
    cpu_snapshot,
    cpu_used,
    db_conninfo,
    double_calls_in_database,
    prepare_database,
    print_result,
    require_local,
)

HALL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")

SQL_NEXT_SEQUENCE = """
    INSERT INTO queueing_dailysequence (hall_id, category_id, service_date, last)
    VALUES (%(hall)s, %(category)s, %(day)s, 1)
    ON CONFLICT (hall_id, category_id, service_date)
    DO UPDATE SET last = queueing_dailysequence.last + 1
    RETURNING last
"""
SQL_INSERT_TICKET = """
    INSERT INTO queueing_ticket (
        id, hall_id, category_id, service_date, sequence, number, channel, kind, status, rank,
        issued_at, queued_at, phone, call_count, script_step, outcome
    ) VALUES (
        %(id)s, %(hall)s, %(category)s, %(day)s, %(seq)s, %(number)s, 'kiosk', 'normal', 'waiting', %(rank)s,
        %(now)s, %(now)s, '', 0, 1, ''
    )
"""
SQL_OPEN_INTERVAL = """
    INSERT INTO queueing_ticketinterval (ticket_id, status, counter_id, actor_id, started_at, ended_at, note)
    VALUES (%(ticket)s, %(status)s, %(counter)s, %(actor)s, %(now)s, NULL, %(note)s)
"""
SQL_CLOSE_INTERVAL = """
    UPDATE queueing_ticketinterval SET ended_at = %(now)s WHERE ticket_id = %(ticket)s AND ended_at IS NULL
"""
SQL_AHEAD = """
    SELECT count(*) FROM queueing_ticket
    WHERE hall_id = %(hall)s AND category_id = %(category)s AND status = 'waiting'
      AND (rank < %(rank)s OR (rank = %(rank)s AND sequence < %(seq)s))
"""
SQL_LOCK_COUNTER = "SELECT status FROM org_counter WHERE id = %(counter)s FOR UPDATE"
SQL_COUNTER_BUSY = """
    SELECT number FROM queueing_ticket WHERE counter_id = %(counter)s AND status IN ('called', 'serving') LIMIT 1
"""
SQL_PICK_NEXT = """
    SELECT id, number, status FROM queueing_ticket
    WHERE hall_id = %(hall)s AND status = 'waiting'
      AND (target_counter_id = %(counter)s OR (target_counter_id IS NULL AND category_id = ANY(%(categories)s)))
    ORDER BY rank + CASE WHEN target_counter_id = %(counter)s THEN 0 WHEN category_id = %(category)s THEN 0 ELSE 0 END,
             issued_at, sequence
    LIMIT 1
    FOR UPDATE OF queueing_ticket SKIP LOCKED
"""
SQL_CALL = """
    UPDATE queueing_ticket
    SET status = 'called', counter_id = %(counter)s, staff_id = %(staff)s, call_count = 1, script_step = 1,
        target_counter_id = NULL
    WHERE id = %(ticket)s AND status = 'waiting'
"""
SQL_LOCK_TICKET = "SELECT status, counter_id FROM queueing_ticket WHERE id = %(ticket)s FOR UPDATE"
SQL_START = "UPDATE queueing_ticket SET status = 'serving', script_step = 2 WHERE id = %(ticket)s AND status = 'called'"
SQL_FINISH = """
    UPDATE queueing_ticket SET status = 'done', outcome = 'completed', closed_at = %(now)s, script_step = 8
    WHERE id = %(ticket)s AND status = 'serving'
"""


class Refused(Exception):
    """A move the rules refuse (the app would answer 409)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def issue(conn: psycopg.AsyncConnection, *, hall: int, category: int) -> tuple[str, str]:
    now = _now()
    day = now.astimezone(HALL_TZ).date()
    rank = int(now.timestamp())
    ticket = uuid.uuid4()
    async with conn.transaction():
        cur = await conn.execute(SQL_NEXT_SEQUENCE, {"hall": hall, "category": category, "day": day})
        row = await cur.fetchone()
        seq = int(row[0]) if row else 0
        number = f"A{seq:03d}"
        params = {"id": ticket, "hall": hall, "category": category, "day": day, "seq": seq}
        await conn.execute(SQL_INSERT_TICKET, {**params, "number": number, "rank": rank, "now": now})
        await conn.execute(
            SQL_OPEN_INTERVAL,
            {"ticket": ticket, "status": "waiting", "counter": None, "actor": None, "now": now, "note": "kiosk"},
        )
    await conn.execute(SQL_AHEAD, {"hall": hall, "category": category, "rank": rank, "seq": seq})
    return str(ticket), number


async def _move(conn: psycopg.AsyncConnection, sql: str, *, ticket: Any, status: str, counter: int, staff: int) -> None:
    now = _now()
    cur = await conn.execute(sql, {"ticket": ticket, "now": now, "counter": counter, "staff": staff})
    if cur.rowcount != 1:
        raise Refused(status)
    await conn.execute(SQL_CLOSE_INTERVAL, {"ticket": ticket, "now": now})
    await conn.execute(
        SQL_OPEN_INTERVAL,
        {"ticket": ticket, "status": status, "counter": counter, "actor": staff, "now": now, "note": ""},
    )


async def call_next(
    conn: psycopg.AsyncConnection, *, hall: int, category: int, counter: int, staff: int
) -> tuple[Any, str] | None:
    async with conn.transaction():
        cur = await conn.execute(SQL_LOCK_COUNTER, {"counter": counter})
        row = await cur.fetchone()
        if row is None or row[0] != "open":
            raise Refused("counter_not_open")
        cur = await conn.execute(SQL_COUNTER_BUSY, {"counter": counter})
        if await cur.fetchone() is not None:
            raise Refused("counter_busy")
        params = {"hall": hall, "counter": counter, "categories": [category], "category": category}
        for _attempt in range(5):
            cur = await conn.execute(SQL_PICK_NEXT, params)
            picked = await cur.fetchone()
            if picked is None:
                return None
            try:
                await _move(conn, SQL_CALL, ticket=picked[0], status="called", counter=counter, staff=staff)
            except Refused:
                continue
            return picked[0], picked[1]
    return None


async def _step(
    conn: psycopg.AsyncConnection, sql: str, *, ticket: Any, frm: str, to: str, counter: int, staff: int
) -> None:
    async with conn.transaction():
        cur = await conn.execute(SQL_LOCK_TICKET, {"ticket": ticket})
        row = await cur.fetchone()
        if row is None or row[0] != frm:
            raise Refused(to)
        await _move(conn, sql, ticket=ticket, status=to, counter=counter, staff=staff)


async def open_counters(conninfo: str, world: dict[str, Any]) -> None:
    """Counters open and taken by their clerks, as `POST …/open` leaves them (not timed)."""
    async with await psycopg.AsyncConnection.connect(conninfo) as conn:
        for row in world["counters"]:
            await conn.execute(
                "UPDATE org_counter SET status = 'open', staff_id = %s WHERE id = %s", (row["clerk_id"], row["id"])
            )
        await conn.commit()


async def run_raw(
    *, conninfo: str, world: dict[str, Any], duration: float, warmup: float, kiosks: int, think: float, poll: float
) -> Result:
    await open_counters(conninfo, world)
    hall, category = world["hall_id"], world["category_id"]
    counters = world["counters"]
    result = Result(name=f"raw SQL (psycopg, {kiosks} kiosks, {len(counters)} counters)", seconds=duration - warmup)
    max_loops = int(duration * 5000)
    received: dict[Any, set[int]] = defaultdict(set)
    clock = {"from": 0.0, "until": 0.0}

    async def kiosk(conn: psycopg.AsyncConnection) -> None:
        for _ in range(max_loops):
            started = time.perf_counter()
            if started >= clock["until"]:
                return
            try:
                await issue(conn, hall=hall, category=category)
            except psycopg.Error as exc:
                result.errors[f"issue {type(exc).__name__}"] += 1
                continue
            done = time.perf_counter()
            if started >= clock["from"]:
                result.issue.append(done - started)
                result.issued += 1
            if think:
                await asyncio.sleep(think)

    async def counter_task(conn: psycopg.AsyncConnection, row: dict[str, Any]) -> None:
        counter, staff = row["id"], row["clerk_id"]
        for _ in range(max_loops):
            started = time.perf_counter()
            if started >= clock["until"]:
                return
            try:
                picked = await call_next(conn, hall=hall, category=category, counter=counter, staff=staff)
            except (Refused, psycopg.Error) as exc:
                result.errors[f"call-next {type(exc).__name__} {exc}"[:80]] += 1
                await asyncio.sleep(poll)
                continue
            done = time.perf_counter()
            if started >= clock["from"]:
                result.call_next.append(done - started)
            if picked is None:
                if started >= clock["from"]:
                    result.call_next_empty += 1
                await asyncio.sleep(poll)
                continue
            ticket = picked[0]
            received[ticket].add(counter)
            try:
                t1 = time.perf_counter()
                await _step(conn, SQL_START, ticket=ticket, frm="called", to="serving", counter=counter, staff=staff)
                t2 = time.perf_counter()
                await _step(conn, SQL_FINISH, ticket=ticket, frm="serving", to="done", counter=counter, staff=staff)
                t3 = time.perf_counter()
            except (Refused, psycopg.Error) as exc:
                result.errors[f"start/finish {type(exc).__name__} {exc}"[:80]] += 1
                continue
            if t1 >= clock["from"]:
                result.start.append(t2 - t1)
                result.finish.append(t3 - t2)
            if clock["from"] <= t3 <= clock["until"]:
                result.finished += 1

    # One connection per kiosk and counter, opened before the clock starts and closed after the
    # CPU reading (a backend's CPU time vanishes from /proc when it exits).
    kiosk_conns = [await psycopg.AsyncConnection.connect(conninfo, autocommit=True) for _ in range(kiosks)]
    counter_conns = [await psycopg.AsyncConnection.connect(conninfo, autocommit=True) for _ in counters]
    try:
        before, cpu_from = cpu_snapshot(None), time.perf_counter()
        t0 = time.perf_counter()
        clock.update({"from": t0 + warmup, "until": t0 + duration})
        await asyncio.gather(
            *(kiosk(conn) for conn in kiosk_conns),
            *(counter_task(conn, row) for conn, row in zip(counter_conns, counters, strict=True)),
        )
        result.cpu = cpu_used(before, cpu_snapshot(None))
        result.cpu_seconds = time.perf_counter() - cpu_from
    finally:
        for conn in kiosk_conns + counter_conns:
            await conn.close()
    result.cpu.pop("app server", None)
    result.double_calls = sum(1 for seen in received.values() if len(seen) > 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Raw-SQL baseline of the queue benchmark (psycopg 3, no Django).")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--warmup", type=float, default=3.0, help="first seconds left out of the figures (default 3)")
    parser.add_argument("--kiosks", type=int, default=16)
    parser.add_argument("--counters", type=int, default=32)
    parser.add_argument("--think", type=float, default=0.01, help="kiosk pause between tickets, seconds")
    parser.add_argument("--poll", type=float, default=0.25, help="counter pause after an empty call-next, seconds")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    print("Preparing the raw baseline:", flush=True)
    world = prepare_database(args.database_url, args.counters)
    result = asyncio.run(
        run_raw(
            conninfo=db_conninfo(args.database_url),
            world=world,
            duration=args.duration,
            warmup=args.warmup,
            kiosks=args.kiosks,
            think=args.think,
            poll=args.poll,
        )
    )
    result.double_calls_db = double_calls_in_database(args.database_url)
    print_result(result)


if __name__ == "__main__":
    main()
