"""Where the time of one queue request goes: cProfile of issue, call-next, start and finish.

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/profile_request.py [--rounds 200] [--top 25]
        [--database-url postgres://postgres@127.0.0.1:5432/servicehall_bench]

It resets the benchmark database like `bench/queue.py` does, then, in this one
process and with no concurrency, sends `--rounds` rounds of issue → call-next →
start → finish through Django's test client (the whole middleware, DRF and
service stack; no HTTP server, no websocket listener, pushes go to the
in-memory channel layer). It prints, per request: mean wall and CPU time and
the number of SQL queries; then the `--top` functions by cumulative time of a
cProfile of all rounds. Figures only, never a test.

`PROFILE_SORT` orders the listing (default cumulative; e.g. tottime), `PROFILE_DUMP=<file>` also writes the
profile for pstats, and with `--show-sql` `SQL_WIDTH` sets how much of each statement is printed (240).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402

from bench.common import DEFAULT_DATABASE_URL, django_env, prepare_database, require_local  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="cProfile of the queue's API requests, one at a time.")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one round, then stop")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="DB_CONN_MAX_AGE (0, as the benchmark's server: a connection per request)",
    )
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    world = prepare_database(args.database_url, 1)
    os.environ.update(django_env(args.database_url, None, args.conn_max_age))

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    row = world["counters"][0]
    kiosk = Client()
    clerk = Client(headers={"authorization": f"Token {row['token']}"})
    counter = f"/api/v1/counters/{row['id']}"
    response = clerk.post(f"{counter}/open")
    if response.status_code != 200:
        raise SystemExit(f"open: {response.status_code} {response.content[:200]!r}")

    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)

    show_sql = [False]

    def timed(name: str, call: Any, expect: int) -> Any:
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full one miscounts
        with CaptureQueriesContext(connection) as captured:
            w, c = time.perf_counter(), time.process_time()
            response = call()
            wall[name].append(time.perf_counter() - w)
            cpu[name].append(time.process_time() - c)
        queries[name].append(len(captured.captured_queries))
        if show_sql[0]:
            print(f"\n{name}:")
            for query in captured.captured_queries:
                print(f"  {query['sql'][: int(os.environ.get('SQL_WIDTH', 240))]}")
        if response.status_code != expect:
            raise SystemExit(f"{name}: {response.status_code} {response.content[:300]!r}")
        return response

    def one_round() -> None:
        timed(
            "issue",
            lambda: kiosk.post(
                "/api/v1/halls/bench/tickets", {"category": "A", "channel": "kiosk"}, content_type="application/json"
            ),
            201,
        )
        ticket = timed("call-next", lambda: clerk.post(f"{counter}/call-next"), 200).json()
        timed("start", lambda: clerk.post(f"/api/v1/tickets/{ticket['id']}/start"), 200)
        timed(
            "finish",
            lambda: clerk.post(
                f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "completed"}, content_type="application/json"
            ),
            200,
        )
        timed("call-next (none)", lambda: clerk.post(f"{counter}/call-next"), 204)

    for _ in range(10):  # warm caches, imports and prepared plans
        one_round()
    if args.show_sql:
        show_sql[0] = True
        one_round()
        return
    wall.clear()
    cpu.clear()
    queries.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.rounds):
        one_round()
    profiler.disable()
    if os.environ.get("PROFILE_DUMP"):
        profiler.dump_stats(os.environ["PROFILE_DUMP"])

    print(f"\n{args.rounds} rounds, one request at a time (times include cProfile's own overhead):")
    print(f"  {'request':<18} {'wall ms':>8} {'CPU ms':>8} {'queries':>8}")
    for name in wall:
        mean_wall = sum(wall[name]) / len(wall[name]) * 1000
        mean_cpu = sum(cpu[name]) / len(cpu[name]) * 1000
        mean_queries = sum(queries[name]) / len(queries[name])
        print(f"  {name:<18} {mean_wall:8.2f} {mean_cpu:8.2f} {mean_queries:8.1f}")
    print()
    pstats.Stats(profiler).strip_dirs().sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)

    # The same without the profiler, for honest per-request times.
    wall.clear()
    cpu.clear()
    queries.clear()
    for _ in range(args.rounds):
        one_round()
    print("Without the profiler:")
    for name in wall:
        mean_wall = sum(wall[name]) / len(wall[name]) * 1000
        mean_cpu = sum(cpu[name]) / len(cpu[name]) * 1000
        print(f"  {name:<18} {mean_wall:8.2f} ms wall {mean_cpu:8.2f} ms CPU")


if __name__ == "__main__":
    main()
