"""The framework's floor: CPU per request of empty endpoints beside the queue's real ones.

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432):

    .venv/bin/python bench/floor.py [--requests 2000]

Through Django's test client in one process (the whole middleware stack, no
HTTP server), it times, per request:

- `django empty`: a plain Django view returning a short text, no database;
- `drf empty, token`: a DRF APIView with token authentication (one query)
  returning `{}`;
- the queue's issue, call-next, start and finish, as `profile_request.py` sends them.

The first two are what any endpoint of this stack costs before it does its
own work; they bound the requests per second that two cores can serve.
Figures only, never a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from bench.common import DEFAULT_DATABASE_URL, django_env, prepare_database, require_local  # noqa: E402


def _cpu_ms(call: Any, count: int) -> float:
    for _ in range(min(50, count)):  # warm up
        call()
    start = time.process_time()
    for _ in range(count):
        call()
    return (time.process_time() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per request: empty endpoints against the queue's.")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--http", action="store_true", help="also serve them with uvicorn and load them with wrk")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    world = prepare_database(args.database_url, 1)
    os.environ.update(django_env(args.database_url, None, 0))

    import django

    django.setup()
    from django.test import Client

    import bench.floor_asgi  # noqa: F401 - adds /floor/django and /floor/drf

    row = world["counters"][0]
    kiosk = Client()
    clerk = Client(headers={"authorization": f"Token {row['token']}"})
    counter = f"/api/v1/counters/{row['id']}"
    assert clerk.post(f"{counter}/open").status_code == 200

    def life() -> None:
        body = {"category": "A", "channel": "kiosk"}
        kiosk.post("/api/v1/halls/bench/tickets", body, content_type="application/json")
        ticket = clerk.post(f"{counter}/call-next").json()
        clerk.post(f"/api/v1/tickets/{ticket['id']}/start")
        clerk.post(f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "completed"}, content_type="application/json")

    n = args.requests
    django_empty = _cpu_ms(lambda: kiosk.get("/floor/django"), n)
    drf_empty = _cpu_ms(lambda: clerk.post("/floor/drf"), n)
    queue_life = _cpu_ms(life, max(1, n // 4)) / 4
    print(f"CPU per request, mean of {n} (ms):")
    print(f"  django empty          {django_empty:6.2f}")
    print(f"  drf empty, token      {drf_empty:6.2f}")
    print(f"  queue (issue, call-next, start, finish; mean) {queue_life:6.2f}")
    print("Requests per second two cores could serve if they did nothing else:")
    for name, ms in (("django empty", django_empty), ("drf empty", drf_empty), ("queue", queue_life)):
        print(f"  {name:<12} {2000 / ms:7.0f} req/s = {2000 / ms / 4:6.0f} tickets/s at 4 requests a ticket")
    if args.http:
        _http_floor(args, row["token"])


def _http_floor(args: Any, token: str) -> None:
    """Requests per second of the empty endpoints through uvicorn, loaded by wrk (Debian's package)."""
    import shutil
    import subprocess
    import tempfile

    from bench.common import ROOT, VENV_BIN

    if not shutil.which("wrk"):
        raise SystemExit("--http needs wrk (apt-get install wrk)")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [str(VENV_BIN / "uvicorn"), "bench.floor_asgi:application", "--port", "8190", "--workers", str(args.workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(4)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(f'wrk.method = "POST"\nwrk.headers["Authorization"] = "Token {token}"\n')
        print(f"Through uvicorn ({args.workers} workers), wrk with 32 connections for {args.seconds} s:")
        for name, extra in (("django empty", []), ("drf empty, token", ["-s", script.name])):
            url = "http://127.0.0.1:8190/floor/" + ("django" if not extra else "drf")
            out = subprocess.run(
                ["wrk", "-t", "1", "-c", "32", "-d", f"{args.seconds}s", *extra, url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            rate = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
            print(f"  {name:<18} {float(rate):7.0f} req/s = {float(rate) / 4:6.0f} tickets/s at 4 requests a ticket")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
