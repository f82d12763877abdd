"""Queue benchmark: many kiosks and counters against a running server on PostgreSQL.

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432 with trust
auth, Redis on 127.0.0.1:6379):

    .venv/bin/python bench/queue.py [--duration 30] [--kiosks 16] [--counters 32] [--workers 2]
        [--database-url postgres://postgres@127.0.0.1:5432/servicehall_bench]
        [--redis-url redis://127.0.0.1:6379/0] [--url http://127.0.0.1:8100] [--mode both|app|raw]

What it does, by default (`--mode both`):

1. drops and creates the database `servicehall_bench`, migrates it and creates
   hall `bench` with category A (no cap, no issuing hours), N counters serving
   A and N clerks with API tokens (`bench/setup_hall.py`);
2. starts `uvicorn servicehall.asgi:application --workers W` with
   `DATABASE_URL`, `REDIS_URL` (pushes cross workers through Redis), `DEBUG=0`,
   `DB_CONN_MAX_AGE` (`--conn-max-age`, default 0: Django's advice under ASGI),
   and waits until it answers;
3. for `--duration` seconds: K kiosk tasks take numbers
   (`POST /api/v1/halls/bench/tickets`), C counter tasks open their counter and
   loop call-next → start → finish (after a 204: pausing `--poll`, or with
   `--idle wait` waiting until a ticket is issued, one idle counter per ticket), and a board
   process (`bench/board.py`) listens on `ws/halls/bench/`;
4. stops the server, checks the database for tickets called twice, then runs
   the same load as raw SQL through psycopg (`bench/queue_raw.py`) on a fresh
   database.

It prints, per run: tickets/s through the whole life (tickets finished in the
measured window ÷ its length), p50/p99 of issue, call-next (200 and 204),
start and finish, the board's push delay p50/p99 (receive time − the server's
`sent_at`, and receive time − the moment the counter got its call-next
response), double calls (tickets received by more than one counter; must be
0), errors by status code and the CPU used by server, PostgreSQL, Redis and
this load generator. Then the ratio app / raw and the targets of issue 2.
The first `--warmup` seconds are left out of every figure. These are
measurements, never tests: nothing here asserts a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder would come first on sys.path and this very file
# would hide the standard library's `queue` (asyncio imports it); import from
# the repository root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import httpx  # noqa: E402

from bench.common import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    REDIS_START,
    ROOT,
    VENV_BIN,
    Result,
    cpu_snapshot,
    cpu_used,
    database_connections,
    db_conninfo,
    django_env,
    double_calls_in_database,
    percentile,
    prepare_database,
    print_ratio,
    print_result,
    print_targets,
    require_local,
    server_rss_mb,
)
from bench.queue_raw import run_raw  # noqa: E402

# `--idle wait`: the longest a counter that found nobody waits before calling again without a new ticket.
IDLE_FALLBACK = 5.0

# --- the app server --------------------------------------------------------------------------


def redis_is_up(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def forget_old_listeners(url: str, hall: str) -> None:
    """Drop the hall's group in Redis: boards of earlier runs whose server was stopped stay members for a day,
    and their full channels would count as dropped pushes (and cost a Redis write per push)."""
    import redis

    redis.Redis.from_url(url, socket_timeout=2).delete(f"asgi:group:hall.{hall}")


def start_server(
    *, url: str, workers: int, database_url: str, redis_url: str, conn_max_age: int, log: Path
) -> subprocess.Popen[bytes]:
    parts = urlsplit(url)
    try:
        httpx.get(url, timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise SystemExit(f"Something already answers on {url}; stop it or pick another --url.")
    command = [
        str(VENV_BIN / "uvicorn"),
        "servicehall.asgi:application",
        "--host",
        parts.hostname or "127.0.0.1",
        "--port",
        str(parts.port or 80),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    print(f"  starting {' '.join(command[1:])} (log: {log}) …", flush=True)
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            # INFO so that channels_redis says when a listener's channel is full and pushes are dropped.
            env=django_env(database_url, redis_url, conn_max_age, log_level="INFO"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(url: str, server: subprocess.Popen[bytes] | None, hall: str, workers: int) -> None:
    """Until the queue endpoint answers 200 several times in a row (every worker has booted)."""
    deadline = time.monotonic() + 60
    in_a_row = 0
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"The server exited with {server.returncode}; see its log.")
        try:
            ok = httpx.get(f"{url}/api/v1/halls/{hall}/queue", timeout=5).status_code == 200
        except httpx.TransportError:
            ok = False
        in_a_row = in_a_row + 1 if ok else 0
        if in_a_row >= 4 * workers:
            return
        time.sleep(0.05 if ok else 0.25)
    raise SystemExit(f"{url} did not answer within 60 s.")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server this script started (its own process group only)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def start_floor_server(*, url: str, workers: int, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """uvicorn serving the project plus bench/floor_asgi.py's empty endpoints, with the app run's settings."""
    parts = urlsplit(url)
    command = [
        str(VENV_BIN / "uvicorn"),
        "bench.floor_asgi:application",
        "--host",
        parts.hostname or "127.0.0.1",
        "--port",
        str(parts.port or 80),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    print(f"  starting the floor's server {' '.join(command[1:])} …", flush=True)
    env = dict(django_env(database_url, None, 0), PYTHONPATH=str(ROOT))
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


async def run_floor(*, url: str, token: str, clients: int, seconds: float) -> float:
    """Requests per second of the empty DRF endpoint (token auth, `{}`), loaded like the app: `clients` closed
    loops of one connection each, from this same Python load generator."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    headers = {"authorization": f"Token {token}"}
    done = [0]
    until = time.perf_counter() + seconds
    warm_until = time.perf_counter() + min(2.0, seconds / 4)

    async def loop() -> None:
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0, headers=headers) as client:
            while (now := time.perf_counter()) < until:
                try:
                    response = await client.post("/floor/drf")
                except httpx.HTTPError:
                    continue
                if response.status_code == 200 and now >= warm_until:
                    done[0] += 1

    await asyncio.gather(*(loop() for _ in range(clients)))
    return done[0] / (seconds - min(2.0, seconds / 4))


