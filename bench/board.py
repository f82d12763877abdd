"""The display board of the queue benchmark, in a process of its own.

Started by `bench/queue.py`; not meant to be run by hand. It listens on the
hall's websocket feed (`ws://…/ws/halls/<hall>/`), prints `ready` once the
server has said hello, and on SIGTERM (or at `--until`, unix seconds, at the
latest) prints one JSON line:
the list of calls heard as `[number, counter, sent_at, received_at]`, both
times from this machine's wall clock. Running apart from the load generator
keeps the kiosks' and counters' work out of the push delay it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time

from websockets.asyncio.client import connect


async def listen(url: str, origin: str, until: float) -> list[list[object]]:
    heard: list[list[object]] = []
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    # No keepalive pings: a server too busy to answer one in time would end the measurement early.
    async with connect(url, origin=origin, open_timeout=10, max_queue=None, ping_interval=None) as ws:  # type: ignore[arg-type]
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        print("ready" if hello.get("type") == "hello" else f"unexpected {hello}", flush=True)
        for _ in range(10_000_000):
            left = until - time.time()
            if left <= 0 or stop.is_set():
                break
            receiving = asyncio.ensure_future(ws.recv())
            stopping = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait({receiving, stopping}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if receiving not in done:
                receiving.cancel()
                break
            raw = receiving.result()
            received = time.time()
            message = json.loads(raw)
            if message.get("type") == "call":
                heard.append([message.get("number"), message.get("counter"), message.get("sent_at"), received])
    return heard


def main() -> None:
    parser = argparse.ArgumentParser(description="Listen to a hall's feed and report the calls heard.")
    parser.add_argument("--url", required=True, help="ws://127.0.0.1:PORT/ws/halls/HALL/")
    parser.add_argument("--origin", required=True, help="http://127.0.0.1:PORT (the server checks it)")
    parser.add_argument("--until", type=float, required=True, help="unix time at which to stop listening")
    args = parser.parse_args()
    try:
        heard = asyncio.run(listen(args.url, args.origin, args.until))
    except Exception as exc:  # report any failure to the parent instead of a traceback
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        sys.exit(1)
    print(json.dumps(heard), flush=True)


if __name__ == "__main__":
    main()
