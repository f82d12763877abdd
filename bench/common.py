"""Shared parts of the queue benchmarks: preparing the database, CPU readings, figures.

Nothing here is run on its own; `bench/queue.py` and `bench/queue_raw.py` use it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/servicehall_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_START = (
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no "
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def require_local(url: str, what: str) -> None:
    """The benchmark only ever talks to this machine."""
    host = urlsplit(url).hostname
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"{what} must point at 127.0.0.1 (got {url!r}); the benchmark targets this machine only.")


# --- database preparation --------------------------------------------------------------------


def _conninfo(url: str) -> str:
    """A libpq URL psycopg accepts (postgres:// and postgresql:// both work)."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def db_conninfo(url: str) -> str:
    return _conninfo(url)


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"Unusable database name in {url!r}.")
    return name


def reset_database(url: str) -> None:
    """Drop and create the benchmark database (connecting to the `postgres` maintenance database)."""
    import psycopg

    name = _database_name(url)
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    parts = urlsplit(_conninfo(url))
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_env(
    database_url: str, redis_url: str | None = None, conn_max_age: int = 0, log_level: str = "WARNING"
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="servicehall.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        DB_CONN_MAX_AGE=str(conn_max_age),
        LOG_LEVEL=log_level,
        # All simulated kiosks share 127.0.0.1, and 16 kiosks must out-issue 32 counters: keep the
        # per-address throttle's code (and its cache round trips) on the path, but never refusing.
        KIOSK_ISSUE_PER_MINUTE="100000000",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def prepare_database(url: str, counters: int) -> dict[str, Any]:
    """Fresh database, migrated, with the bench hall; returns the hall, its counters and tokens."""
    print(f"  resetting {_database_name(url)} …", flush=True)
    reset_database(url)
    env = django_env(url)
    python = str(VENV_BIN / "python")
    print("  migrating …", flush=True)
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [python, "-m", "bench.setup_hall", "--counters", str(counters)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def double_calls_in_database(url: str) -> int:
    """Tickets the database says were called at more than one counter (or called twice without a recall)."""
    import psycopg

    sql = """
        SELECT count(*) FROM (
            SELECT ticket_id FROM queueing_ticketinterval
            WHERE status = 'called' AND note <> 'recall'
            GROUP BY ticket_id HAVING count(*) > 1
        ) AS doubles
    """
    with psycopg.connect(_conninfo(url)) as conn:
        row = conn.execute(sql).fetchone()
    return int(row[0]) if row else 0


# --- CPU readings from /proc ----------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[str, int, float] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2 :].split()
    ppid = int(rest[1])
    cpu = (int(rest[11]) + int(rest[12])) / _TICK  # utime + stime
    if comm.startswith("postgres"):
        # + the CPU of exited children the postmaster has reaped: a backend per request lives briefly.
        cpu += (int(rest[13]) + int(rest[14])) / _TICK
    return comm, ppid, cpu


def _process_tree(root: int, procs: dict[int, tuple[str, int, float]]) -> set[int]:
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, (_comm, ppid, _cpu) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def cpu_snapshot(server_pid: int | None, groups: dict[str, int | None] | None = None) -> dict[str, float]:
    """CPU seconds used so far by: the app server tree, PostgreSQL, Redis, this load generator, and each of
    `groups` (a name and the root of a process tree: the websocket server, the board's listener)."""
    procs: dict[int, tuple[str, int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(int(entry))
            if stat:
                procs[int(entry)] = stat
    trees = {
        name: _process_tree(root, procs)
        for name, root in {"app server": server_pid, **(groups or {})}.items()
        if root is not None
    }
    totals = {"app server": 0.0, **dict.fromkeys(trees, 0.0), "postgres": 0.0, "redis": 0.0}
    for pid, (comm, _ppid, cpu) in procs.items():
        if owner := next((name for name, tree in trees.items() if pid in tree), None):
            totals[owner] += cpu
        elif comm.startswith("postgres"):
            totals["postgres"] += cpu
        elif comm.startswith("redis-server"):
            totals["redis"] += cpu
    times = os.times()
    totals["load generator"] = times.user + times.system
    totals["machine"] = _machine_busy_seconds()
    return totals


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, all processes)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / _TICK


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per group between two snapshots; `other` is everything else on the machine."""
    used = {key: max(0.0, after[key] - before.get(key, 0.0)) for key in after}
    machine = used.pop("machine", 0.0)
    used["other processes"] = max(0.0, machine - sum(used.values()))
    return used


# --- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.1f} ms"


@dataclass
class Result:
    """What one run measured; latencies in seconds, measured after the warm-up."""

    name: str
    seconds: float
    finished: int = 0
    issued: int = 0
    issue: list[float] = field(default_factory=list)
    call_next: list[float] = field(default_factory=list)
    call_next_empty: int = 0
    start: list[float] = field(default_factory=list)
    finish: list[float] = field(default_factory=list)
    push_from_sent: list[float] = field(default_factory=list)
    push_from_response: list[float] = field(default_factory=list)
    push_missing: int | None = None
    double_calls: int = 0
    double_calls_db: int | None = None
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # wall time the CPU figures cover (the whole load, warm-up included)
    notes: list[str] = field(default_factory=list)
    # (seconds since the measured window began, server memory MB, PostgreSQL connections), with --sample.
    samples: list[tuple[float, float | None, int | None]] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return self.finished / self.seconds if self.seconds else 0.0


def print_result(result: Result) -> None:
    r = result
    print(f"\n=== {r.name} ===")
    print(f"  measured window           {r.seconds:.1f} s")
    print(f"  tickets/s (whole life)    {r.throughput:.1f}  ({r.finished} finished, {r.issued} issued)")
    for label, values in (
        ("issue", r.issue),
        ("call-next", r.call_next),
        ("start", r.start),
        ("finish", r.finish),
    ):
        p50, p99 = ms(percentile(values, 50)), ms(percentile(values, 99))
        print(f"  {label:<10} p50 / p99      {p50} / {p99}  (n={len(values)})")
    print(f"  call-next answered 'none'  {r.call_next_empty}")
    if r.push_missing is None:
        print("  board push delay          n/a (no board in this mode)")
    else:
        print(
            f"  board push, sent_at->recv  p50 {ms(percentile(r.push_from_sent, 50))}"
            f"  p99 {ms(percentile(r.push_from_sent, 99))}  (n={len(r.push_from_sent)})"
        )
        print(
            f"  board push, counter's response->recv  p50 {ms(percentile(r.push_from_response, 50))}"
            f"  p99 {ms(percentile(r.push_from_response, 99))}  (negative: the board heard it first)"
        )
        print(f"  calls the board never got {r.push_missing}")
    db = "not checked" if r.double_calls_db is None else str(r.double_calls_db)
    print(f"  double calls              {r.double_calls} seen by counters, {db} in the database")
    errors = ", ".join(f"{key}: {count}" for key, count in sorted(r.errors.items())) or "none"
    print(f"  errors                    {errors}")
    if r.cpu:
        wall = r.cpu_seconds or r.seconds
        busy = ", ".join(f"{key} {value / wall * 100:.0f}%" for key, value in r.cpu.items())
        print(f"  CPU, % of one core        {busy}")
    if r.samples:
        print_samples(r.samples)
    for note in r.notes:
        print(f"  note: {note}")


def print_samples(samples: list[tuple[float, float | None, int | None]]) -> None:
    """The soak's resource readings: first, largest and last, and the growth over the second half."""
    memory = [(t, m) for t, m, _ in samples if m is not None]
    connections = [c for _, _, c in samples if c is not None]
    if memory:
        values = [m for _, m in memory]
        half = [m for t, m in memory if t >= memory[-1][0] / 2]
        print(
            f"  server memory (MB)        first {values[0]:.0f}, max {max(values):.0f}, last {values[-1]:.0f}; "
            f"second half {min(half):.0f}–{max(half):.0f} (n={len(values)})"
        )
    if connections:
        print(f"  PostgreSQL connections    first {connections[0]}, max {max(connections)}, last {connections[-1]}")


def server_rss_mb(server_pid: int | None) -> float | None:
    """Resident memory of the app server: its master and every worker (the server's process group)."""
    if server_pid is None:
        return None
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != server_pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def database_connections(url: str) -> int | None:
    """Connections to the benchmark's database now (a leak grows this under a steady load)."""
    if not url:
        return None
    import psycopg

    with psycopg.connect(_conninfo(url)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (_database_name(url),),
        ).fetchone()
    return int(row[0]) if row else None


def print_ratio(app: Result, raw: Result) -> None:
    def ratio(a: float | None, b: float | None) -> str:
        return "n/a" if not a or not b else f"{a / b:.2f}"

    print("\n=== app / raw ===")
    print(
        f"  throughput          {ratio(app.throughput, raw.throughput)}  ({app.throughput:.1f} / {raw.throughput:.1f})"
    )
    for pct in (50, 99):
        a, b = percentile(app.call_next, pct), percentile(raw.call_next, pct)
        print(f"  call-next p{pct:<3}      {ratio(a, b)}  ({ms(a)} / {ms(b)})")
    for pct in (50, 99):
        a, b = percentile(app.issue, pct), percentile(raw.issue, pct)
        print(f"  issue p{pct:<3}          {ratio(a, b)}  ({ms(a)} / {ms(b)})")


def print_targets(app: Result) -> None:
    """The targets of issue 2 (2 cores), side by side with what was measured; informative only."""
    call_p99 = percentile(app.call_next, 99)
    push_p99 = percentile(app.push_from_sent, 99)
    rows = [
        ("call-next p99 <= 100 ms", ms(call_p99), call_p99 is not None and call_p99 <= 0.100),
        ("board push p99 <= 250 ms", ms(push_p99), push_p99 is not None and push_p99 <= 0.250),
        (">= 150 tickets/s", f"{app.throughput:.1f}/s", app.throughput >= 150),
        ("double calls = 0", str(app.double_calls), app.double_calls == 0 and not app.double_calls_db),
    ]
    print("\n=== targets (2 cores) ===")
    for label, measured, met in rows:
        print(f"  {label:<26} {measured:>12}   {'met' if met else 'MISSED'}")


def now_wall() -> float:
    return time.time()


def stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