def measure_floor(args: Any, url: str, world: dict[str, Any]) -> float | None:
    """The DRF floor in the same run: same workers, same database, same kind of load generator."""
    log = Path(tempfile.gettempdir()) / "servicehall-bench-floor.log"
    server = start_floor_server(url=url, workers=args.workers, database_url=args.database_url, log=log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.post(f"{url}/floor/drf", timeout=5).status_code in (401, 403):
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                print("  the floor's server exited; no floor figure")
                return None
            time.sleep(0.25)
        time.sleep(1.0)
        print(f"  floor: empty DRF endpoint for {args.floor_seconds:g} s …", flush=True)
        rate = asyncio.run(
            run_floor(
                url=url,
                token=world["counters"][0]["token"],
                clients=args.kiosks + args.counters,
                seconds=args.floor_seconds,
            )
        )
    finally:
        stop_server(server)
    return rate


def print_floor(app: Result | None, floor_rps: float | None) -> None:
    if floor_rps is None:
        return
    print("\n=== the DRF floor (same run) ===")
    print(f"  empty DRF endpoint, token auth   {floor_rps:.0f} req/s = {floor_rps / 4:.1f} tickets/s at 4 requests")
    if app is not None and floor_rps:
        share = app.throughput / (floor_rps / 4)
        verdict = "met" if share >= 0.5 else "MISSED"
        print(f"  app / floor                      {share:.2f}  ({app.throughput:.1f} / {floor_rps / 4:.1f})")
        print(f"  target: app >= 50 % of the floor  {verdict}")


# --- the load ----------------------------------------------------------------------------------


async def start_board(url: str, hall: str, until: float) -> asyncio.subprocess.Process:
    parts = urlsplit(url)
    ws_url = f"ws://{parts.netloc}/ws/halls/{hall}/"
    board = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "python"),
        "-m",
        "bench.board",
        "--url",
        ws_url,
        "--origin",
        f"{parts.scheme}://{parts.netloc}",
        "--until",
        str(until),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert board.stdout is not None
    line = await asyncio.wait_for(board.stdout.readline(), timeout=20)
    if line.strip() != b"ready":
        raise SystemExit(f"The board could not listen: {line.decode(errors='replace').strip()}")
    return board


