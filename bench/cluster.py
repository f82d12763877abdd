"""The cluster drill: servicehall on several nodes behind nginx, one node killed under load.

How to run (from the repository root; PostgreSQL on 127.0.0.1:5432, Redis on 127.0.0.1:6379,
nginx from Debian's package: `make cluster-deps`):

    .venv/bin/python bench/cluster.py [--seconds 40] [--counters 8] [--kiosks 4]

What it does, every part a process of its own on this machine:

1. a fresh database with the benchmark hall (`bench.setup_hall`), one PostgreSQL, one Redis;
2. two HTTP nodes (`uvicorn`, 2 workers each) and one websocket node, started as the units in
   `deploy/systemd/` start them (`--proxy-headers`, `TRUSTED_PROXIES` = the proxy);
3. nginx with `deploy/nginx/servicehall.conf` itself: only the upstream addresses, the ports,
   the static path and a throw-away self-signed certificate are put in for the drill;
4. proof of the shared state: a ticket issued through node A is called through node B, and the
   board connected through nginx to the websocket node hears the call;
5. load through nginx over HTTPS (kiosks issuing, counters calling, starting and finishing), and
   halfway through node A is killed (SIGKILL, as a crash): nginx routes around it. A counter
   whose call-next got no answer asks again, as the workbench does, and the app answers with the
   ticket it had already called (409 `already_calling`), so no call is lost;
6. the counters empty the queue, then the database and the board are checked.

It prints the figures and exits 1 on a doubled call, a lost call (a ticket left called or
serving, or never called), or a call the board did not hear; 2 when it cannot run here.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import ssl  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

from bench.common import (  # noqa: E402
    DEFAULT_REDIS_URL,
    ROOT,
    VENV_BIN,
    db_conninfo,
    django_env,
    double_calls_in_database,
    percentile,
    prepare_database,
    require_local,
)

SITE = ROOT / "deploy" / "nginx" / "servicehall.conf"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/servicehall_bench_cluster"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)
    if found is None:
        print("nginx is not installed: run `make cluster-deps` (Debian's nginx package).", file=sys.stderr)
        raise SystemExit(2)
    return found


def site_for_drill(*, https_port: int, http_port: int, static_root: Path, cert: Path, key: Path) -> str:
    """deploy/nginx/servicehall.conf as shipped, with only the machine-specific parts put in."""
    text = SITE.read_text()
    replacements = {
        "include /etc/nginx/servicehall-upstreams.conf;": "include upstreams.conf;",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/servicehall/fullchain.pem": str(cert),
        "/etc/ssl/servicehall/privkey.pem": str(key),
        "/srv/servicehall/var/static/": f"{static_root}/",
    }
    for old, new in replacements.items():
        if old not in text:
            raise SystemExit(f"deploy/nginx/servicehall.conf no longer contains {old!r}; update bench/cluster.py.")
        text = text.replace(old, new)
    return text


def nginx_config(folder: Path, *, http_nodes: list[int], ws_node: int, https_port: int, http_port: int) -> Path:
    """A main nginx.conf in `folder` (its own pid, logs and temp files) that includes the site."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    upstreams = "upstream servicehall_http {\n"
    upstreams += "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in http_nodes)
    upstreams += "    keepalive 32;\n}\n"
    upstreams += f"upstream servicehall_ws {{\n    server 127.0.0.1:{ws_node};\n}}\n"
    (folder / "upstreams.conf").write_text(upstreams)
    static_root = Path(os.environ.get("STATIC_ROOT", ROOT / "var" / "static"))
    site = site_for_drill(https_port=https_port, http_port=http_port, static_root=static_root, cert=cert, key=key)
    (folder / "site.conf").write_text(site)
    main = f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Node:
    """One uvicorn node, started like deploy/systemd/servicehall-http@.service starts it."""

    def __init__(self, name: str, port: int, workers: int, env: dict[str, str], log: Path) -> None:
        self.name, self.port, self.log = name, port, log
        command = [
            str(VENV_BIN / "uvicorn"),
            "servicehall.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--proxy-headers",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, hall: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                if httpx.get(f"{self.url}/api/v1/halls/{hall}/queue", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within 90 s; see {self.log}")

    def kill(self) -> None:
        """A crash: the whole node (master and workers) at once, no graceful shutdown."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the drill's own throw-away certificate
    return context


class Board:
    """The hall's display board, connected through nginx to the websocket node."""

    def __init__(self) -> None:
        self.heard: list[str] = []
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()

    async def listen(self, url: str, origin: str) -> None:
        from websockets.asyncio.client import connect

        async with connect(url, origin=origin, ssl=tls_context(), open_timeout=15, ping_interval=None) as ws:  # type: ignore[arg-type]
            hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
            if hello.get("type") != "hello":
                raise SystemExit(f"The board got {hello} instead of its hello.")
            self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                message = json.loads(raw)
                if message.get("type") == "call":
                    self.heard.append(str(message.get("number")))

    async def heard_soon(self, number: str, seconds: float = 15) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if number in self.heard:
                return True
            await asyncio.sleep(0.05)
        return False


class Load:
    """Kiosks and counters over HTTPS through nginx; every answer counted by status."""

    def __init__(self, base: str, world: dict[str, Any]) -> None:
        self.base, self.world = base, world
        self.statuses: Counter[str] = Counter()
        self.issued = 0
        self.calls: list[str] = []
        self.call_ms: list[float] = []
        self.recovered = 0
        self.issuing = True
        self.serving = True

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base, verify=False, timeout=30, headers=headers)  # noqa: S501

    async def kiosk(self, pause: float) -> None:
        body = {"category": self.world["category"], "channel": "kiosk"}
        async with self.client() as client:
            while self.issuing:
                try:
                    response = await client.post(f"/api/v1/halls/{self.world['hall']}/tickets", json=body)
                except httpx.HTTPError as exc:
                    self.statuses[f"issue {type(exc).__name__}"] += 1
                else:
                    self.statuses[f"issue {response.status_code}"] += 1
                    self.issued += response.status_code == 201
                await asyncio.sleep(pause)

    async def _post(self, client: httpx.AsyncClient, op: str, path: str, body: Any = None) -> httpx.Response | None:
        try:
            response = await client.post(path, json=body)
        except httpx.HTTPError as exc:
            self.statuses[f"{op} {type(exc).__name__}"] += 1
            return None
        self.statuses[f"{op} {response.status_code}"] += 1
        return response

    async def _call_next(self, client: httpx.AsyncClient, counter: str) -> dict[str, Any] | bool | None:
        """The ticket called, None when nobody waits, False when the answer was lost (ask again)."""
        started = time.perf_counter()
        response = await self._post(client, "call-next", f"{counter}/call-next")
        if response is None or response.status_code >= 500:
            return False
        if response.status_code == 204:
            return None
        if response.status_code == 409 and response.json().get("code") == "already_calling":
            # The earlier call-next was done by a node whose answer never came back.
            self.recovered += 1
            body = response.json()
            ticket = body.get("ticket") or body.get("extra", {}).get("ticket")
            return {"id": ticket, "number": body.get("number") or body.get("extra", {}).get("number")}
        if response.status_code != 200:
            return False
        self.call_ms.append((time.perf_counter() - started) * 1000)
        return dict(response.json())

    async def counter(self, row: dict[str, Any]) -> None:
        base = f"/api/v1/counters/{row['id']}"
        async with self.client(row["token"]) as client:
            opened = await self._post(client, "open", f"{base}/open")
            if opened is None or opened.status_code != 200:
                raise SystemExit(f"Counter {row['number']} could not open.")
            while self.serving:
                ticket = await self._call_next(client, base)
                if ticket is False:
                    await asyncio.sleep(0.05)
                    continue
                if ticket is None:
                    if not self.issuing:
                        return  # the queue is empty and nobody issues any more
                    await asyncio.sleep(0.1)
                    continue
                assert isinstance(ticket, dict)
                self.calls.append(str(ticket["number"]))
                for op, body in (("start", None), ("finish", {"outcome": "completed"})):
                    for _attempt in range(20):
                        response = await self._post(client, op, f"/api/v1/tickets/{ticket['id']}/{op}", body)
                        if response is not None and response.status_code < 500:
                            break  # done, or 409: done already by the request whose answer was lost
                        await asyncio.sleep(0.1)


def database_check(url: str, hall: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(db_conninfo(url)) as conn:
        rows = conn.execute(
            "SELECT t.status, count(*) FROM queueing_ticket t JOIN org_hall h ON h.id = t.hall_id "
            "WHERE h.code = %s GROUP BY t.status",
            (hall,),
        ).fetchall()
    return {str(status): int(count) for status, count in rows}


async def drill(args: argparse.Namespace, world: dict[str, Any], env: dict[str, str], folder: Path) -> int:
    hall = world["hall"]
    nodes = [Node(name, free_port(), 2, env, folder / f"{name}.log") for name in ("node-a", "node-b")]
    ws_node = Node("ws-node", free_port(), 1, env, folder / "ws-node.log")
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for node in (*nodes, ws_node):
            node.wait_ready(hall)
        https_port, http_port = free_port(), free_port()
        config = nginx_config(
            folder, http_nodes=[n.port for n in nodes], ws_node=ws_node.port, https_port=https_port, http_port=http_port
        )
        subprocess.run([nginx_binary(), "-t", "-q", "-c", str(config)], check=True)
        nginx = subprocess.Popen([nginx_binary(), "-c", str(config), "-g", "daemon off;"], start_new_session=True)
        proxy = f"https://127.0.0.1:{https_port}"
        print(f"  nginx on {proxy} → HTTP nodes {[n.port for n in nodes]}, websocket node {ws_node.port}")

        board = Board()
        board_task = asyncio.create_task(board.listen(f"wss://127.0.0.1:{https_port}/ws/halls/{hall}/", proxy))
        await asyncio.wait_for(board.ready.wait(), timeout=20)

        # 4. One ticket through node A, called through node B, heard through nginx on the websocket node.
        first = world["counters"][0]
        async with httpx.AsyncClient(timeout=30) as plain:
            issued = await plain.post(
                f"{nodes[0].url}/api/v1/halls/{hall}/tickets", json={"category": world["category"], "channel": "kiosk"}
            )
            headers = {"Authorization": f"Token {first['token']}"}
            counter = f"{nodes[1].url}/api/v1/counters/{first['id']}"
            await plain.post(f"{counter}/open", headers=headers)
            called = await plain.post(f"{counter}/call-next", headers=headers)
            number = issued.json()["number"]
            if called.status_code != 200 or called.json()["number"] != number:
                print(f"FAIL: the ticket {number} issued on node A was not called on node B ({called.status_code})")
                return 1
            shared = await board.heard_soon(number)
            ticket_id = called.json()["id"]
            await plain.post(f"{nodes[1].url}/api/v1/tickets/{ticket_id}/start", headers=headers)
            await plain.post(
                f"{nodes[1].url}/api/v1/tickets/{ticket_id}/finish", headers=headers, json={"outcome": "completed"}
            )
        print(f"  {number}: issued on node A, called on node B, heard on the board: {'yes' if shared else 'NO'}")

        # 5. Load through nginx; node A crashes halfway.
        load = Load(proxy, world)
        started = time.monotonic()
        workers = [asyncio.create_task(load.kiosk(args.kiosk_pause)) for _ in range(args.kiosks)]
        workers += [asyncio.create_task(load.counter(row)) for row in world["counters"]]
        await asyncio.sleep(args.seconds / 2)
        before_kill = (len(load.calls), time.monotonic() - started)
        nodes[0].kill()
        killed_at = time.monotonic()
        print(f"  node A killed after {before_kill[1]:.1f} s and {before_kill[0]} calls")
        await asyncio.sleep(args.seconds / 2)
        load.issuing = False
        after_kill = (len(load.calls) - before_kill[0], time.monotonic() - killed_at)
        # 6. The counters empty the queue.
        drained = await asyncio.wait_for(asyncio.gather(*workers, return_exceptions=True), timeout=120)
        failures = [exc for exc in drained if isinstance(exc, BaseException)]
        await asyncio.sleep(1)  # the last pushes on their way
        board.stop.set()
        board_error = None
        try:
            await asyncio.wait_for(board_task, timeout=10)
        except Exception as exc:  # reported with the figures
            board_error = exc

        statuses = database_check(args.database_url, hall)
        doubled = double_calls_in_database(args.database_url)
        calls = Counter(load.calls)
        recalled_by_clerk = sum(1 for count in calls.values() if count > 1)
        left_active = statuses.get("called", 0) + statuses.get("serving", 0)
        never_called = statuses.get("waiting", 0)
        not_heard = len(set(load.calls) - set(board.heard))
        print("\nFigures")
        print(f"  issued through nginx      {load.issued}")
        print(f"  calls                     {len(load.calls)} ({len(calls)} tickets)")
        print(
            f"  calls per second          {before_kill[0] / before_kill[1]:.1f} before the crash, "
            f"{after_kill[0] / after_kill[1]:.1f} after"
        )
        print(f"  call-next p50 / p99       {percentile(load.call_ms, 50):.0f} / {percentile(load.call_ms, 99):.0f} ms")
        print(f"  calls recovered after a lost answer (409 already_calling): {load.recovered}")
        print(f"  answers by status         {dict(sorted(load.statuses.items()))}")
        print(f"  tickets in the database   {statuses}")
        print(f"  doubled calls             {doubled} (database), {recalled_by_clerk} (two counters got one ticket)")
        print(f"  lost calls                {left_active} left called or serving, {never_called} never called")
        print(f"  calls the board missed    {not_heard}")
        ok = (
            shared
            and not failures
            and doubled == 0
            and recalled_by_clerk == 0
            and left_active == 0
            and never_called == 0
            and not_heard == 0
        )
        if board_error is not None:
            ok = False
            print(f"  the board's connection failed: {board_error!r}")
        for failure in failures:
            print(f"  a load task failed: {failure!r}")
        print("\nPASS" if ok else "\nFAIL")
        return 0 if ok else 1
    finally:
        if nginx is not None and nginx.poll() is None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for node in (*nodes, ws_node):
            node.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="nginx + two HTTP nodes + a websocket node; one node crashes.")
    parser.add_argument("--seconds", type=float, default=40, help="length of the load (node A dies halfway)")
    parser.add_argument("--counters", type=int, default=8)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--kiosk-pause", type=float, default=0.2, help="seconds between one kiosk's tickets")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL.rsplit("/", 1)[0] + "/7")
    args = parser.parse_args()
    require_local(args.database_url, "--database-url")
    require_local(args.redis_url, "--redis-url")
    nginx_binary()
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_timeout=2).flushdb()
    except redis.RedisError as exc:
        print(f"Redis does not answer at {args.redis_url}: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    world = prepare_database(args.database_url, args.counters)
    env = django_env(args.database_url, args.redis_url)
    env["TRUSTED_PROXIES"] = "127.0.0.1"
    folder = Path(tempfile.mkdtemp(prefix="servicehall-cluster-"))
    code = asyncio.run(drill(args, world, env, folder))
    if code == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"  the nodes' and nginx's logs are kept in {folder}")
    raise SystemExit(code)


if __name__ == "__main__":
    main()