async def run_app(
    *,
    url: str,
    world: dict[str, Any],
    duration: float,
    warmup: float,
    kiosks: int,
    think: float,
    poll: float,
    server_pid: int | None,
    ws_server_pid: int | None,
    board_url: str | None = None,
    rate: float = 0.0,
    sample_every: float = 0.0,
    database_url: str = "",
    idle: str = "poll",
) -> Result:
    hall = world["hall"]
    counters = world["counters"]
    result = Result(name=f"app over HTTP ({kiosks} kiosks, {len(counters)} counters)", seconds=duration - warmup)
    max_loops = int(duration * 5000)
    received: dict[str, set[int]] = defaultdict(set)  # ticket id -> counters that got it
    response_at: dict[str, float] = {}  # ticket number -> wall time the counter had the call-next answer
    clock = {"from": 0.0, "until": 0.0}
    loop_lag: list[float] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    timeout = httpx.Timeout(30.0)

    def failed(op: str, exc: Exception) -> None:
        result.errors[f"{op} {type(exc).__name__}"] += 1

    # `--idle wait`: a counter that found nobody waiting calls again when a ticket is issued (one idle counter
    # per ticket, as a clerk whose workbench shows the new ticket would), at the latest after IDLE_FALLBACK s;
    # `poll`: it calls again after `poll` seconds.
    issued_signal = asyncio.Semaphore(0)

    async def wait_idle() -> None:
        if idle == "wait":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(issued_signal.acquire(), timeout=IDLE_FALLBACK)
        else:
            await asyncio.sleep(poll)

    async def kiosk() -> None:
        body = {"category": world["category"], "channel": "kiosk"}
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
            for _ in range(max_loops):
                started = time.perf_counter()
                if started >= clock["until"]:
                    return
                try:
                    response = await client.post(f"/api/v1/halls/{hall}/tickets", json=body)
                except httpx.HTTPError as exc:
                    failed("issue", exc)
                    await asyncio.sleep(poll)
                    continue
                done = time.perf_counter()
                if response.status_code != 201:
                    result.errors[f"issue {response.status_code}"] += 1
                    await asyncio.sleep(poll)
                    continue
                issued_signal.release()
                if started >= clock["from"]:
                    result.issue.append(done - started)
                    result.issued += 1
                if think:
                    await asyncio.sleep(think)

    async def counter_task(row: dict[str, Any], client: httpx.AsyncClient) -> None:
        base = f"/api/v1/counters/{row['id']}"
        for _ in range(max_loops):
            started = time.perf_counter()
            if started >= clock["until"]:
                return
            try:
                response = await client.post(f"{base}/call-next")
            except httpx.HTTPError as exc:
                failed("call-next", exc)
                await asyncio.sleep(poll)
                continue
            done, done_wall = time.perf_counter(), time.time()
            if response.status_code not in (200, 204):
                result.errors[f"call-next {response.status_code}"] += 1
                await asyncio.sleep(poll)
                continue
            if started >= clock["from"]:
                result.call_next.append(done - started)
            if response.status_code == 204:
                if started >= clock["from"]:
                    result.call_next_empty += 1
                await wait_idle()
                continue
            ticket = response.json()
            received[ticket["id"]].add(row["number"])
            response_at[ticket["number"]] = done_wall
            try:
                t1 = time.perf_counter()
                started_ticket = await client.post(f"/api/v1/tickets/{ticket['id']}/start")
                t2 = time.perf_counter()
                finished = await client.post(f"/api/v1/tickets/{ticket['id']}/finish", json={"outcome": "completed"})
                t3 = time.perf_counter()
            except httpx.HTTPError as exc:
                failed("start/finish", exc)
                continue
            if started_ticket.status_code != 200:
                result.errors[f"start {started_ticket.status_code}"] += 1
            if finished.status_code != 200:
                result.errors[f"finish {finished.status_code}"] += 1
                continue
            if t1 >= clock["from"]:
                result.start.append(t2 - t1)
                result.finish.append(t3 - t2)
            if clock["from"] <= t3 <= clock["until"]:
                result.finished += 1

    async def arrivals() -> None:
        """Open loop (`--rate`): tickets arrive at `rate` per second (Poisson, seeded) whatever the answers
        take, through up to `kiosks` connections; an arrival finding them all busy waits for one."""
        rng = random.Random(17)  # arrival times, not secrets
        body = {"category": world["category"], "channel": "kiosk"}
        slots = asyncio.Semaphore(kiosks)
        pending: set[asyncio.Task[None]] = set()

        async def one(client: httpx.AsyncClient, due: float) -> None:
            try:
                response = await client.post(f"/api/v1/halls/{hall}/tickets", json=body)
            except httpx.HTTPError as exc:
                failed("issue", exc)
                return
            finally:
                slots.release()
            done = time.perf_counter()
            if response.status_code != 201:
                result.errors[f"issue {response.status_code}"] += 1
                return
            issued_signal.release()
            if due >= clock["from"]:
                result.issue.append(done - due)  # from the arrival: time waiting for a free kiosk included
                result.issued += 1

        wide = httpx.Limits(max_connections=kiosks, max_keepalive_connections=kiosks)
        async with httpx.AsyncClient(base_url=url, limits=wide, timeout=timeout) as client:
            due = time.perf_counter()
            for _ in range(max_loops):
                due += rng.expovariate(rate)
                if due >= clock["until"]:
                    break
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await slots.acquire()
                task = asyncio.create_task(one(client, due))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.gather(*pending)

    async def sample_resources() -> None:
        """Every `sample_every` s: the app server's memory (all its processes) and PostgreSQL connections."""
        for _ in range(max_loops):
            if time.perf_counter() >= clock["until"]:
                return
            result.samples.append(
                (time.perf_counter() - clock["from"], server_rss_mb(server_pid), database_connections(database_url))
            )
            await asyncio.sleep(sample_every)

    async def watch_loop() -> None:
        """How late this process's event loop wakes up: a busy load generator inflates every latency."""
        for _ in range(max_loops):
            before = time.perf_counter()
            if before >= clock["until"]:
                return
            await asyncio.sleep(0.01)
            loop_lag.append(time.perf_counter() - before - 0.01)

    # Clerks open their counters first (not timed): opening takes the counter for the caller.
    clients = [
        httpx.AsyncClient(
            base_url=url, limits=limits, timeout=timeout, headers={"Authorization": f"Token {row['token']}"}
        )
        for row in counters
    ]
    try:
        for row, client in zip(counters, clients, strict=True):
            response = await client.post(f"/api/v1/counters/{row['id']}/open")
            if response.status_code != 200:
                raise SystemExit(f"Could not open counter {row['number']}: {response.status_code} {response.text}")
        board = await start_board(board_url or url, hall, until=time.time() + 60 + duration)
        groups = {"websocket server": ws_server_pid, "board listener": board.pid}
        before, cpu_from = cpu_snapshot(server_pid, groups), time.perf_counter()
        t0 = time.perf_counter()
        clock.update({"from": t0 + warmup, "until": t0 + duration})
        measure_from_wall = time.time() + warmup
        sources = [arrivals()] if rate > 0 else [kiosk() for _ in range(kiosks)]
        extra = [sample_resources()] if sample_every > 0 else []
        await asyncio.gather(
            *sources,
            *(counter_task(row, client) for row, client in zip(counters, clients, strict=True)),
            watch_loop(),
            *extra,
        )
        result.cpu = cpu_used(before, cpu_snapshot(server_pid, groups))
        result.cpu_seconds = time.perf_counter() - cpu_from
    finally:
        for client in clients:
            await client.aclose()

    await asyncio.sleep(2)  # the last pushes are still on their way
    if board.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it may have just finished by itself
            board.terminate()
    out, _ = await asyncio.wait_for(board.communicate(), timeout=30)
    heard = json.loads(out.decode().strip().splitlines()[-1])
    if isinstance(heard, dict):
        result.notes.append(f"board failed: {heard.get('error')}")
        heard = []
    heard_numbers = set()
    for number, _counter, sent_at, received_at in heard:
        heard_numbers.add(number)
        if sent_at is None or sent_at < measure_from_wall:
            continue
        result.push_from_sent.append(received_at - sent_at)
        if number in response_at:
            result.push_from_response.append(received_at - response_at[number])
    result.push_missing = sum(1 for number in response_at if number not in heard_numbers)
    result.double_calls = sum(1 for seen in received.values() if len(seen) > 1)
    lag = percentile(loop_lag, 99)
    if lag is not None:
        result.notes.append(f"load generator's event-loop lag p99 {lag * 1000:.1f} ms (adds to every latency above)")
    return result


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Queue benchmark: kiosks and counters against the app, then the same transactions as raw SQL."
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per run (default 30)")
    parser.add_argument("--warmup", type=float, default=3.0, help="first seconds left out of the figures (default 3)")
    parser.add_argument("--kiosks", type=int, default=16, help="concurrent kiosks (default 16)")
    parser.add_argument("--counters", type=int, default=32, help="counters calling at once (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    parser.add_argument(
        "--ws-workers",
        type=int,
        default=1,
        help="uvicorn workers of a second server, on the next port, that only carries the board's websocket "
        "(as a proxy routing /ws/ would); 0 puts the board on the HTTP workers (default 1)",
    )
    parser.add_argument("--think", type=float, default=0.01, help="kiosk pause between tickets, seconds (0.01)")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="open loop: tickets arrive at this many per second (Poisson) instead of kiosks taking them as fast "
        "as they can; run once without it to find the saturation rate, then at half of it (issue 17)",
    )
    parser.add_argument(
        "--sample",
        type=float,
        default=0.0,
        help="every this many seconds, record the server's memory and PostgreSQL's connections (the soak, "
        "issue 18); 0: not sampled",
    )
    parser.add_argument("--poll", type=float, default=0.25, help="counter pause after a 204, seconds (0.25)")
    parser.add_argument(
        "--idle",
        choices=["poll", "wait"],
        default="poll",
        help="what a counter does after a 204: poll (call again after --poll seconds) or wait (call again when "
        f"a ticket is issued, one idle counter per ticket, as a clerk told by the workbench; at the latest after "
        f"{IDLE_FALLBACK:g} s)",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--url", default="http://127.0.0.1:8100", help="where the app server listens")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="the server's DB_CONN_MAX_AGE (default 0: under ASGI every request runs in a thread of its own, so "
        "persistent connections pile up until PostgreSQL refuses more; see docs/performance.md)",
    )
    parser.add_argument(
        "--mode",
        choices=["both", "app", "raw"],
        default="both",
        help="app over HTTP, raw SQL, or both with the ratio (default both)",
    )
    parser.add_argument(
        "--floor-seconds",
        type=float,
        default=15.0,
        help="after the app run, load the empty DRF endpoint (bench/floor_asgi.py) through the same kind of "
        "server for this long, and print the app's throughput as a share of it (issue 17); 0: skip",
    )
    parser.add_argument(
        "--external-server",
        action="store_true",
        help="do not start uvicorn: a server already serving --url on --database-url is used",
    )
    args = parser.parse_args()
    if args.duration <= args.warmup:
        parser.error("--duration must be longer than --warmup")
    require_local(args.database_url, "--database-url")
    require_local(args.redis_url, "--redis-url")
    require_local(args.url, "--url")
    url = args.url.rstrip("/")

    print(
        f"servicehall queue benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.machine()}, "
        f"load average {os.getloadavg()[0]:.2f} before the run"
    )
    print(
        f"  duration {args.duration:g} s (warm-up {args.warmup:g} s), {args.kiosks} kiosks, "
        f"{args.counters} counters, {args.workers} workers, think {args.think:g} s, "
        f"idle {'wait' if args.idle == 'wait' else f'poll {args.poll:g} s'}, DB_CONN_MAX_AGE={args.conn_max_age}"
    )
    app = raw = None
    floor_rps: float | None = None
    if args.mode in ("both", "app"):
        if not redis_is_up(args.redis_url):
            raise SystemExit(f"Redis does not answer at {args.redis_url}. Start it with:\n  {REDIS_START}")
        print("App run:", flush=True)
        world = prepare_database(args.database_url, args.counters)
        forget_old_listeners(args.redis_url, world["hall"])
        server = ws_server = None
        board_url = None
        log = Path(tempfile.gettempdir()) / "servicehall-bench-uvicorn.log"
        if not args.external_server:
            server = start_server(
                url=url,
                workers=args.workers,
                database_url=args.database_url,
                redis_url=args.redis_url,
                conn_max_age=args.conn_max_age,
                log=log,
            )
            if args.ws_workers > 0:
                parts = urlsplit(url)
                board_url = f"{parts.scheme}://{parts.hostname}:{(parts.port or 80) + 1}"
                ws_server = start_server(
                    url=board_url,
                    workers=args.ws_workers,
                    database_url=args.database_url,
                    redis_url=args.redis_url,
                    conn_max_age=args.conn_max_age,
                    log=log.with_name("servicehall-bench-uvicorn-ws.log"),
                )
        try:
            wait_until_ready(url, server, world["hall"], args.workers)
            if ws_server is not None and board_url is not None:
                wait_until_ready(board_url, ws_server, world["hall"], args.ws_workers)
            print(f"  load for {args.duration:g} s …", flush=True)
            app = asyncio.run(
                run_app(
                    url=url,
                    world=world,
                    duration=args.duration,
                    warmup=args.warmup,
                    kiosks=args.kiosks,
                    think=args.think,
                    poll=args.poll,
                    server_pid=server.pid if server else None,
                    ws_server_pid=ws_server.pid if ws_server else None,
                    board_url=board_url,
                    rate=args.rate,
                    sample_every=args.sample,
                    database_url=args.database_url,
                    idle=args.idle,
                )
            )
        finally:
            for started in (server, ws_server):
                if started is not None:
                    stop_server(started)
        app.double_calls_db = double_calls_in_database(args.database_url)
        if not args.external_server and log.exists():
            text = log.read_text(errors="replace")
            full = text.count("over capacity in group")
            errors = text.count("Internal Server Error")
            app.notes.append(f"server log: {full} 'channels over capacity' (pushes dropped), {errors} server errors")
        print_result(app)
        if args.floor_seconds > 0 and not args.external_server:
            floor_rps = measure_floor(args, url, world)
    if args.mode in ("both", "raw"):
        print("\nRaw SQL run:", flush=True)
        world = prepare_database(args.database_url, args.counters)
        print(f"  load for {args.duration:g} s …", flush=True)
        raw = asyncio.run(
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
        raw.double_calls_db = double_calls_in_database(args.database_url)
        print_result(raw)
    if app and raw:
        print_ratio(app, raw)
    if app:
        print_targets(app)
    print_floor(app, floor_rps)


if __name__ == "__main__":
    main()
